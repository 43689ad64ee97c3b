"""The Open Inference Protocol (KServe V2 REST): thin routes over the data plane in
`shared/v2/`.

Unlike `routes.py`, these routes do not require a JSON Content-Type: tritonclient sends none, and
a binary request is not JSON at all. The infer routes read the raw body and the shared codec
decodes it, so both services accept and refuse exactly the same bodies.
"""

from flask import Response, g, request
from flask_openapi3 import APIBlueprint, Tag

from flask_service.deps import ModelPath, ModelVersionPath, find_predictor
from flask_service.openapi import documented, operation_id
from shared.model import Predictor
from shared.openapi import (
    V2_INFER_ERRORS,
    V2_INFER_REQUEST_DOC,
    V2_MODEL_ERRORS,
    V2_MODEL_READY_ERRORS,
    V2_READY_ERRORS,
    V2_TAG,
)
from shared.v2 import dataplane
from shared.v2.codec import RawRequest
from shared.v2.types import (
    HEADER_LENGTH,
    InferenceResponse,
    ModelMetadataResponse,
    ModelReadyResponse,
    ServerLiveResponse,
    ServerMetadataResponse,
    ServerReadyResponse,
)

router = APIBlueprint(
    "v2", __name__, abp_tags=[Tag(name=V2_TAG)], operation_id_callback=operation_id
)


@router.get("/v2", **documented(ServerMetadataResponse, {}))
def server_metadata() -> dict:
    """Server metadata: name, version, protocol extensions."""
    return dataplane.server_metadata().model_dump(mode="json")


@router.get("/v2/health/live", **documented(ServerLiveResponse, {}))
def server_live() -> dict:
    """Liveness: the process answers."""
    return dataplane.server_live().model_dump(mode="json")


@router.get("/v2/health/ready", **documented(ServerReadyResponse, V2_READY_ERRORS))
def server_ready() -> dict:
    """Readiness: 200 when the model is loaded, 400 when not (the protocol's 4xx)."""
    return dataplane.server_ready(find_predictor()).model_dump(mode="json")


@router.get("/v2/models/<name>", **documented(ModelMetadataResponse, V2_MODEL_ERRORS))
def model_metadata(path: ModelPath) -> dict:
    """The model's inputs and outputs as tensors."""
    return dataplane.model_metadata(find_predictor(), path.name).model_dump(mode="json")


@router.get(
    "/v2/models/<name>/versions/<version>",
    **documented(ModelMetadataResponse, V2_MODEL_ERRORS),
)
def model_version_metadata(path: ModelVersionPath) -> dict:
    """The metadata of one version of the model."""
    return dataplane.model_metadata(find_predictor(), path.name, path.version).model_dump(
        mode="json"
    )


@router.get(
    "/v2/models/<name>/ready",
    **documented(ModelReadyResponse, V2_MODEL_READY_ERRORS),
)
def model_ready(path: ModelPath) -> dict:
    """Whether the model can serve inference requests."""
    return dataplane.model_ready(find_predictor(), path.name).model_dump(mode="json")


@router.get(
    "/v2/models/<name>/versions/<version>/ready",
    **documented(ModelReadyResponse, V2_MODEL_READY_ERRORS),
)
def model_version_ready(path: ModelVersionPath) -> dict:
    """Whether this version of the model can serve inference requests."""
    return dataplane.model_ready(find_predictor(), path.name, path.version).model_dump(mode="json")


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
    """Hand the raw body and its headers to the shared codec: decode, predict, encode."""
    raw = RawRequest(
        body=request.get_data(),
        content_type=request.headers.get("content-type"),
        header_length=request.headers.get(HEADER_LENGTH),
    )
    encoded = dataplane.infer(predictor, name, version, raw)
    g.prediction_rows = encoded.rows  # the metrics count rows, not calls
    return Response(encoded.body, content_type=encoded.content_type, headers=encoded.headers)
