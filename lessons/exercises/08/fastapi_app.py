"""Your service, its FastAPI twin: one step more with each lesson (lessons/exercises/README.md)."""

import json
import os
from pathlib import Path
from typing import Annotated, Any

import joblib
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from schemas import PatientRequest, Prediction, echoed_fields

from shared.contract.errors import validation_error_body

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))


def get_model(request: Request) -> Any:
    """The dependency: the model this app loaded. A test may override it with a fake."""
    return request.app.state.model


ModelDep = Annotated[Any, Depends(get_model)]  # what a route declares to be handed the model


def create_app(model: Any = None) -> FastAPI:
    """The app, with the model loaded once, here, unless a test hands in its own."""
    app = FastAPI()
    app.state.model = joblib.load(MODEL_PATH) if model is None else model
    card = json.loads(MODEL_PATH.with_suffix(".json").read_text())  # the model card, lesson 02

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.exception_handler(RequestValidationError)
    def refuse(request: Request, error: RequestValidationError) -> JSONResponse:
        """The contract's 422: each issue's type, loc and msg, as the Flask twin answers it."""
        return JSONResponse(validation_error_body(error.errors()), status_code=422)

    @app.post("/predict")
    def predict(patient: PatientRequest, model: ModelDep) -> Prediction:
        value = float(model.predict(patient.row())[0])
        return Prediction(prediction=value, **echoed_fields(patient))

    @app.get("/features")
    def features() -> dict:
        names = ("name", "train_min", "train_max")
        return {"features": [{name: item[name] for name in names} for item in card["features"]]}

    return app
