"""How a route gets what it needs: FastAPI dependencies and path parameters, named as
`Annotated` aliases."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import APIKeyHeader

from shared.batching import MicroBatcher
from shared.errors import ModelNotReady
from shared.model import Predictor
from shared.openapi import API_KEY_SCHEME, MODEL_NAME_DOC, MODEL_VERSION_DOC, PREDICTION_ID_DOC
from shared.security import API_KEY_HEADER, check_api_key
from shared.settings import Settings
from shared.store import PredictionStore
from shared.web import check_json_request


# Dependencies that only look something up are `async def`: FastAPI runs a plain `def`
# dependency in its thread pool, a hop that costs more than the lookup itself.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_predictor(request: Request) -> Predictor:
    predictor = request.app.state.predictor
    if predictor is None:
        raise ModelNotReady()
    return predictor


async def require_json_body(request: Request) -> None:
    """Refuse a body that is not declared JSON (415) or is empty (400) before validation."""
    check_json_request(request.method, request.headers.get("content-type"), await request.body())


async def find_predictor(request: Request) -> Predictor | None:
    """The loaded model, or None: the V2 routes say "not loaded" in the protocol's error shape."""
    return request.app.state.predictor


SettingsDep = Annotated[Settings, Depends(get_settings)]
PredictorDep = Annotated[Predictor, Depends(get_predictor)]
MaybePredictorDep = Annotated[Predictor | None, Depends(find_predictor)]


async def get_batcher(request: Request) -> MicroBatcher:
    """The predictor behind the micro-batcher (see shared/batching.py), for single predictions."""
    batcher = request.app.state.batcher
    if batcher is None:
        raise ModelNotReady()
    return batcher


BatcherDep = Annotated[MicroBatcher, Depends(get_batcher)]


async def get_store(request: Request) -> AsyncIterator[PredictionStore]:
    """One store per request on the process's engine. `async def`, like the lookups above: a
    plain `def` would take a thread-pool token to set up and another to tear down, tokens the
    routes need while requests queue for a pooled connection (the store gives each connection
    back when its transaction ends; the code after `yield` runs when the request is done)."""
    with PredictionStore(request.app.state.store_engine) as store:
        yield store


StoreDep = Annotated[PredictionStore, Depends(get_store)]

# Reads X-API-Key and documents it as a security scheme; the check itself is `check_api_key`.
api_key_header = APIKeyHeader(name=API_KEY_HEADER, scheme_name=API_KEY_SCHEME, auto_error=False)


def require_api_key(
    request: Request,
    settings: SettingsDep,
    api_key: Annotated[str | None, Security(api_key_header)],
) -> None:
    """401 unless X-API-Key is the configured key (and always 401 when none is configured).
    A key sent twice is refused, even twice the right one: Flask's WSGI server joins repeated
    headers ("key,key"), so both services refuse what is ambiguous."""
    if len(request.headers.getlist(API_KEY_HEADER)) > 1:
        api_key = ",".join(request.headers.getlist(API_KEY_HEADER))
    # Spaces and tabs around a header's value are not part of it (RFC 9110, 5.5): gunicorn
    # strips them before Flask sees the key, uvicorn keeps a trailing one. "key " is "key".
    check_api_key(settings.api_key, api_key.strip(" \t") if api_key else api_key)


# Path parameters. FastAPI reads them from the signature; the Flask twin from models.
PredictionId = Annotated[int, Path(**PREDICTION_ID_DOC)]
ModelName = Annotated[str, Path(**MODEL_NAME_DOC)]
ModelVersion = Annotated[str, Path(**MODEL_VERSION_DOC)]
