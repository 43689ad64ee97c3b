"""The Open Inference Protocol (KServe V2 REST): thin routes over the codec in `shared/v2.py`.

Unlike `routes.py`, these routes do not require a JSON Content-Type: tritonclient sends none, and
a binary request is not JSON at all. The infer routes read the raw body and the shared codec
decodes it, so both services accept and refuse exactly the same bodies.
"""

from flask import Response, current_app, g, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from flask_service.openapi import operation_id
from flask_service.routes import documented
from shared import v2
from shared.model import Predictor

router = APIBlueprint(
    "v2", __name__, abp_tags=[Tag(name=v2.TAG)], operation_id_callback=operation_id
)


def find_predictor() -> Predictor | None:
    """The loaded model, or None: the V2 routes say "not loaded" in the protocol's error shape."""
    return current_app.extensions["predictor"]


class ModelPath(BaseModel):
    """flask-openapi3 documents path parameters from a model; FastAPI reads the signature."""

    name: str = Field(**v2.MODEL_NAME_DOC)


class ModelVersionPath(ModelPath):
    version: str = Field(**v2.MODEL_VERSION_DOC)


INFER_RESPONSES = documented(v2.INFER_ERRORS, v2.InferenceResponse)


@router.get("/v2", responses=documented({}, v2.ServerMetadataResponse))
def server_metadata() -> dict:
    """Server metadata: name, version, protocol extensions."""
    return v2.server_metadata().model_dump(mode="json")


@router.get("/v2/health/live", responses=documented({}, v2.ServerLiveResponse))
def server_live() -> dict:
    """Liveness: the process answers."""
    return v2.server_live().model_dump(mode="json")


@router.get("/v2/health/ready", responses=documented(v2.READY_ERRORS, v2.ServerReadyResponse))
def server_ready() -> dict:
    """Readiness: 200 when the model is loaded, 400 when not (the protocol's 4xx)."""
    return v2.server_ready(find_predictor()).model_dump(mode="json")


@router.get("/v2/models/<name>", responses=documented(v2.MODEL_ERRORS, v2.ModelMetadataResponse))
def model_metadata(path: ModelPath) -> dict:
    """The model's inputs and outputs as tensors."""
    return v2.model_metadata(find_predictor(), path.name).model_dump(mode="json")


@router.get(
    "/v2/models/<name>/versions/<version>",
    responses=documented(v2.MODEL_ERRORS, v2.ModelMetadataResponse),
)
def model_version_metadata(path: ModelVersionPath) -> dict:
    """The metadata of one version of the model."""
    return v2.model_metadata(find_predictor(), path.name, path.version).model_dump(mode="json")


@router.get(
    "/v2/models/<name>/ready",
    responses=documented(v2.MODEL_READY_ERRORS, v2.ModelReadyResponse),
)
def model_ready(path: ModelPath) -> dict:
    """Whether the model can serve inference requests."""
    return v2.model_ready(find_predictor(), path.name).model_dump(mode="json")


@router.get(
    "/v2/models/<name>/versions/<version>/ready",
    responses=documented(v2.MODEL_READY_ERRORS, v2.ModelReadyResponse),
)
def model_version_ready(path: ModelVersionPath) -> dict:
    """Whether this version of the model can serve inference requests."""
    return v2.model_ready(find_predictor(), path.name, path.version).model_dump(mode="json")


@router.post(
    "/v2/models/<name>/infer",
    responses=INFER_RESPONSES,
    openapi_extensions=v2.INFER_REQUEST_DOC,
)
def infer(path: ModelPath) -> Response:
    """Predict for the rows of an input tensor of shape [N, 10]."""
    return answer_inference(find_predictor(), path.name)


@router.post(
    "/v2/models/<name>/versions/<version>/infer",
    responses=INFER_RESPONSES,
    openapi_extensions=v2.INFER_REQUEST_DOC,
)
def infer_version(path: ModelVersionPath) -> Response:
    """Predict with one version of the model."""
    return answer_inference(find_predictor(), path.name, path.version)


def answer_inference(
    predictor: Predictor | None, name: str, version: str | None = None
) -> Response:
    """Hand the raw body and its headers to the shared codec: decode, predict, encode."""
    raw = v2.RawRequest(
        body=request.get_data(),
        content_type=request.headers.get("content-type"),
        header_length=request.headers.get(v2.HEADER_LENGTH),
    )
    encoded = v2.infer(predictor, name, version, raw)
    g.prediction_rows = encoded.rows  # the metrics count rows, not calls
    return Response(encoded.body, content_type=encoded.content_type, headers=encoded.headers)
