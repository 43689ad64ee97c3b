"""gunicorn server hooks for the metrics. gunicorn reads one config file (`gunicorn.conf.py`,
passed by `make run-flask`); it picks these up by name with
`from flask_service.gunicorn_hooks import child_exit, on_exit`.
"""

import os
import shutil

from prometheus_client import multiprocess


def child_exit(server: object, worker: object) -> None:
    """A worker exited (restart, crash, shutdown): drop its live gauges from the metrics files,
    so `/metrics` reports only workers that are running. Its counters stay: counts never drop."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def on_exit(server: object) -> None:
    """The server is stopping, its workers gone: remove the metrics folder the Makefile made for
    this start (`exec` leaves no shell behind to do it)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and os.path.basename(directory).startswith("metrics."):
        shutil.rmtree(directory, ignore_errors=True)
