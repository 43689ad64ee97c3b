"""Exercise 07, solved: a fake model injected in each framework, and tests that see it."""

from fastapi.testclient import TestClient
from fastapi_app import create_app as create_fastapi_app
from fastapi_app import get_predictor
from flask_app import create_app as create_flask_app

from shared.core.schemas import EXAMPLE_PATIENT, PredictionResponse


class FakePredictor:
    """Answers 42.0 for every patient: a test that sees 42.0 knows the fake was used."""

    def predict_one(self, patient) -> PredictionResponse:
        return PredictionResponse(prediction=42.0, model_version="fake", out_of_range=[])


def test_fastapi_predict_uses_the_fake() -> None:
    app = create_fastapi_app()
    # FastAPI calls the override wherever a route depends on get_predictor.
    app.dependency_overrides[get_predictor] = FakePredictor
    with TestClient(app) as client:
        response = client.post("/predict", json=EXAMPLE_PATIENT)
    assert response.status_code == 200
    assert response.json()["prediction"] == 42.0


def test_flask_predict_uses_the_fake() -> None:
    # Flask has no dependency_overrides: the app factory takes what it needs as arguments.
    app = create_flask_app(predictor=FakePredictor())
    response = app.test_client().post("/predict", json=EXAMPLE_PATIENT)
    assert response.status_code == 200
    assert response.get_json()["prediction"] == 42.0
