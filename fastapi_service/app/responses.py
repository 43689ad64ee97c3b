"""A JSON response rendered by the core's one encoder, so both services emit the same bytes."""

from typing import Any

from fastapi.responses import JSONResponse as StarletteJSONResponse

from shared.contract.web import dumps


class ContractJSONResponse(StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content)
