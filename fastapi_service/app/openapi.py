"""FastAPI's OpenAPI document, written with the same words as the Flask twin's."""

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from shared.contract.openapi import ErrorTable, finish_document, served_from


class ContractApp(FastAPI):
    """FastAPI, with the additions both services make to their document
    (shared/contract/openapi.py), and one of its habits undone so the documents match word for
    word."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            document = super().openapi()
            for path_item in document["paths"].values():
                for operation in path_item.values():
                    summary_from_docstring(operation)
            self.openapi_schema = finish_document(document)
        # Under a route prefix FastAPI's /openapi.json route has put it in `servers` first.
        prefix = self.servers[0]["url"] if self.servers else ""
        return served_from(self.openapi_schema, prefix)


def summary_from_docstring(operation: dict[str, Any]) -> None:
    """FastAPI's summary is the function's name in title case ("Predict Batch") and its
    description the whole docstring. flask-openapi3, like most readers, takes the docstring's
    first line as the summary and the lines after it as the description: so do both."""
    first, *rest = operation.get("description", "").split("\n")
    operation["summary"] = first
    operation.pop("description", None)
    if rest:
        operation["description"] = "<br/>".join(rest)


def documented(
    success: type[BaseModel] | None, errors: ErrorTable, status: int = 200
) -> dict[str, Any]:
    """A route's answers for the OpenAPI document: `success` under `status` (None: no body),
    then the error table. FastAPI's form: the decorator's keyword arguments."""
    responses: dict[int | str, dict[str, Any]] = {
        code: {"model": model} for code, model in errors.items()
    }
    options: dict[str, Any] = {
        "status_code": status,
        "response_description": HTTPStatus(status).phrase,
        "responses": responses,
    }
    if success is None:
        options["response_class"] = Response
        return options
    options["response_model"] = success
    # A second media type, declared on the model as flask-openapi3 reads it (V2's binary answer).
    extra = success.model_config.get("openapi_extra")
    if extra:
        responses[status] = extra
    return options


def operation_id(route: APIRoute) -> str:
    """The route function's name, as the Flask twin names its operations."""
    return route.name
