"""Servers started as a user starts them: the service's launcher, on a free port."""

import importlib
import os
import shutil
import sys
import tempfile

import requests

from shared.contract.launch import serving_copy_dir
from shared.core.settings import PROJECT_ROOT, Settings
from tests.support.processes import START_TIMEOUT_SECONDS, ManagedProcess, free_port


def launcher_command(service: str, port: int, workers: int) -> list[str]:
    """What `make run-<service>` runs, on another port."""
    launcher = [sys.executable, "-m", f"{service}_service.server"]
    return [*launcher, "--port", str(port), "--workers", str(workers)]


def live_server_class() -> type:
    """What starts the live servers: `LiveServer` (`make run-*`), or the class that the
    environment variable LIVE_SERVER names as `module:Class`, with the same interface, to run
    every live test against the services served another way (`make test-ray`: Ray Serve)."""
    name = os.environ.get("LIVE_SERVER")
    if not name:
        return LiveServer
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)


class LiveServer(ManagedProcess):
    """The service's launcher on a free port, as `make run-<service>` starts it; stopped with
    SIGTERM."""

    def __init__(self, service: str, settings: Settings, workers: int = 1, **env: str) -> None:
        self.service = service
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.metrics_dir = tempfile.mkdtemp(prefix="metrics-")  # removed by stop()
        environment = {
            "MODEL_PATH": str(settings.model_path),
            "DATABASE_URL": settings.database_url,
            "API_KEY": settings.api_key.get_secret_value() if settings.api_key else "",
            "LOG_LEVEL": "WARNING",
            "PROMETHEUS_MULTIPROC_DIR": self.metrics_dir,
            **env,
        }
        command = launcher_command(service, self.port, workers)
        super().__init__(command, cwd=PROJECT_ROOT, env=environment)

    def is_ready(self) -> bool:
        try:
            return requests.get(self.base_url + "/ready", timeout=1).status_code == 200
        except requests.RequestException:  # not listening yet, or still starting
            return False

    def wait_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        self.wait_until(self.is_ready, timeout)

    def stop(self, timeout: float = 30) -> int:
        try:
            return super().stop(timeout)
        finally:
            shutil.rmtree(self.metrics_dir, ignore_errors=True)
            shutil.rmtree(serving_copy_dir(self.service, self.port), ignore_errors=True)
