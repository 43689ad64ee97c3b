"""The production server: gunicorn with the request-deadline worker (deadline.py), its workers,
and no `Server` header. `make run-flask`, the image, the tests and the benchmarks all start it
so: `python -m flask_service.server [--host H] [--port P] [--workers N]`."""

import gc
from typing import Any

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http import wsgi
from prometheus_client import multiprocess

from flask_service.app import create_app
from shared.contract.launch import (
    GRACEFUL_SHUTDOWN_SECONDS,
    LaunchOptions,
    freeze_startup_objects,
    parse_options,
    prepare_to_serve,
)

DEFAULT_PORT = 8001


class ResponseWithoutServerHeader(wsgi.Response):
    """gunicorn's response without its `Server` header, which gunicorn has no setting to drop
    (uvicorn's `server_header=False`): a server's name helps only an attacker."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]


def post_worker_init(worker: Any) -> None:
    """gunicorn's hook once a worker has loaded its app: its objects frozen (the FastAPI
    launcher's lifespan does the same)."""
    freeze_startup_objects()


def worker_exit(server: Any, worker: Any) -> None:
    """gunicorn's hook as a worker exits: its objects thawed, so that the interpreter's own
    clean-up finds them where it looks (frozen, logging's were finalized too late, and each
    worker printed tracebacks as it exited)."""
    gc.unfreeze()


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's hook when a worker exits: its live gauges leave `/metrics`, its counts stay."""
    multiprocess.mark_process_dead(worker.pid)


class FlaskServer(BaseApplication):
    """gunicorn configured in Python (its documented custom-application API), not by flags."""

    def __init__(self, options: LaunchOptions) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        settings = {
            "bind": f"{self.options.host}:{self.options.port}",
            "workers": self.options.workers,
            "worker_class": "flask_service.server.deadline.RequestDeadlineWorker",
            "graceful_timeout": GRACEFUL_SHUTDOWN_SECONDS,
            "control_socket_disable": True,  # no admin socket: nothing to manage it with here
            "post_worker_init": post_worker_init,
            "worker_exit": worker_exit,
            "child_exit": child_exit,
        }
        for name, value in settings.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        """Called in each worker, after the fork: each loads the model once."""
        if self.options.app:
            return util.import_app(self.options.app)  # a baseline app (benchmarks)
        return create_app()


def main(argv: list[str] | None = None) -> None:
    options = parse_options(DEFAULT_PORT, argv)
    prepare_to_serve("flask", options)
    wsgi.Response = ResponseWithoutServerHeader  # before the workers fork: they all inherit it
    FlaskServer(options).run()
