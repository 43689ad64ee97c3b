"""flask-openapi3, adjusted so the document matches the FastAPI service's one for one."""

import threading
from typing import Any

from flask_openapi3 import OpenAPI


class ContractOpenAPI(OpenAPI):
    """flask-openapi3 adds a 422 answer to every operation, even those with nothing to validate
    (`GET /health`). FastAPI documents a 422 only where a request can break a schema, and our
    routes declare that 422 themselves, so the added ones are removed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._document_lock = threading.Lock()

    @property
    def api_doc(self) -> dict:
        """flask-openapi3 builds the document on the first request that asks, in steps: without
        the lock, concurrent first requests could serve one half-built (1 cold start in 5)."""
        with self._document_lock:
            return super().api_doc

    def generate_spec_json(self) -> None:
        super().generate_spec_json()
        for path_item in self.spec_json["paths"].values():
            for operation in path_item.values():
                schema = operation["responses"].get("422", {}).get("content", {})
                if schema.get("application/json", {}).get("schema", {}).get("type") == "array":
                    del operation["responses"]["422"]


def operation_id(name: str, path: str, method: str) -> str:
    """The route function's name, as the FastAPI service names its operations."""
    return name
