"""Exercise 13: the FastAPI twin. TODO: an API-key middleware (see README.md)."""

from typing import Annotated  # noqa: F401 (part 2)

from admin import check_admin_key  # noqa: F401 (part 2)
from fastapi import Depends, FastAPI, Header, HTTPException, Request  # noqa: F401 (you will use them)
from fastapi.responses import JSONResponse  # noqa: F401 (you will use it)
from pydantic import SecretStr

from shared.contract.errors import Unauthorized  # noqa: F401 you will use it
from shared.contract.security import API_KEY_HEADER, check_api_key  # noqa: F401 (you will use them)
from shared.core.model import Predictor
from shared.core.schemas import Patient, PredictionResponse

OPEN_PATHS = {"/health"}  # what a load balancer probes without a key


def create_app(predictor: Predictor, api_key: str) -> FastAPI:
    app = FastAPI()
    key = SecretStr(api_key)  # noqa: F841 (you will use it)

    # TODO: a middleware (@app.middleware("http")) that answers 401 {"detail": ...} to any request
    # outside OPEN_PATHS whose X-API-Key header is not `key`. check_api_key does the comparison.

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/predict")
    def predict(patient: Patient) -> PredictionResponse:
        return predictor.predict_one(patient)

    # TODO (part 2): only an admin may reload. Require X-Admin-Key on this route alone, with a
    # dependency: @app.post("/admin/reload", dependencies=[Depends(require_admin_key)]).
    @app.post("/admin/reload")
    def reload_model() -> dict:
        return {"status": "reloaded"}

    return app
