"""Exercise 01, solved: three HTTP calls with `requests`, and reading the answers."""

from shared.core.schemas import EXAMPLE_PATIENT


def get_health(http, base_url: str):
    """GET /health and return the response."""
    return http.get(f"{base_url}/health", timeout=10)


def predict_without_bmi(http, base_url: str):
    """POST /predict with EXAMPLE_PATIENT minus its "bmi" as the JSON body; return the response."""
    body = {name: value for name, value in EXAMPLE_PATIENT.items() if name != "bmi"}
    return http.post(f"{base_url}/predict", json=body, timeout=10)


def where_is_the_error(response) -> list:
    """The `loc` of the first issue in a 422 answer, e.g. ["body", "bmi"]."""
    return response.json()["detail"][0]["loc"]
