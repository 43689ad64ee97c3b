"""Starlette's CORSMiddleware, refusing a preflight in the contract's JSON.

Starlette answers a refused preflight `400 text/plain "Disallowed CORS origin"`; every other error
of the service is `{"detail": ...}` JSON, and the Flask twin answers the same refusal so.
"""

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from fastapi_service.app.errors import error_response
from shared.contract.errors import CORSPreflightRefused


class ContractCORSMiddleware(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == CORSPreflightRefused.status_code:
            refused = error_response(CORSPreflightRefused())
            refused.headers["Vary"] = response.headers.get("Vary", "Origin")
            return refused
        return response
