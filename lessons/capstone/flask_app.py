"""The wine classifier in Flask: `create_app(model_path)`. TODO: the contract (see README.md)."""

import json
from pathlib import Path

from flask import Flask
from flask.json.provider import JSONProvider

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

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app
