"""Your service, its FastAPI twin: one step more with each lesson (lessons/exercises/README.md)."""

import json
import os
from pathlib import Path
from typing import Annotated, Any

import joblib
from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from memory_store import MemoryStore
from pydantic import SecretStr
from schemas import PatientRequest, Prediction, echoed_fields

from shared.contract.errors import Unauthorized, validation_error_body
from shared.contract.security import API_KEY_HEADER, check_api_key
from shared.core.errors import ServiceError

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
OPEN_PATHS = {"/health"}  # what a load balancer probes without a key


def get_model(request: Request) -> Any:
    """The dependency: the model this app loaded. A test may override it with a fake."""
    return request.app.state.model


ModelDep = Annotated[Any, Depends(get_model)]  # what a route declares to be handed the model


def create_app(model: Any = None) -> FastAPI:
    """The app, with the model loaded once, here, unless a test hands in its own."""
    app = FastAPI()
    app.state.model = joblib.load(MODEL_PATH) if model is None else model
    card = json.loads(MODEL_PATH.with_suffix(".json").read_text())  # the model card, lesson 02
    key = SecretStr(os.environ.get("API_KEY", ""))  # none configured: every request is refused

    @app.middleware("http")
    async def require_api_key(request: Request, call_next):
        """Middleware runs before routing: every route, present or future, is guarded."""
        if request.url.path not in OPEN_PATHS:
            try:
                check_api_key(key, request.headers.getlist(API_KEY_HEADER))
            except Unauthorized as error:
                return JSONResponse(error.body(), status_code=error.status_code)
        return await call_next(request)

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

    store = MemoryStore()  # the predictions resource (the project keeps it in a database)

    @app.exception_handler(ServiceError)
    def service_error(request: Request, error: ServiceError) -> JSONResponse:
        """The domain's errors (PredictionNotFound: 404) in the contract's shape."""
        return JSONResponse(error.body(), status_code=error.status_code)

    @app.post("/predictions", status_code=201)
    def create_prediction(patient: PatientRequest, model: ModelDep, response: Response) -> dict:
        record = store.add(float(model.predict(patient.row())[0]))
        response.headers["Location"] = f"/predictions/{record['id']}"
        return record

    @app.get("/predictions/{prediction_id}")
    def get_prediction(prediction_id: int) -> dict:
        return store.get(prediction_id)

    @app.delete("/predictions/{prediction_id}", status_code=204)
    def delete_prediction(prediction_id: int) -> Response:
        store.delete(prediction_id)
        return Response(status_code=204)  # an empty body: FastAPI would encode `None` as null

    return app
