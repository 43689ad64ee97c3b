"""Two hooks that keep every socket Ray Serve opens on loopback, and the proxy's answers in the
services' own shape.

`keep_grpc_on_loopback` is a worker-process setup hook (`runtime_env.worker_process_setup_hook`):
every Serve replica starts an internal gRPC server, which Ray binds to `[::]:0`, every interface.
The hook makes it bind to 127.0.0.1 instead, on a port checked free with a plain bind first: gRPC
sets SO_REUSEPORT, with which two replicas could silently share one port.

`proxy_middlewares` is the proxy's callback (RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH): it
runs in the proxy when it starts and returns the middlewares wrapped around it.
"""

import socket
from typing import Any

LOOPBACK = "127.0.0.1"


def free_loopback_port() -> int:
    """A port nothing listens on, found with a plain bind (no SO_REUSEPORT)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def add_port_on_loopback(server: Any, address: str) -> int:
    """Ray's `add_port_to_grpc_server`, with any wildcard address replaced by loopback."""
    from ray._common import tls_utils

    if not address.startswith(("[::]:", "0.0.0.0:")):
        return tls_utils.add_port_to_grpc_server(server, address)
    for _ in range(10):
        port = tls_utils.add_port_to_grpc_server(server, f"{LOOPBACK}:{free_loopback_port()}")
        if port:  # 0: the bind failed (the port was taken in between); try another
            return port
    raise RuntimeError("no free loopback port for the replica's gRPC server")


def keep_grpc_on_loopback() -> None:
    from ray.serve._private import replica

    replica.add_port_to_grpc_server = add_port_on_loopback


class OneRequestIdHeader:
    """The proxy's outermost middleware. Ray's proxy adds an X-Request-ID to every answer, and
    the services already send one (the same id: the proxy hands its id to the service as the
    request's), so the client would read it twice. The service's is kept; so is the proxy's own
    Date only (a2wsgi passes Flask's on, for files). A request without an id gets one here, in
    the services' form, before the proxy would make one in its own."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from starlette.datastructures import MutableHeaders

        from shared.contract.web import REQUEST_ID_HEADER, request_id_from

        headers = MutableHeaders(scope=scope)
        if scope["type"] == "http" and REQUEST_ID_HEADER not in headers:
            # The services' own form of id, which the proxy then takes as the request's.
            headers.append(REQUEST_ID_HEADER, request_id_from(None))

        async def send_once(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = without_repeats(message.get("headers", []))
            await send(message)

        await self.app(scope, receive, send_once)


def without_repeats(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    kept, seen = [], set()
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"date" or (lowered == b"x-request-id" and lowered in seen):
            continue  # the proxy's server writes its own Date
        seen.add(lowered)
        kept.append((name, value))
    return kept


def proxy_middlewares() -> list[Any]:
    """RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH names this: Ray calls it in the proxy before
    the proxy's uvicorn server starts, so the server can be set up as `make run-fastapi` sets
    up its own: no `server: uvicorn` header, and the services' HTTP protocol, which answers an
    unparseable or stalled request with the contract's JSON 400 or 408
    (fastapi_service/server.py)."""
    import uvicorn
    from starlette.middleware import Middleware

    from fastapi_service.server.deadline import DeadlineHttpToolsProtocol

    class ServicesServerConfig(uvicorn.Config):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.update(server_header=False, http=DeadlineHttpToolsProtocol)
            super().__init__(*args, **kwargs)

    uvicorn.Config = ServicesServerConfig  # read by Ray's proxy when it starts its server
    return [Middleware(OneRequestIdHeader)]
