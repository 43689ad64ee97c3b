"""The endpoints. Each one parses (flask-openapi3 reads the signature), calls the core, answers.

They are plain `def`: gunicorn's gevent worker gives each connection a greenlet of its own, and
a route runs start to end as plain Python, so there is no hop to save (lesson 15).
"""

from flask import g
from flask_openapi3 import APIBlueprint, Tag

from flask_service.app.deps import get_predictor, require_json_body
from flask_service.app.openapi import documented, operation_id
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

router = APIBlueprint(
    "prediction", __name__, abp_tags=[Tag(name="prediction")], operation_id_callback=operation_id
)
router.before_request(require_json_body)


@router.get("/health", **documented(HealthResponse, {}))
def health() -> dict:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", **documented(ReadyResponse, NOT_READY))
def ready() -> dict:
    """Readiness: a model is loaded and requests can be served."""
    return {"status": "ready", "model_version": get_predictor().version}


@router.get("/model", **documented(ModelCard, NOT_READY))
def model_card() -> ModelCard:
    """The model card: features, training ranges, metrics, version."""
    return get_predictor().card


@router.post("/predict", **documented(PredictionResponse, JSON_BODY_ERRORS))
def predict(body: Patient) -> PredictionResponse:
    """Predict disease progression for one patient."""
    return get_predictor().predict_one(body)


@router.post("/predict/batch", **documented(BatchPredictionResponse, JSON_BODY_ERRORS))
def predict_batch(body: BatchRequest) -> BatchPredictionResponse:
    """Predict for 1 to MAX_BATCH patients in one call."""
    g.prediction_rows = len(body.instances)  # the metrics count rows, not calls
    return get_predictor().predict_batch(body.instances)
