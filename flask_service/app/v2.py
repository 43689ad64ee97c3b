"""The Open Inference Protocol (KServe V2 REST): thin routes over the data plane in
`shared/contract/v2/`.

Unlike `routes.py`, these routes do not require a JSON Content-Type: tritonclient sends none, and
a binary request is not JSON at all. The infer routes read the raw body and the shared codec
decodes it, so both services accept and refuse exactly the same bodies.
"""

from flask import Response, g, request
from flask_openapi3 import APIBlueprint, Tag

from flask_service.app.deps import ModelPath, ModelVersionPath, find_predictor
from flask_service.app.openapi import documented, operation_id
from shared.contract.openapi import (
    V2_INFER_ERRORS,
    V2_INFER_REQUEST_DOC,
    V2_MODEL_ERRORS,
    V2_MODEL_READY_ERRORS,
    V2_READY_ERRORS,
    V2_TAG,
)
from shared.contract.v2 import dataplane
from shared.contract.v2.codec import RawRequest, joined_header
from shared.contract.v2.types import (
    HEADER_LENGTH,
    InferenceResponse,
    ModelMetadataResponse,
    ModelReadyResponse,
    ServerLiveResponse,
    ServerMetadataResponse,
    ServerReadyResponse,
)
from shared.core.model import Predictor

router = APIBlueprint(
    "v2", __name__, abp_tags=[Tag(name=V2_TAG)], operation_id_callback=operation_id
)


@router.get("/v2", **documented(ServerMetadataResponse, {}))
def server_metadata() -> ServerMetadataResponse:
    """Server metadata: name, version, protocol extensions."""
    return dataplane.server_metadata()


@router.get("/v2/health/live", **documented(ServerLiveResponse, {}))
def server_live() -> ServerLiveResponse:
    """Liveness: the process answers."""
    return dataplane.server_live()


@router.get("/v2/health/ready", **documented(ServerReadyResponse, V2_READY_ERRORS))
def server_ready() -> ServerReadyResponse:
    """Readiness: 200 when the model is loaded, 400 when not (the protocol's 4xx)."""
    return dataplane.server_ready(find_predictor())


@router.get("/v2/models/<name>", **documented(ModelMetadataResponse, V2_MODEL_ERRORS))
def model_metadata(path: ModelPath) -> ModelMetadataResponse:
    """The model's inputs and outputs as tensors."""
    return dataplane.model_metadata(find_predictor(), path.name)


@router.get(
    "/v2/models/<name>/versions/<version>",
    **documented(ModelMetadataResponse, V2_MODEL_ERRORS),
)
def model_version_metadata(path: ModelVersionPath) -> ModelMetadataResponse:
    """The metadata of one version of the model."""
    return dataplane.model_metadata(find_predictor(), path.name, path.version)


@router.get(
    "/v2/models/<name>/ready",
    **documented(ModelReadyResponse, V2_MODEL_READY_ERRORS),
)
def model_ready(path: ModelPath) -> ModelReadyResponse:
    """Whether the model can serve inference requests."""
    return dataplane.model_ready(find_predictor(), path.name)


@router.get(
    "/v2/models/<name>/versions/<version>/ready",
    **documented(ModelReadyResponse, V2_MODEL_READY_ERRORS),
)
def model_version_ready(path: ModelVersionPath) -> ModelReadyResponse:
    """Whether this version of the model can serve inference requests."""
    return dataplane.model_ready(find_predictor(), path.name, path.version)


@router.post(
    "/v2/models/<name>/infer",
    **documented(InferenceResponse, V2_INFER_ERRORS),
    openapi_extensions=V2_INFER_REQUEST_DOC,
)
def infer(path: ModelPath) -> Response:
    """Predict for the rows of an input tensor of shape [N, 10]."""
    return answer_inference(find_predictor(), path.name)


@router.post(
    "/v2/models/<name>/versions/<version>/infer",
    **documented(InferenceResponse, V2_INFER_ERRORS),
    openapi_extensions=V2_INFER_REQUEST_DOC,
)
def infer_version(path: ModelVersionPath) -> Response:
    """Predict with one version of the model."""
    return answer_inference(find_predictor(), path.name, path.version)


def answer_inference(
    predictor: Predictor | None, name: str, version: str | None = None
) -> Response:
    """Hand the raw body and its headers to the shared data plane: decode, predict, encode."""
    raw = RawRequest(
        body=request.get_data(),
        content_type=request.headers.get("content-type"),
        header_length=joined_header(request.headers.getlist(HEADER_LENGTH)),
    )
    encoded = dataplane.infer(predictor, name, version, raw)
    g.prediction_rows = encoded.rows  # the metrics count rows, not calls
    return Response(encoded.body, content_type=encoded.content_type, headers=encoded.headers)
