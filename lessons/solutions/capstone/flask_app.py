"""The wine classifier in Flask: `create_app(model_path)`."""

import json
from pathlib import Path

from flask import Flask, request
from flask.json.provider import JSONProvider
from model import WineModel
from pydantic import BaseModel, ValidationError
from schemas import Wine, WineBatch
from werkzeug.exceptions import BadRequest, HTTPException

from shared.contract.errors import MalformedJSON, error_for_status, validation_error_body
from shared.contract.web import dumps


class SameBytesJSON(JSONProvider):
    """Flask's JSON as FastAPI writes it: compact, keys in order, UTF-8, no trailing newline."""

    def dumps(self, obj: object, **kwargs: object) -> str:
        return dumps(obj).decode()

    def loads(self, s: str | bytes, **kwargs: object) -> object:
        return json.loads(s)


def create_app(model_path: Path) -> Flask:
    app = Flask(__name__)
    app.json = SameBytesJSON(app)
    model = WineModel(model_path)  # loaded once, when the app is built

    def validated(schema: type[BaseModel]) -> BaseModel:
        """The body as `schema`, as FastAPI validates it: ValidationError when it is not."""
        try:
            body = request.get_json()
        except BadRequest as error:
            raise MalformedJSON() from error
        return schema.model_validate(body)

    @app.errorhandler(ValidationError)
    def refuse(error: ValidationError):
        return validation_error_body(error.errors(), ("body",)), 422

    @app.errorhandler(MalformedJSON)
    def malformed(error: MalformedJSON):
        return error.body(), error.status_code

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Flask's own 404 and 405, in the contract's JSON instead of an HTML page."""
        contract_error = error_for_status(error.code or 500)
        return contract_error.body(), contract_error.status_code

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/ready")
    def ready():
        return {"status": "ready", "model_version": model.version}

    @app.post("/predict")
    def predict():
        return model.predict_one(validated(Wine)).model_dump(by_alias=True)

    @app.post("/predict/batch")
    def predict_batch():
        return model.predict_batch(validated(WineBatch).instances).model_dump(by_alias=True)

    return app
