"""What each route documents besides its success answer, as status -> body model.

Both services document the same error responses from these tables, so their OpenAPI documents
list the same status codes for every operation.
"""

from pydantic import BaseModel

from shared.schemas import ErrorResponse, ValidationErrorResponse

NOT_READY: dict[int, type[BaseModel]] = {503: ErrorResponse}

JSON_BODY_ERRORS: dict[int, type[BaseModel]] = {
    400: ErrorResponse,
    413: ErrorResponse,
    415: ErrorResponse,
    422: ValidationErrorResponse,
    503: ErrorResponse,
}
