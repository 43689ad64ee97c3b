"""The Open Inference Protocol (KServe V2 REST): thin routes over the data plane in
`shared/contract/v2/`.

Every route is `async def` like those of routes.py, inference too: one row is decoded and
predicted faster than a thread-pool hop, and the predictor is awaited, as in routes.py.

Unlike `routes.py`, these routes do not require a JSON Content-Type: tritonclient sends none, and
a binary request is not JSON at all. The infer routes read the raw body and the shared codec
decodes it, so both services accept and refuse exactly the same bodies.
"""

from fastapi import APIRouter, Request, Response

from fastapi_service.app.deps import MaybePredictorDep, ModelName, ModelVersion
from fastapi_service.app.openapi import documented
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
from shared.core.batching import BatchingPredictor

router = APIRouter(tags=[V2_TAG])


@router.get("/v2", **documented(ServerMetadataResponse, {}))
async def server_metadata() -> ServerMetadataResponse:
    """Server metadata: name, version, protocol extensions."""
    return dataplane.server_metadata()


@router.get("/v2/health/live", **documented(ServerLiveResponse, {}))
async def server_live() -> ServerLiveResponse:
    """Liveness: the process answers."""
    return dataplane.server_live()


@router.get("/v2/health/ready", **documented(ServerReadyResponse, V2_READY_ERRORS))
async def server_ready(predictor: MaybePredictorDep) -> ServerReadyResponse:
    """Readiness: 200 when the model is loaded, 400 when not (the protocol's 4xx)."""
    return dataplane.server_ready(predictor)


@router.get("/v2/models/{name}", **documented(ModelMetadataResponse, V2_MODEL_ERRORS))
async def model_metadata(name: ModelName, predictor: MaybePredictorDep) -> ModelMetadataResponse:
    """The model's inputs and outputs as tensors."""
    return dataplane.model_metadata(predictor, name)


@router.get(
    "/v2/models/{name}/versions/{version}", **documented(ModelMetadataResponse, V2_MODEL_ERRORS)
)
async def model_version_metadata(
    name: ModelName, version: ModelVersion, predictor: MaybePredictorDep
) -> ModelMetadataResponse:
    """The metadata of one version of the model."""
    return dataplane.model_metadata(predictor, name, version)


@router.get("/v2/models/{name}/ready", **documented(ModelReadyResponse, V2_MODEL_READY_ERRORS))
async def model_ready(name: ModelName, predictor: MaybePredictorDep) -> ModelReadyResponse:
    """Whether the model can serve inference requests."""
    return dataplane.model_ready(predictor, name)


@router.get(
    "/v2/models/{name}/versions/{version}/ready",
    **documented(ModelReadyResponse, V2_MODEL_READY_ERRORS),
)
async def model_version_ready(
    name: ModelName, version: ModelVersion, predictor: MaybePredictorDep
) -> ModelReadyResponse:
    """Whether this version of the model can serve inference requests."""
    return dataplane.model_ready(predictor, name, version)


@router.post(
    "/v2/models/{name}/infer",
    **documented(InferenceResponse, V2_INFER_ERRORS),
    openapi_extra=V2_INFER_REQUEST_DOC,
)
async def infer(name: ModelName, request: Request, predictor: MaybePredictorDep) -> Response:
    """Predict for the rows of an input tensor of shape [N, 10]."""
    return await answer_inference(request, predictor, name)


@router.post(
    "/v2/models/{name}/versions/{version}/infer",
    **documented(InferenceResponse, V2_INFER_ERRORS),
    openapi_extra=V2_INFER_REQUEST_DOC,
)
async def infer_version(
    name: ModelName, version: ModelVersion, request: Request, predictor: MaybePredictorDep
) -> Response:
    """Predict with one version of the model."""
    return await answer_inference(request, predictor, name, version)


async def answer_inference(
    request: Request, predictor: BatchingPredictor | None, name: str, version: str | None = None
) -> Response:
    """Hand the raw body and its headers to the shared data plane: decode, predict, encode."""
    raw = RawRequest(
        body=await request.body(),
        content_type=request.headers.get("content-type"),
        header_length=joined_header(request.headers.getlist(HEADER_LENGTH)),
    )
    encoded = await dataplane.infer_async(predictor, name, version, raw)
    request.state.prediction_rows = encoded.rows  # the metrics count rows, not calls
    return Response(encoded.body, media_type=encoded.content_type, headers=encoded.headers)
