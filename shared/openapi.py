"""The OpenAPI document both services serve: its metadata, the error tables of the routes, and
the additions neither framework writes by itself.

Each service builds its document with its framework's idiom (`documented` in its `openapi.py`),
from these same tables and words, then hands it to `finish_document`. tests/contract/
openapi.snapshot.json pins the result: both documents must equal it, word for word.
"""

from typing import Any

from pydantic import BaseModel

from shared.model import MODEL_NAME, MODEL_VERSION
from shared.schemas import ErrorResponse, ValidationErrorResponse
from shared.security import API_KEY_HEADER

API_TITLE = "Diabetes progression model"
API_DESCRIPTION = (
    "Predicts disease progression one year after baseline from ten measurements "
    "(scikit-learn's diabetes data). The same contract is served by a FastAPI and a Flask service."
)
API_VERSION = "1.0.0"
"""The contract's version: bump it when a client would notice the change."""

# The path parameters, described once: FastAPI's `Path(...)` and flask-openapi3's `Field(...)`
# take the same keywords. The examples fill Swagger UI's form and guide schemathesis. (`example`,
# not `examples`: flask-openapi3 lifts `examples` into the parameter, where OpenAPI wants a map.)
PREDICTION_ID_DOC: dict[str, Any] = {"description": "The id the prediction was stored under"}
MODEL_NAME_DOC: dict[str, Any] = {
    "description": "The model's name, as in its card",
    "json_schema_extra": {"example": MODEL_NAME},
}
MODEL_VERSION_DOC: dict[str, Any] = {
    "description": "The model's version",
    "json_schema_extra": {"example": MODEL_VERSION},
}

ErrorTable = dict[int, type[BaseModel]]
"""What a route documents besides its success answer, as status -> body model."""

NOT_READY: ErrorTable = {503: ErrorResponse}

JSON_BODY_ERRORS: ErrorTable = {
    400: ErrorResponse,
    413: ErrorResponse,
    415: ErrorResponse,
    422: ValidationErrorResponse,
    503: ErrorResponse,
}

# The predictions resource (fastapi_service/predictions.py, flask_service/predictions.py).

API_KEY_SCHEME = "ApiKey"
"""The name of the security scheme DELETE /predictions/{id} requires, in both documents."""

SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    API_KEY_SCHEME: {"type": "apiKey", "in": "header", "name": API_KEY_HEADER},
}

STORE_ERRORS: ErrorTable = {503: ErrorResponse}

PAGE_ERRORS: ErrorTable = {422: ValidationErrorResponse, 503: ErrorResponse}

# An id that is not a number never reaches a route (404: no such URL), so a 422 cannot happen
# there; FastAPI documents one for every operation with parameters all the same, so both do.
RECORD_ERRORS: ErrorTable = {
    404: ErrorResponse,
    422: ValidationErrorResponse,
    503: ErrorResponse,
}

ACTUAL_ERRORS: ErrorTable = {**JSON_BODY_ERRORS, 404: ErrorResponse}

DELETE_ERRORS: ErrorTable = {401: ErrorResponse, **RECORD_ERRORS}


def finish_document(document: dict[str, Any]) -> dict[str, Any]:
    """What both services add to the document their framework wrote, in place."""
    for path_item in document["paths"].values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                lift_example(parameter)
    return document


def lift_example(parameter: dict[str, Any]) -> None:
    """A parameter's example beside its schema's, where Swagger UI's form reads it (flask-openapi3
    lifts it there itself, FastAPI does not)."""
    example = parameter.get("schema", {}).get("example")
    if example is not None:
        parameter.setdefault("example", example)
