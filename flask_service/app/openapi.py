"""flask-openapi3's OpenAPI document, written with the same words as the FastAPI twin's."""

import threading
from typing import Any

from flask import Response
from flask_openapi3 import OpenAPI
from pydantic import BaseModel

from shared.contract.openapi import ErrorTable, finish_document


class ContractApp(OpenAPI):
    """flask-openapi3, with the additions both services make to their document
    (shared/contract/openapi.py), two of its habits undone so the documents match word for
    word, and routes that return pydantic models, as FastAPI's do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._document_lock = threading.Lock()

    def make_response(self, rv: Any) -> Response:
        """A route's pydantic model becomes its JSON (the status and headers of a tuple stay)."""
        body, *rest = rv if isinstance(rv, tuple) else (rv,)
        if isinstance(body, BaseModel):
            body = body.model_dump(mode="json")
        return super().make_response((body, *rest) if rest else body)

    @property
    def api_doc(self) -> dict:
        """flask-openapi3 builds the document on the first request that asks, in steps: without
        the lock, concurrent first requests could serve one half-built."""
        with self._document_lock:
            return super().api_doc

    def generate_spec_json(self) -> None:
        super().generate_spec_json()
        for path_item in self.spec_json["paths"].values():
            for operation in path_item.values():
                drop_default_422(operation)
                for parameter in operation.get("parameters", []):
                    integral_bounds(parameter["schema"])
        self.spec_json = finish_document(self.spec_json)


def drop_default_422(operation: dict[str, Any]) -> None:
    """flask-openapi3 adds a 422 answer to every operation, even those with nothing to validate
    (`GET /health`). FastAPI documents a 422 only where a request can break a schema, and our
    routes declare that 422 themselves, so the added ones are removed."""
    schema = operation["responses"].get("422", {}).get("content", {})
    if schema.get("application/json", {}).get("schema", {}).get("type") == "array":
        del operation["responses"]["422"]


def integral_bounds(schema: dict[str, Any]) -> None:
    """flask-openapi3 writes an integer parameter's bounds as floats (`minimum: 1.0`)."""
    if schema.get("type") == "integer":
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(schema.get(key), float):
                schema[key] = int(schema[key])


def documented(
    success: type[BaseModel] | None, errors: ErrorTable, status: int = 200
) -> dict[str, Any]:
    """A route's answers for the OpenAPI document: `success` under `status` (None: no body),
    then the error table. flask-openapi3's form: the decorator's keyword arguments."""
    return {"responses": {status: success, **errors}}


def operation_id(name: str, path: str, method: str) -> str:
    """The route function's name, as the FastAPI twin names its operations."""
    return name
