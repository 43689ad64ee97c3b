"""The Open Inference Protocol (KServe V2 REST): thin routes over the data plane in
`shared/v2/`.

Every route is `async def` like those of routes.py, inference too: one row is decoded and
predicted faster than a thread-pool hop, and a one-row inference joins the micro-batcher.

Unlike `routes.py`, these routes do not require a JSON Content-Type: tritonclient sends none, and
a binary request is not JSON at all. The infer routes read the raw body and the shared codec
decodes it, so both services accept and refuse exactly the same bodies.
"""

from fastapi import APIRouter, Request, Response

from fastapi_service.deps import MaybePredictorDep, ModelName, ModelVersion
from fastapi_service.openapi import documented
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
    request: Request, predictor: Predictor | None, name: str, version: str | None = None
) -> Response:
    """Hand the raw body and its headers to the shared codec: decode, predict, encode.

    On the event loop, as `/predict`: the codec's work is short, and a thread-pool hop would cost
    more than it. A one-row request joins the micro-batcher, as `/predict` does: many concurrent
    V2 calls become one model call. A request of many rows is a batch already.
    """
    raw = RawRequest(
        body=await request.body(),
        content_type=request.headers.get("content-type"),
        # Sent twice, it reads "12,12", which the codec refuses: Flask's WSGI server joins
        # repeated headers so, and both services must answer alike.
        header_length=",".join(request.headers.getlist(HEADER_LENGTH)) or None,
    )
    decoded = dataplane.decode_inference(predictor, name, version, raw)
    batcher = request.app.state.batcher
    if len(decoded.rows) == 1 and batcher is not None:
        predictions = [(await batcher.predict_one(decoded.patients()[0])).prediction]
    else:
        predictions = decoded.predictor.predict_rows(decoded.rows).predictions
    encoded = decoded.encode(predictions)
    request.state.prediction_rows = encoded.rows  # the metrics count rows, not calls
    return Response(encoded.body, media_type=encoded.content_type, headers=encoded.headers)
