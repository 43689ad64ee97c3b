"""The endpoints. Each one parses (flask-openapi3 reads the signature), calls the core, answers.

They are plain `def`: Flask gives each request a thread of its own (gunicorn's gthread worker),
so there is no event loop to keep free and no hop to save (lesson 10).
"""

from flask import g
from flask_openapi3 import APIBlueprint, Tag

from flask_service.deps import get_predictor, require_json_body
from flask_service.openapi import operation_id
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

router = APIBlueprint(
    "prediction", __name__, abp_tags=[Tag(name="prediction")], operation_id_callback=operation_id
)
router.before_request(require_json_body)


def documented(errors: dict, success: type) -> dict:
    """flask-openapi3's form of an error table for the OpenAPI document."""
    return {200: success, **errors}


@router.get("/health", responses=documented({}, HealthResponse))
def health() -> dict:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", responses=documented(NOT_READY, ReadyResponse))
def ready() -> dict:
    """Readiness: a model is loaded and requests can be served."""
    return {"status": "ready", "model_version": get_predictor().version}


@router.get("/model", responses=documented(NOT_READY, ModelCard))
def model_card() -> dict:
    """The model card: features, training ranges, metrics, version."""
    return get_predictor().card.model_dump(mode="json")


@router.post("/predict", responses=documented(JSON_BODY_ERRORS, PredictionResponse))
def predict(body: Patient) -> dict:
    """Predict disease progression for one patient."""
    return get_predictor().predict_one(body).model_dump(mode="json")


@router.post("/predict/batch", responses=documented(JSON_BODY_ERRORS, BatchPredictionResponse))
def predict_batch(body: BatchRequest) -> dict:
    """Predict for 1 to MAX_BATCH patients in one call."""
    g.prediction_rows = len(body.instances)  # the metrics count rows, not calls
    return get_predictor().predict_batch(body.instances).model_dump(mode="json")
