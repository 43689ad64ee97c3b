"""Servers started as a user starts them: `make run-<service>` on a free port."""

import importlib
import os
import signal
import socket
import subprocess
import tempfile
import time

import requests

from shared.settings import PROJECT_ROOT, Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_server_class() -> type:
    """What starts the live servers: `LiveServer` (`make run-*`), or the class that the
    environment variable LIVE_SERVER names as `module:Class`, with the same interface, to run
    every live test against the services served another way (`make test-ray`: Ray Serve)."""
    name = os.environ.get("LIVE_SERVER")
    if not name:
        return LiveServer
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)


class LiveServer:
    """`make run-<service>` on a free port, as a user would start it; stopped with SIGTERM."""

    def __init__(self, service: str, settings: Settings, workers: int = 1, **env: str) -> None:
        self.service = service
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "MODEL_PATH": str(settings.model_path),
            "DATABASE_URL": settings.database_url,
            "API_KEY": settings.api_key.get_secret_value() if settings.api_key else "",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        command = ["make", "--no-print-directory", f"run-{service}"]
        command += [f"PORT={self.port}", f"WORKERS={workers}"]
        # The server's output, shown if it fails to start; closed in stop().
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGTERM reaches make and the server
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.service} exited:\n{self.output()}")
            try:
                if requests.get(self.base_url + "/ready", timeout=1).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still starting
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.service} was not ready within {timeout} s")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM to the whole group, as a process manager would; returns the exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()
        finally:
            self.log.close()
