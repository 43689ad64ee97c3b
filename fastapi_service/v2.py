"""The Open Inference Protocol (KServe V2 REST): thin routes over the codec in `shared/v2.py`.

Metadata and health routes are `async def` like those of routes.py: quick lookups, no thread-pool
hop. Inference decodes, validates and predicts up to MAX_BATCH rows, so it runs in the pool.

Unlike `routes.py`, these routes do not require a JSON Content-Type: tritonclient sends none, and
a binary request is not JSON at all. The infer routes read the raw body and the shared codec
decodes it, so both services accept and refuse exactly the same bodies.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from fastapi_service.routes import documented
from shared import v2
from shared.model import Predictor

router = APIRouter(tags=[v2.TAG])


async def find_predictor(request: Request) -> Predictor | None:
    """The loaded model, or None: the V2 routes say "not loaded" in the protocol's error shape."""
    return request.app.state.predictor


MaybePredictorDep = Annotated[Predictor | None, Depends(find_predictor)]
ModelName = Annotated[str, Path(**v2.MODEL_NAME_DOC)]
ModelVersion = Annotated[str, Path(**v2.MODEL_VERSION_DOC)]

INFER_RESPONSES = {**documented(v2.INFER_ERRORS), 200: {"content": v2.BINARY_RESPONSE_CONTENT}}


@router.get("/v2", response_model=v2.ServerMetadataResponse)
async def server_metadata() -> v2.ServerMetadataResponse:
    """Server metadata: name, version, protocol extensions."""
    return v2.server_metadata()


@router.get("/v2/health/live", response_model=v2.ServerLiveResponse)
async def server_live() -> v2.ServerLiveResponse:
    """Liveness: the process answers."""
    return v2.server_live()


@router.get(
    "/v2/health/ready",
    response_model=v2.ServerReadyResponse,
    responses=documented(v2.READY_ERRORS),
)
async def server_ready(predictor: MaybePredictorDep) -> v2.ServerReadyResponse:
    """Readiness: 200 when the model is loaded, 400 when not (the protocol's 4xx)."""
    return v2.server_ready(predictor)


@router.get(
    "/v2/models/{name}",
    response_model=v2.ModelMetadataResponse,
    responses=documented(v2.MODEL_ERRORS),
)
async def model_metadata(name: ModelName, predictor: MaybePredictorDep) -> v2.ModelMetadataResponse:
    """The model's inputs and outputs as tensors."""
    return v2.model_metadata(predictor, name)


@router.get(
    "/v2/models/{name}/versions/{version}",
    response_model=v2.ModelMetadataResponse,
    responses=documented(v2.MODEL_ERRORS),
)
async def model_version_metadata(
    name: ModelName, version: ModelVersion, predictor: MaybePredictorDep
) -> v2.ModelMetadataResponse:
    """The metadata of one version of the model."""
    return v2.model_metadata(predictor, name, version)


@router.get(
    "/v2/models/{name}/ready",
    response_model=v2.ModelReadyResponse,
    responses=documented(v2.MODEL_READY_ERRORS),
)
async def model_ready(name: ModelName, predictor: MaybePredictorDep) -> v2.ModelReadyResponse:
    """Whether the model can serve inference requests."""
    return v2.model_ready(predictor, name)


@router.get(
    "/v2/models/{name}/versions/{version}/ready",
    response_model=v2.ModelReadyResponse,
    responses=documented(v2.MODEL_READY_ERRORS),
)
async def model_version_ready(
    name: ModelName, version: ModelVersion, predictor: MaybePredictorDep
) -> v2.ModelReadyResponse:
    """Whether this version of the model can serve inference requests."""
    return v2.model_ready(predictor, name, version)


@router.post(
    "/v2/models/{name}/infer",
    response_model=v2.InferenceResponse,
    responses=INFER_RESPONSES,
    openapi_extra=v2.INFER_REQUEST_DOC,
)
async def infer(name: ModelName, request: Request, predictor: MaybePredictorDep) -> Response:
    """Predict for the rows of an input tensor of shape [N, 10]."""
    return await answer_inference(request, predictor, name)


@router.post(
    "/v2/models/{name}/versions/{version}/infer",
    response_model=v2.InferenceResponse,
    responses=INFER_RESPONSES,
    openapi_extra=v2.INFER_REQUEST_DOC,
)
async def infer_version(
    name: ModelName, version: ModelVersion, request: Request, predictor: MaybePredictorDep
) -> Response:
    """Predict with one version of the model."""
    return await answer_inference(request, predictor, name, version)


async def answer_inference(
    request: Request, predictor: Predictor | None, name: str, version: str | None = None
) -> Response:
    """Hand the raw body and its headers to the shared codec: decode, predict, encode."""
    raw = v2.RawRequest(
        body=await request.body(),
        content_type=request.headers.get("content-type"),
        header_length=request.headers.get(v2.HEADER_LENGTH),
    )
    # Predicting is CPU work: run it off the event loop, as FastAPI runs the plain `def` routes.
    encoded = await run_in_threadpool(v2.infer, predictor, name, version, raw)
    request.state.prediction_rows = encoded.rows  # the metrics count rows, not calls
    return Response(encoded.body, media_type=encoded.content_type, headers=encoded.headers)
