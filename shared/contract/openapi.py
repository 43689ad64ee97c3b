"""The OpenAPI document both services serve: its metadata, the error tables of the routes, and
the additions neither framework writes by itself.

Each service builds its document with its framework's idiom (`documented` in its `openapi.py`),
from these same tables and words, then hands it to `finish_document`. tests/contract/
openapi.snapshot.json pins the result: both documents must equal it, word for word.
"""

from typing import Any

from pydantic import BaseModel

from shared.contract.security import API_KEY_HEADER
from shared.contract.v2.types import (
    HEADER_LENGTH,
    INPUT_NAME,
    InferenceErrorResponse,
    InferenceRequest,
)
from shared.contract.web import REQUEST_ID_HEADER
from shared.core.model import MODEL_NAME, MODEL_VERSION
from shared.core.schemas import EXAMPLE_PATIENT, FEATURES, ErrorResponse, ValidationErrorResponse

API_TITLE = "Diabetes progression model"
API_DESCRIPTION = (
    "Predicts disease progression one year after baseline from ten measurements "
    "(scikit-learn's diabetes data). The same contract is served by a FastAPI and a Flask service."
)
API_VERSION = "1.0.0"
"""The contract's version: bump it when a client would notice the change."""
LICENSE = {"name": "MIT", "identifier": "MIT"}
# Relative: each service's document points at the service that serves it, wherever it runs.
SERVERS = [{"url": "/", "description": "The service that serves this document"}]
V2_TAG = "Open Inference Protocol (V2)"
TAGS = [
    {
        "name": "prediction",
        "description": "Health, the model card, and predictions for one patient or a batch: "
        "remote procedure calls, nothing is stored.",
    },
    {
        "name": V2_TAG,
        "description": "The same model for KServe, Triton and MLServer clients (KServe's V2 REST "
        "protocol): tensors in, tensors out, JSON or binary.",
    },
    {
        "name": "predictions",
        "description": "Stored predictions, a resource: create, list, read, record the observed "
        "outcome, delete (with the API key), and the model's live error.",
    },
]
"""The tags of the operations, in the order both services register their routers."""

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

# The predictions resource (fastapi_service/app/predictions.py, flask_service/app/predictions.py).

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

# The Open Inference Protocol's routes (fastapi_service/app/v2.py, flask_service/app/v2.py). Its
# errors have their own shape, except those of the request limits, which no V2 code sees.

V2_READY_ERRORS: ErrorTable = {400: InferenceErrorResponse}
# Both frameworks document a 422 on every route with path parameters (FastAPI in its own shape,
# flask-openapi3 as an array): naming the contract's 422 keeps the two documents equal. The V2
# path parameters are plain strings, so in practice no V2 route answers 422.
V2_PATH_PARAMETER_ERRORS: ErrorTable = {422: ValidationErrorResponse}
V2_MODEL_ERRORS: ErrorTable = {
    404: InferenceErrorResponse,
    503: InferenceErrorResponse,
    **V2_PATH_PARAMETER_ERRORS,
}
V2_MODEL_READY_ERRORS: ErrorTable = {
    400: InferenceErrorResponse,
    404: InferenceErrorResponse,
    **V2_PATH_PARAMETER_ERRORS,
}
V2_INFER_ERRORS: ErrorTable = {
    400: InferenceErrorResponse,
    404: InferenceErrorResponse,
    413: ErrorResponse,  # refused by the body size limit before any V2 code runs
    415: InferenceErrorResponse,
    503: InferenceErrorResponse,
    **V2_PATH_PARAMETER_ERRORS,
}

V2_EXAMPLE_REQUEST = {
    "inputs": [
        {
            "name": INPUT_NAME,
            "shape": [1, len(FEATURES)],
            "datatype": "FP64",
            "data": [EXAMPLE_PATIENT[feature] for feature in FEATURES],
        }
    ]
}
"""A valid request, the example patient as a tensor: Swagger UI's "Try it out" starts from it,
schemathesis sends it."""

V2_INFER_REQUEST_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "An inference request. The body is read whatever its Content-Type (tritonclient "
            f"sends none); with the binary tensor extension, the {HEADER_LENGTH} header gives "
            "the length of this JSON part and raw tensor bytes follow it."
        ),
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{InferenceRequest.__name__}"},
                "example": V2_EXAMPLE_REQUEST,
            }
        },
    }
}
"""The request body, for FastAPI's `openapi_extra` and flask-openapi3's `openapi_extensions`:
the routes read the raw body themselves, so neither framework can infer it from a signature.
Its schema goes to `components` (see `finish_document`), so a generated client has one model."""

# What every operation can answer: the request-head limits are checked before any route runs.
REQUEST_HEAD_ERRORS = {
    414: "Request URL is too long",
    431: "Request headers are too large",
}
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    REQUEST_ID_HEADER: {
        "description": "The client's X-Request-ID when it is short and plain, else a fresh id; "
        "the access log line of the request carries the same id",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "The URL of the stored prediction",
        "schema": {"type": "string", "examples": ["/predictions/1"]},
    },
}


def finish_document(document: dict[str, Any]) -> dict[str, Any]:
    """What both services add to the document their framework wrote, in place: metadata, the V2
    request's schemas, and per operation its security, request-limit errors and headers."""
    document["info"]["license"] = LICENSE
    document["servers"] = SERVERS
    document["tags"] = TAGS
    components = document.setdefault("components", {})
    add_schemas(components.setdefault("schemas", {}), InferenceRequest)
    components["headers"] = RESPONSE_HEADERS
    for path_item in document["paths"].values():
        for operation in path_item.values():
            # Public unless the route names a scheme (`security: []` says so explicitly).
            operation.setdefault("security", [])
            for parameter in operation.get("parameters", []):
                lift_example(parameter)
            responses = operation["responses"]
            for status, description in REQUEST_HEAD_ERRORS.items():
                responses.setdefault(str(status), error_response(description))
            for status, response in responses.items():
                response["headers"] = response_headers(status)
    return document


def add_schemas(schemas: dict[str, Any], model: type[BaseModel]) -> None:
    """The model's schema and those it refers to, as components. A name already there must be
    the same schema (the response models share `Parameters` with the request)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = {**schema.pop("$defs", {}), model.__name__: schema}
    for name, definition in definitions.items():
        existing = schemas.setdefault(name, definition)
        assert existing == definition, f"two different schemas named {name}"


def error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }


def response_headers(status: str) -> dict[str, Any]:
    """Every answer carries X-Request-ID; a 201 carries the new resource's URL in Location."""
    names = [REQUEST_ID_HEADER] + (["Location"] if status == "201" else [])
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def lift_example(parameter: dict[str, Any]) -> None:
    """A parameter's example beside its schema's, where Swagger UI's form reads it (flask-openapi3
    lifts it there itself, FastAPI does not)."""
    example = parameter.get("schema", {}).get("example")
    if example is not None:
        parameter.setdefault("example", example)


def served_from(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The document as a service under a route prefix (Ray Serve's, a proxy's) serves it: its
    server's URL is the prefix, so a client built from it calls the right URLs."""
    if not prefix:
        return document
    return {**document, "servers": [{**SERVERS[0], "url": prefix}]}
