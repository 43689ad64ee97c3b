"""The production server: uvicorn with the request deadline (deadline.py), its workers, and no
`Server` header. `make run-fastapi`, the image, the tests and the benchmarks all start it so:
`python -m fastapi_service.server [--host H] [--port P] [--workers N]`."""

import gc
import os
import signal
import sys

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.lifespan.on import LifespanOn
from uvicorn.supervisors import Multiprocess

from shared.contract.launch import (
    GRACEFUL_SHUTDOWN_SECONDS,
    LaunchOptions,
    freeze_startup_objects,
    parse_options,
    prepare_to_serve,
)

DEFAULT_PORT = 8000
WORKER_HEALTHCHECK_SECONDS = 30
SUPERVISOR_PID = "SUPERVISOR_PID"  # the environment variable the workers inherit
ORPHAN_CHECK_SECONDS = 1


class LifespanThenFreeze(LifespanOn):
    """uvicorn's lifespan, and once the app has started, its objects frozen (gunicorn's
    `post_worker_init` does it for the Flask service)."""

    async def startup(self) -> None:
        await super().startup()
        if not self.should_exit:
            freeze_startup_objects()

    async def shutdown(self) -> None:
        gc.unfreeze()  # what the app drops at shutdown may be collected again
        await super().shutdown()


class ServerConfig(uvicorn.Config):
    """uvicorn's settings, with the lifespan above: a worker loads its config itself."""

    def load(self) -> None:
        super().load()
        self.lifespan_class = LifespanThenFreeze


def server_config(options: LaunchOptions) -> uvicorn.Config:
    return ServerConfig(
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
        # uvicorn's periodic hook in each worker (the one gunicorn's uvicorn worker beats with).
        callback_notify=stop_if_orphaned if options.workers > 1 else None,
        timeout_notify=ORPHAN_CHECK_SECONDS,
    )


async def stop_if_orphaned() -> None:
    """A worker whose supervisor is gone (SIGKILLed, say) would serve on and keep the port, so
    the next start fails "Address already in use". It stops as on a SIGTERM, finishing its
    requests first. gunicorn's workers make the same check."""
    if os.getppid() != int(os.environ[SUPERVISOR_PID]):
        signal.raise_signal(signal.SIGTERM)


class Supervisor(Multiprocess):
    """uvicorn's supervisor, told apart whether it was asked to stop. It also stops when a
    worker fails to start (it would fail again at each restart); uvicorn then exits with status
    0, and a restart-on-failure policy would not restart the service."""

    asked_to_stop = False

    def handle_int(self) -> None:
        self.asked_to_stop = True
        super().handle_int()

    def handle_term(self) -> None:
        self.asked_to_stop = True
        super().handle_term()


def main(argv: list[str] | None = None) -> None:
    options = parse_options(DEFAULT_PORT, argv)
    prepare_to_serve("fastapi", options)
    config = server_config(options)
    if options.workers == 1:  # one process: no supervisor
        server = uvicorn.Server(config)
        server.run()
        if not server.started:
            sys.exit(STARTUP_FAILURE)
        return
    os.environ[SUPERVISOR_PID] = str(os.getpid())  # before the workers start: they inherit it
    supervisor = Supervisor(config, sockets=[config.bind_socket()])
    supervisor.run()
    if not supervisor.asked_to_stop:
        sys.exit("the server stopped because a worker failed to start; see the log above")
