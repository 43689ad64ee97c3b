"""Large request bodies are parsed and validated in the thread pool, off the event loop.

FastAPI parses the JSON body and validates it on the event loop, before it runs a `def` route in
its thread pool. For a small body that costs microseconds; a 1 MB body of unknown keys cost
0.1 s to parse and 0.5 s to validate here, time in which the loop answered no one: 8 such
clients made `/health` take 4.6 s. Routes built with `ValidateLargeBodiesInThreadPool` check a
body over LARGE_BODY_BYTES in the thread pool first; an invalid one is refused from there, a valid
one (the schemas bound how large a valid body can be) goes on to FastAPI as usual.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from shared.errors import MalformedJSON
from shared.web import is_json_content_type

LARGE_BODY_BYTES = 16 * 1024  # below this, parsing and validating take a few milliseconds at most


def check_body(model: type[BaseModel], body: bytes) -> None:
    """Raise what FastAPI would raise for this body: malformed JSON, or the schema's issues."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise MalformedJSON() from error
    try:
        model.model_validate(data)
    except ValidationError as error:
        issues = error.errors(include_url=False, include_input=False, include_context=False)
        raise RequestValidationError(
            [{**issue, "loc": ("body", *issue["loc"])} for issue in issues]
        ) from error


class ValidateLargeBodiesInThreadPool(APIRoute):
    """A FastAPI route class (`APIRouter(route_class=...)`): the check above, then the route."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        model = self.body_field.field_info.annotation if self.body_field else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return handler

        async def handle(request: Request) -> Response:
            if is_json_content_type(request.headers.get("content-type")):
                body = await request.body()  # kept by the request: FastAPI reads it from there
                if len(body) > LARGE_BODY_BYTES:
                    await run_in_threadpool(check_body, model, body)
            return await handler(request)

        return handle
