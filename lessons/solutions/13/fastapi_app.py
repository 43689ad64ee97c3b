"""Exercise 13, solved: the FastAPI twin guarded by an API-key middleware."""

from typing import Annotated

from admin import check_admin_key
from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from shared.contract.errors import Unauthorized
from shared.contract.security import API_KEY_HEADER, check_api_key
from shared.core.model import Predictor
from shared.core.schemas import Patient, PredictionResponse

OPEN_PATHS = {"/health"}  # what a load balancer probes without a key


def require_admin_key(x_admin_key: Annotated[str | None, Header()] = None) -> None:
    """A dependency: only the routes that declare it need the admin key. (Header() reads
    X-Admin-Key: FastAPI turns the parameter's underscores into dashes.)"""
    if not check_admin_key(x_admin_key):
        raise HTTPException(status_code=403, detail="Admin key required")


def create_app(predictor: Predictor, api_key: str) -> FastAPI:
    app = FastAPI()
    key = SecretStr(api_key)

    # Middleware runs before routing: every route, present or future, is guarded. (A dependency
    # guards only the routes that declare it: lesson 13 compares the two.)
    @app.middleware("http")
    async def require_api_key(request: Request, call_next):
        if request.url.path not in OPEN_PATHS:
            try:
                check_api_key(key, request.headers.getlist(API_KEY_HEADER))
            except Unauthorized as error:
                return JSONResponse(error.body(), status_code=error.status_code)
        return await call_next(request)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/predict")
    def predict(patient: Patient) -> PredictionResponse:
        return predictor.predict_one(patient)

    @app.post("/admin/reload", dependencies=[Depends(require_admin_key)])
    def reload_model() -> dict:
        return {"status": "reloaded"}

    return app
