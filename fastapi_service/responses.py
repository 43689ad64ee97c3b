"""A JSON response rendered by the core's one encoder, so both services emit the same bytes."""

from typing import Any

from fastapi.responses import JSONResponse as StarletteJSONResponse

from shared.web import dumps


class JSONResponse(StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content)
