"""Exercise 16, solved: a small Python client for the service, as another team would call it."""

TIMEOUT_SECONDS = 5


class InvalidPatient(ValueError):
    """The service refused the patient (422): the message names each field and why."""


def predict(http, base_url: str, patient: dict) -> float:
    """The prediction for one patient; InvalidPatient on 422, HTTPError on any other error."""
    response = http.post(f"{base_url}/predict", json=patient, timeout=TIMEOUT_SECONDS)
    if response.status_code == 422:
        issues = response.json()["detail"]
        raise InvalidPatient("; ".join(f"{issue['loc'][-1]}: {issue['msg']}" for issue in issues))
    response.raise_for_status()
    return response.json()["prediction"]
