"""Exercise 07: two tests that serve a fake model, one per framework. See README.md.

`make exercise N=07` runs them against the twins (they must pass) and against twins that ignore
the fake (they must fail: a test that cannot fail proves nothing).
"""

from fastapi.testclient import TestClient  # noqa: F401 (you will use it)
from fastapi_app import create_app as create_fastapi_app  # noqa: F401
from fastapi_app import get_predictor  # noqa: F401
from flask_app import create_app as create_flask_app  # noqa: F401

from shared.core.schemas import EXAMPLE_PATIENT, PredictionResponse  # noqa: F401


class FakePredictor:
    """Answers 42.0 for every patient: a test that sees 42.0 knows the fake was used."""

    def predict_one(self, patient) -> PredictionResponse:
        return PredictionResponse(prediction=42.0, model_version="fake", out_of_range=[])


def test_fastapi_predict_uses_the_fake() -> None:
    # TODO: create the app, replace get_predictor with app.dependency_overrides, then POST
    # EXAMPLE_PATIENT with a TestClient and assert the prediction is 42.0.
    raise NotImplementedError("write this test with app.dependency_overrides")


def test_flask_predict_uses_the_fake() -> None:
    # TODO: the Flask equivalent: hand the fake to create_flask_app, POST with
    # app.test_client(), and assert the prediction is 42.0.
    raise NotImplementedError("write this test by passing the fake to the factory")
