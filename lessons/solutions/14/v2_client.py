"""Exercise 14, solved: speak the Open Inference Protocol (KServe V2) to either service."""

from shared.core.schemas import FEATURES

MODEL_NAME = "diabetes-progression"
INFER_PATH = f"/v2/models/{MODEL_NAME}/infer"


def inference_request(patients: list[dict]) -> dict:
    """The V2 body for these patients: one input tensor named "patients", shape [N, 10],
    datatype "FP64", data the rows' values in FEATURES order, one row after the other."""
    data = [float(patient[name]) for patient in patients for name in FEATURES]
    tensor = {"name": "patients", "shape": [len(patients), len(FEATURES)], "datatype": "FP64"}
    return {"inputs": [{**tensor, "data": data}]}


def predictions(response_body: dict) -> list[float]:
    """The predictions in a V2 answer: the data of the output tensor named "prediction"."""
    (output,) = [out for out in response_body["outputs"] if out["name"] == "prediction"]
    return output["data"]
