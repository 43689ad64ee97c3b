"""Exercise 01: three HTTP calls with `requests`, and reading the answers.

Each function gets `http` (the `requests` module, or anything with the same `get` and `post`) and
`base_url` (such as "http://localhost:8000"), so the same code talks to either service.
"""

from shared.core.schemas import EXAMPLE_PATIENT  # noqa: F401 (you will use it)


def get_health(http, base_url: str):
    """GET /health and return the response."""
    raise NotImplementedError("send GET {base_url}/health and return the response")


def predict_without_bmi(http, base_url: str):
    """POST /predict with EXAMPLE_PATIENT minus its "bmi" as the JSON body; return the response."""
    raise NotImplementedError(
        "build the body without bmi, POST it as json=..., return the response"
    )


def where_is_the_error(response) -> list:
    """The `loc` of the first issue in a 422 answer, e.g. ["body", "bmi"]."""
    raise NotImplementedError("read response.json()['detail'][0]['loc']")
