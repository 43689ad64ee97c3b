"""How a route gets what it needs: FastAPI dependencies, named as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends, Request

from shared.errors import ModelNotReady
from shared.model import Predictor
from shared.settings import Settings
from shared.web import check_json_request


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_predictor(request: Request) -> Predictor:
    predictor = request.app.state.predictor
    if predictor is None:
        raise ModelNotReady()
    return predictor


async def require_json_body(request: Request) -> None:
    """Refuse a body that is not declared JSON (415) or is empty (400) before validation."""
    check_json_request(request.method, request.headers.get("content-type"), await request.body())


SettingsDep = Annotated[Settings, Depends(get_settings)]
PredictorDep = Annotated[Predictor, Depends(get_predictor)]
