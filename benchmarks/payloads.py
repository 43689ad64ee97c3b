"""The request bodies every scenario sends, shared by the locustfile, wrk and the runner.

Kept apart from the locustfile because importing locust patches the standard library (gevent):
the runner must not import it.
"""

import json

from shared.schemas import EXAMPLE_PATIENT

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
