"""The endpoints. Each one parses (FastAPI reads the signature), calls the core, answers.

They are `async def` because their work is short and CPU-bound: a `def` endpoint would be sent to
FastAPI's thread pool, and that hop costs more than the prediction (lesson 10). Blocking I/O, such
as the database in predictions.py, stays in `def` endpoints, where the pool belongs.
"""

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from fastapi_service.deps import BatcherDep, PredictorDep, require_json_body
from shared.openapi import JSON_BODY_ERRORS, NOT_READY
from shared.schemas import (
    BatchPredictionResponse,
    BatchRequest,
    HealthResponse,
    ModelCard,
    Patient,
    PredictionResponse,
    ReadyResponse,
)

router = APIRouter(tags=["prediction"], dependencies=[Depends(require_json_body)])


def documented(errors: dict[int, type[BaseModel]]) -> dict:
    """FastAPI's form of an error table for the OpenAPI document."""
    return {status: {"model": model} for status, model in errors.items()}


@router.get("/health", response_model=HealthResponse)
async def health() -> dict:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", response_model=ReadyResponse, responses=documented(NOT_READY))
async def ready(predictor: PredictorDep) -> dict:
    """Readiness: a model is loaded and requests can be served."""
    return {"status": "ready", "model_version": predictor.version}


@router.get("/model", response_model=ModelCard, responses=documented(NOT_READY))
async def model_card(predictor: PredictorDep) -> ModelCard:
    """The model card: features, training ranges, metrics, version."""
    return predictor.card


@router.post("/predict", response_model=PredictionResponse, responses=documented(JSON_BODY_ERRORS))
async def predict(body: Patient, predictor: BatcherDep) -> PredictionResponse:
    """Predict disease progression for one patient."""
    return await predictor.predict_one(body)


@router.post(
    "/predict/batch",
    response_model=BatchPredictionResponse,
    responses=documented(JSON_BODY_ERRORS),
)
async def predict_batch(
    body: BatchRequest, predictor: PredictorDep, request: Request
) -> BatchPredictionResponse:
    """Predict for 1 to MAX_BATCH patients in one call."""
    request.state.prediction_rows = len(body.instances)  # the metrics count rows, not calls
    return predictor.predict_batch(body.instances)
