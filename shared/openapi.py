"""What each route documents besides its success answer, as status -> body model.

Both services document the same error responses from these tables, so their OpenAPI documents
list the same status codes for every operation.
"""

from pydantic import BaseModel

from shared.schemas import ErrorResponse, ValidationErrorResponse
from shared.security import API_KEY_HEADER

NOT_READY: dict[int, type[BaseModel]] = {503: ErrorResponse}

JSON_BODY_ERRORS: dict[int, type[BaseModel]] = {
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

STORE_ERRORS: dict[int, type[BaseModel]] = {503: ErrorResponse}

PAGE_ERRORS: dict[int, type[BaseModel]] = {422: ValidationErrorResponse, 503: ErrorResponse}

# An id that is not a number never reaches a route (404: no such URL), so a 422 cannot happen
# there; FastAPI documents one for every operation with parameters all the same, so both do.
RECORD_ERRORS: dict[int, type[BaseModel]] = {
    404: ErrorResponse,
    422: ValidationErrorResponse,
    503: ErrorResponse,
}

ACTUAL_ERRORS: dict[int, type[BaseModel]] = {**JSON_BODY_ERRORS, 404: ErrorResponse}

DELETE_ERRORS: dict[int, type[BaseModel]] = {401: ErrorResponse, **RECORD_ERRORS}
