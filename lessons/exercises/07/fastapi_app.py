"""Exercise 07: the FastAPI twin. The route gets its predictor by dependency injection."""

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from shared.core.model import Predictor
from shared.core.schemas import Patient, PredictionResponse
from shared.core.settings import Settings


def get_predictor(request: Request) -> Predictor:
    """The dependency: FastAPI calls it for each request, and a test may replace it."""
    return request.app.state.predictor


def create_app() -> FastAPI:
    settings = Settings()
    app = FastAPI()
    app.state.predictor = Predictor.load(settings.model_path, settings.card_path)

    @app.post("/predict")
    def predict(
        patient: Patient, predictor: Annotated[Predictor, Depends(get_predictor)]
    ) -> PredictionResponse:
        return predictor.predict_one(patient)

    return app
