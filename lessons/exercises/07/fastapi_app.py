"""Your service, its FastAPI twin: one step more with each lesson (lessons/exercises/README.md)."""

import json
import os
from pathlib import Path

import joblib
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from schemas import PatientRequest, Prediction, echoed_fields

from shared.contract.errors import validation_error_body

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
card = json.loads(MODEL_PATH.with_suffix(".json").read_text())  # the model card, lesson 02
app = FastAPI()


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.exception_handler(RequestValidationError)
def refuse(request: Request, error: RequestValidationError) -> JSONResponse:
    """The contract's 422: each issue's type, loc and msg, as the Flask twin answers it."""
    return JSONResponse(validation_error_body(error.errors()), status_code=422)


@app.post("/predict")
def predict(patient: PatientRequest) -> Prediction:  # the answer is built from the schema
    value = float(model.predict(patient.row())[0])
    return Prediction(prediction=value, **echoed_fields(patient))


@app.get("/features")
def features() -> dict:
    names = ("name", "train_min", "train_max")
    return {"features": [{name: feature[name] for name in names} for feature in card["features"]]}


# TODO (step 1): a factory, in fastapi_app.py and flask_app.py: create_app(model=None) builds
#   and returns the app, loading the model there, once, unless one is handed in. Move the
#   routes and the exception handler into it, and delete the module's `model` and `app`.
# TODO (step 2): the dependency: get_model(request) returns request.app.state.model, and
#   /predict declares `model: Annotated[Any, Depends(get_model)]` to be handed it.
