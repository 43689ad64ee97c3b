"""How a route gets what it needs: FastAPI dependencies and path parameters, named as
`Annotated` aliases."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import APIKeyHeader

from shared.contract.openapi import (
    API_KEY_SCHEME,
    MODEL_NAME_DOC,
    MODEL_VERSION_DOC,
    PREDICTION_ID_DOC,
)
from shared.contract.security import API_KEY_HEADER, check_api_key
from shared.contract.web import check_json_request
from shared.core.batching import BatchingPredictor
from shared.core.errors import ModelNotReady
from shared.core.settings import Settings
from shared.core.store import PredictionStore


# Dependencies that only look something up are `async def`: FastAPI runs a plain `def`
# dependency in its thread pool, a hop that costs more than the lookup itself.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_predictor(request: Request) -> BatchingPredictor:
    predictor = request.app.state.predictor
    if predictor is None:
        raise ModelNotReady()
    return predictor


async def find_predictor(request: Request) -> BatchingPredictor | None:
    """The loaded model, or None: the V2 routes say "not loaded" in the protocol's error shape."""
    return request.app.state.predictor


async def get_store(request: Request) -> AsyncIterator[PredictionStore]:
    """One store per request on the process's engine; its connection goes back to the pool when
    the request is done (the code after `yield`)."""
    with PredictionStore(request.app.state.store_engine) as store:
        yield store


SettingsDep = Annotated[Settings, Depends(get_settings)]
PredictorDep = Annotated[BatchingPredictor, Depends(get_predictor)]
MaybePredictorDep = Annotated[BatchingPredictor | None, Depends(find_predictor)]
StoreDep = Annotated[PredictionStore, Depends(get_store)]


async def require_json_body(request: Request) -> None:
    """Refuse a body that is not declared JSON (415) or is empty (400) before validation."""
    check_json_request(request.method, request.headers.get("content-type"), await request.body())


# Reads X-API-Key for the OpenAPI document's security scheme; the check reads every copy sent.
api_key_header = APIKeyHeader(name=API_KEY_HEADER, scheme_name=API_KEY_SCHEME, auto_error=False)


def require_api_key(
    request: Request,
    settings: SettingsDep,
    api_key: Annotated[str | None, Security(api_key_header)],
) -> None:
    """401 unless X-API-Key is the configured key (and always 401 when none is configured)."""
    check_api_key(settings.api_key, request.headers.getlist(API_KEY_HEADER))


# Path parameters. FastAPI reads them from the signature; the Flask twin from models.
PredictionId = Annotated[int, Path(**PREDICTION_ID_DOC)]
ModelName = Annotated[str, Path(**MODEL_NAME_DOC)]
ModelVersion = Annotated[str, Path(**MODEL_VERSION_DOC)]
