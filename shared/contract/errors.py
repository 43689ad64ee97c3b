"""The contract's HTTP errors and error bodies: what a request that breaks the protocol is told.

Each service has one table (its `app/errors.py`) that turns these, the domain's errors
(`shared/core/errors.py`) and its framework's own errors into the same JSON.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from shared.core.errors import ServiceError
from shared.core.schemas import MAX_VALIDATION_ISSUES

# --- HTTP errors: what the services raise for a request they refuse -----------------------------


class MalformedJSON(ServiceError):
    status_code = 400
    detail = "Request body is not valid JSON"


class EmptyBody(ServiceError):
    status_code = 400
    detail = "Request body is empty"


class MalformedRequest(ServiceError):
    """The server could not parse the request itself (request line, headers, chunked framing)."""

    status_code = 400
    detail = "Malformed HTTP request"


class IncompleteBody(ServiceError):
    """The client ended the connection (or its sending half) before the whole body arrived: the
    request is answered, logged and counted, and never acted on."""

    status_code = 400
    detail = "Request body was not received whole"


class RequestTimeout(ServiceError):
    """The request's head or body did not all arrive in time (see REQUEST_TIMEOUT_SECONDS)."""

    status_code = 408
    detail = "Request was not received in time"


class CORSPreflightRefused(ServiceError):
    """A browser's preflight from an origin, or for a method or header, that CORS does not allow."""

    status_code = 400
    detail = "CORS preflight refused: origin, method or headers not allowed"


class Unauthorized(ServiceError):
    status_code = 401
    detail = "Missing or invalid API key"


class NotFound(ServiceError):
    status_code = 404
    detail = "Not Found"


class MethodNotAllowed(ServiceError):
    status_code = 405
    detail = "Method Not Allowed"


class PayloadTooLarge(ServiceError):
    status_code = 413
    detail = "Request body is too large"


class URITooLong(ServiceError):
    status_code = 414
    detail = "Request URL is too long"


class UnsupportedMediaType(ServiceError):
    status_code = 415
    detail = "Content-Type must be application/json"


class UnsupportedContentEncoding(UnsupportedMediaType):
    detail = "Content-Encoding must be identity: send the body uncompressed"


class HeadersTooLarge(ServiceError):
    status_code = 431
    detail = "Request headers are too large"


class BodyNotAnObject(ServiceError):
    """A JSON body that is an array, a string, a number or null: 422 in the schema's shape."""

    status_code = 422
    detail = "Input should be a JSON object"

    def body(self) -> dict[str, Any]:
        return {"detail": [{"type": "model_type", "loc": ["body"], "msg": self.detail}]}


# --- Framework errors, translated: what a framework's refusal means in the contract ------------

# What a framework's own HTTP error means in the contract: both services use this one table.
ERROR_FOR_STATUS: dict[int, type[ServiceError]] = {
    400: MalformedJSON,
    404: NotFound,
    405: MethodNotAllowed,
    408: RequestTimeout,
    413: PayloadTooLarge,
    414: URITooLong,
    415: UnsupportedMediaType,
    431: HeadersTooLarge,
}


def error_for_status(status_code: int) -> ServiceError:
    """The domain error for a framework's HTTP error status (a generic one for any other)."""
    error_class = ERROR_FOR_STATUS.get(status_code)
    if error_class is not None:
        return error_class()
    return ServiceError("Request could not be served", status_code=status_code)


# pydantic error types that mean the body is not valid JSON text: answered 400 like a parse error.
# `string_unicode` is a lone surrogate (`"\ud800"`, or its UTF-8 bytes), which Python's json lets
# through but no UTF-8 text may hold.
MALFORMED_JSON_TYPES = frozenset({"json_invalid", "string_unicode"})

# pydantic names "not an object" differently depending on how a model is called (FastAPI validates
# with from_attributes, flask-openapi3 without): one name and message for the contract.
_NOT_AN_OBJECT = {"model_type", "model_attributes_type", "dict_type"}


def _contract_issue(error: Mapping[str, Any], loc_prefix: tuple[str, ...]) -> dict[str, Any]:
    issue = {"type": error["type"], "loc": [*loc_prefix, *error["loc"]], "msg": error["msg"]}
    if issue["type"] in _NOT_AN_OBJECT:
        issue.update(type="model_type", msg="Input should be a JSON object")
    return issue


def validation_error_body(
    errors: Iterable[Mapping[str, Any]], loc_prefix: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The 422 body from pydantic errors: only type, loc and msg, for the first
    MAX_VALIDATION_ISSUES issues; `error_count` says how many there were when that is more.

    The input is left out on purpose: it may be huge, it may be a non-finite float that JSON
    cannot encode, and echoing it back adds nothing the client did not send.
    """
    errors = list(errors)
    body: dict[str, Any] = {
        "detail": [_contract_issue(error, loc_prefix) for error in errors[:MAX_VALIDATION_ISSUES]]
    }
    if len(errors) > MAX_VALIDATION_ISSUES:
        body["error_count"] = len(errors)
    return body
