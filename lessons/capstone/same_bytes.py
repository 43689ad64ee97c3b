"""Given with the capstone (do not edit): JSON written the same way, byte for byte, by both twins.

Both encode with `shared.contract.web.dumps`. pydantic's own encoder writes 3.03e-05 as 0.0000303:
the same number, other bytes; Flask's adds a newline. FastAPI:
`FastAPI(default_response_class=SameBytesJSONResponse)`, and return it from your exception
handlers too; Flask: `app.json = SameBytesJSON(app)`.
"""

import json
from typing import Any

from fastapi.responses import JSONResponse
from flask.json.provider import JSONProvider

from shared.contract.web import dumps


class SameBytesJSONResponse(JSONResponse):
    """FastAPI's JSON answer, written by the same function as the Flask twin's."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


class SameBytesJSON(JSONProvider):
    """Flask's JSON as the FastAPI twin writes it: compact, keys in order, UTF-8, no newline."""

    def dumps(self, obj: object, **kwargs: object) -> str:
        return dumps(obj).decode()

    def loads(self, s: str | bytes, **kwargs: object) -> object:
        return json.loads(s)
