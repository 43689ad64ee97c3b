"""Large request bodies are parsed and validated in the thread pool, off the event loop.

FastAPI parses the JSON body and validates it on the event loop, before it runs the route. For a
small body that costs microseconds; a large body of unknown keys costs a good part of a second,
time in which the loop answers no one (lesson 13 measures it). Routes built with
`ValidateLargeBodiesInThreadPool` check a body over LARGE_BODY_BYTES in the thread pool first; an
invalid one is refused from there, a valid one (the schemas bound how large a valid body can be)
goes on to FastAPI as usual.

The Flask service has no twin of this file: its gevent worker runs every greenlet in one thread
and has no pool to hand the work to, so parsing costs the same wherever it runs there.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from shared.contract.errors import MalformedJSON
from shared.contract.web import is_json_content_type

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
