"""The endpoints. Each one parses (FastAPI reads the signature), calls the core, answers.

They are `async def` because their work is short and CPU-bound: a `def` endpoint would be sent to
FastAPI's thread pool, and that hop costs more than the prediction (lesson 15). The predictor is
awaited: concurrent predictions are made in one model call (shared/core/batching.py).
"""

from fastapi import APIRouter, Depends, Request

from fastapi_service.app.deps import PredictorDep, require_json_body
from fastapi_service.app.openapi import documented
from fastapi_service.server.validation import ValidateLargeBodiesInThreadPool
from shared.contract.openapi import JSON_BODY_ERRORS, NOT_READY
from shared.core.schemas import (
    BatchPredictionResponse,
    BatchRequest,
    HealthResponse,
    ModelCard,
    Patient,
    PredictionResponse,
    ReadyResponse,
)

router = APIRouter(
    tags=["prediction"],
    dependencies=[Depends(require_json_body)],
    route_class=ValidateLargeBodiesInThreadPool,  # armour: see fastapi_service/server/validation.py
)


@router.get("/health", **documented(HealthResponse, {}))
async def health() -> dict:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", **documented(ReadyResponse, NOT_READY))
async def ready(predictor: PredictorDep) -> dict:
    """Readiness: a model is loaded and requests can be served."""
    return {"status": "ready", "model_version": predictor.version}


@router.get("/model", **documented(ModelCard, NOT_READY))
async def model_card(predictor: PredictorDep) -> ModelCard:
    """The model card: features, training ranges, metrics, version."""
    return predictor.card


@router.post("/predict", **documented(PredictionResponse, JSON_BODY_ERRORS))
async def predict(body: Patient, predictor: PredictorDep) -> PredictionResponse:
    """Predict disease progression for one patient."""
    return await predictor.predict_one(body)


@router.post("/predict/batch", **documented(BatchPredictionResponse, JSON_BODY_ERRORS))
async def predict_batch(
    body: BatchRequest, predictor: PredictorDep, request: Request
) -> BatchPredictionResponse:
    """Predict for 1 to MAX_BATCH patients in one call."""
    request.state.prediction_rows = len(body.instances)  # the metrics count rows, not calls
    return await predictor.predict_batch(body.instances)
