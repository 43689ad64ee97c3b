"""Exercise 17 (given): the FastAPI twin, finished. Port its GET /feature to flask_app.py."""

from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from schemas import FeatureQuery

from shared.contract.errors import validation_error_body
from shared.core.model import Predictor


def create_app(predictor: Predictor) -> FastAPI:
    app = FastAPI()
    features = {feature.name: feature for feature in predictor.card.features}

    @app.exception_handler(RequestValidationError)
    def refuse(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_error_body(error.errors()), status_code=422)

    @app.get("/feature")
    def feature(query: Annotated[FeatureQuery, Query()]) -> dict:
        """One feature of the model: its description and its training range."""
        return features[query.name].model_dump(exclude={"name"})

    return app
