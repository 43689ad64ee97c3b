"""Exercise 16: a small Python client for the service, as another team would call it.

`http` is the `requests` module (or a `requests.Session`); `base_url` such as
"http://localhost:8000". See README.md.
"""


class InvalidPatient(ValueError):
    """The service refused the patient (422): the message names each field and why."""


def predict(http, base_url: str, patient: dict) -> float:
    """The prediction for one patient.

    - a timeout on the request (a client without one waits forever for a hung server);
    - 200: return the prediction, a float;
    - 422: raise InvalidPatient("bmi: Field required; ...") from the answer's issues;
    - any other error status: response.raise_for_status().
    """
    raise NotImplementedError("POST the patient to /predict and read the answer")
