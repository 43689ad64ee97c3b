"""The wine classifier in FastAPI: `create_app(model_path)`."""

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from model import WineModel
from schemas import BatchPrediction, Prediction, Wine, WineBatch

from shared.contract.errors import MALFORMED_JSON_TYPES, MalformedJSON, validation_error_body
from shared.contract.web import dumps


class SameBytesJSONResponse(JSONResponse):
    """JSON written by the same function as the Flask twin's. pydantic's own encoder writes
    3.03e-05 as 0.0000303: the same number, other bytes."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


def create_app(model_path: Path) -> FastAPI:
    app = FastAPI(default_response_class=SameBytesJSONResponse)
    model = WineModel(model_path)  # loaded once, when the app is built

    @app.exception_handler(RequestValidationError)
    def refuse(request: Request, error: RequestValidationError) -> SameBytesJSONResponse:
        if any(issue["type"] in MALFORMED_JSON_TYPES for issue in error.errors()):
            return SameBytesJSONResponse(MalformedJSON().body(), status_code=400)
        return SameBytesJSONResponse(validation_error_body(error.errors()), status_code=422)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/ready")
    def ready() -> dict:
        return {"status": "ready", "model_version": model.version}

    @app.post("/predict")
    def predict(wine: Wine) -> Prediction:
        return model.predict_one(wine)

    @app.post("/predict/batch")
    def predict_batch(batch: WineBatch) -> BatchPrediction:
        return model.predict_batch(batch.instances)

    return app
