"""The request bodies every scenario sends, shared by the locustfile, wrk and the runner.

Kept apart from the locustfile because importing locust patches the standard library (gevent):
the runner must not import it.
"""

import json
import struct

from shared.core.schemas import EXAMPLE_PATIENT

# The first patient of the dataset: a valid body for every service and baseline.
PATIENT = EXAMPLE_PATIENT
PATIENT_JSON = json.dumps(PATIENT)
JSON_HEADERS = {"Content-Type": "application/json"}


def batch_json(size: int) -> str:
    """A /predict/batch body of `size` rows."""
    return json.dumps({"instances": [PATIENT] * size})


def wrk_script() -> str:
    """wrk's Lua script: POST the same patient, as PredictUser does."""
    return (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(PATIENT_JSON)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


# The Open Inference Protocol (V2) request every V2 server takes, ours and the peers' (MLServer,
# KServe): one FP64 tensor of shape [1, 10], the same patient in the model card's column order.
MODEL_NAME = "diabetes-progression"  # shared.core.train.MODEL_NAME, not imported: it loads sklearn
V2_INFER_PATH = f"/v2/models/{MODEL_NAME}/infer"
V2_JSON = json.dumps(
    {
        "inputs": [
            {
                "name": "patients",
                "shape": [1, len(PATIENT)],
                "datatype": "FP64",
                "data": list(PATIENT.values()),
            }
        ]
    }
)


def wrk_v2_script() -> str:
    """wrk's Lua script for V2 inference: POST the same tensor, as V2User does."""
    return (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(V2_JSON)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


def v2_binary_body(rows: int) -> tuple[bytes, dict[str, str]]:
    """A V2 request of `rows` patients with the binary tensor extension, in and out: the JSON
    part names the tensor and its byte size, raw little-endian FP64 values follow it, and the
    answer's predictions come back as raw bytes too. The body and its headers."""
    values = struct.pack(f"<{rows * len(PATIENT)}d", *list(PATIENT.values()) * rows)
    tensor = {"name": "patients", "shape": [rows, len(PATIENT)], "datatype": "FP64"}
    header = json.dumps(
        {
            "inputs": [{**tensor, "parameters": {"binary_data_size": len(values)}}],
            "outputs": [{"name": "prediction", "parameters": {"binary_data": True}}],
        }
    ).encode()
    headers = {
        "Content-Type": "application/octet-stream",
        "Inference-Header-Content-Length": str(len(header)),
    }
    return header + values, headers
