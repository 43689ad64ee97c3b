"""The domain's errors: what the core raises when a request cannot be served.

Each knows its HTTP status, so a service turns it into an answer without a table of its own;
the HTTP-level errors (a body that is not JSON, a URL too long...) are in
`shared/contract/errors.py`.
"""


class ServiceError(Exception):
    """An error a client can be told about: a status code and a one-line `detail`."""

    status_code = 500
    detail = "Internal Server Error"

    def __init__(self, detail: str | None = None, status_code: int | None = None) -> None:
        if detail is not None:
            self.detail = detail
        if status_code is not None:
            self.status_code = status_code
        super().__init__(self.detail)

    def body(self) -> dict[str, str]:
        return {"detail": self.detail}


class ModelNotReady(ServiceError):
    status_code = 503
    detail = "Model is not loaded"


class PredictionNotFound(ServiceError):
    status_code = 404
    detail = "Prediction not found"


class StoreUnavailable(ServiceError):
    """The database cannot answer now (down, unreachable, frozen, or locked past the deadline)."""

    status_code = 503
    detail = "Prediction store is unavailable"


class ModelLoadError(Exception):
    """The artifact cannot be served. Raised at start-up; the message says what to do."""
