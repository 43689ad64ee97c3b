"""Exercise 14: speak the Open Inference Protocol (KServe V2) to either service. See README.md."""

from shared.core.schemas import FEATURES  # noqa: F401 (you will use it)

MODEL_NAME = "diabetes-progression"
INFER_PATH = f"/v2/models/{MODEL_NAME}/infer"


def inference_request(patients: list[dict]) -> dict:
    """The V2 body for these patients: one input tensor named "patients", shape [N, 10],
    datatype "FP64", data the rows' values in FEATURES order, one row after the other."""
    raise NotImplementedError("build {'inputs': [{'name': ..., 'shape': ..., ...}]}")


def predictions(response_body: dict) -> list[float]:
    """The predictions in a V2 answer: the data of the output tensor named "prediction"."""
    raise NotImplementedError("find the output named 'prediction' in response_body['outputs']")
