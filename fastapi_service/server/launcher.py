"""The production server: uvicorn with the request deadline (deadline.py), its workers, and no
`Server` header. `make run-fastapi`, the image, the tests and the benchmarks all start it so:
`python -m fastapi_service.server [--host H] [--port P] [--workers N]`."""

import uvicorn

from shared.contract.launch import GRACEFUL_SHUTDOWN_SECONDS, parse_options, prepare_to_serve

DEFAULT_PORT = 8000
WORKER_HEALTHCHECK_SECONDS = 30


def main(argv: list[str] | None = None) -> None:
    options = parse_options(DEFAULT_PORT, argv)
    prepare_to_serve("fastapi", options)
    uvicorn.run(
        options.app or "fastapi_service.app:create_app",
        factory=options.app is None,  # ours is a factory; a baseline is an app
        host=options.host,
        port=options.port,
        workers=options.workers,
        # By name, imported in each worker once it answers the supervisor's pings (a class would be
        # imported, with the model's libraries, before the worker can answer).
        http="fastapi_service.server.deadline:DeadlineHttpToolsProtocol",
        access_log=False,  # the app logs one line per request itself (server/middleware.py)
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        # The supervisor restarts a worker that misses its ping for this long: a worker still
        # importing and loading the model on a busy machine must not count as hung.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
