"""The endpoints. Each one parses (FastAPI reads the signature), calls the core, answers."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from fastapi_service.deps import PredictorDep, require_json_body
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
def health() -> dict:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", response_model=ReadyResponse, responses=documented(NOT_READY))
def ready(predictor: PredictorDep) -> dict:
    """Readiness: a model is loaded and requests can be served."""
    return {"status": "ready", "model_version": predictor.version}


@router.get("/model", response_model=ModelCard, responses=documented(NOT_READY))
def model_card(predictor: PredictorDep) -> ModelCard:
    """The model card: features, training ranges, metrics, version."""
    return predictor.card


@router.post("/predict", response_model=PredictionResponse, responses=documented(JSON_BODY_ERRORS))
def predict(body: Patient, predictor: PredictorDep) -> PredictionResponse:
    """Predict disease progression for one patient."""
    return predictor.predict_one(body)


@router.post(
    "/predict/batch",
    response_model=BatchPredictionResponse,
    responses=documented(JSON_BODY_ERRORS),
)
def predict_batch(body: BatchRequest, predictor: PredictorDep) -> BatchPredictionResponse:
    """Predict for 1 to MAX_BATCH patients in one call."""
    return predictor.predict_batch(body.instances)
