"""One way to run a server process for a test, a lesson or a benchmark: a free port, a process
group of its own, a wait until it answers, and a stop as a process manager stops it.

Standard library only: the benchmarks' peers import it from virtual environments of their own.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

# How long a server may take to start before a test gives up on it. A quiet machine starts one
# in a few seconds; a busy one (the suite's other worker, a benchmark beside it) takes far longer,
# and a busy machine must not fail the suite.
START_TIMEOUT_SECONDS = 240


def free_port() -> int:
    """A port nobody listens on now (the kernel picks it; a race with another program is
    possible but rare on loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


class ManagedProcess:
    """A command in a process group of its own, its output kept in `log` (a file given, or a
    temporary one) and shown if it fails to start."""

    def __init__(
        self,
        command: list[str],
        *,
        cwd: Path,
        env: dict[str, str] | None = None,
        log: Path | None = None,
    ) -> None:
        self.command = command
        self.log_path = log
        self.log: IO[bytes] = log.open("wb") if log else tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: a signal reaches the server and its workers
        )

    def output(self) -> str:
        self.log.flush()
        if self.log_path:
            return self.log_path.read_text(errors="replace")
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def wait_until(self, ready: Callable[[], bool], timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Poll `ready` until it says yes; fail with the output if the process exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"exited: {self.command}\n{self.output()[-3000:]}")
            if ready():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"not ready within {timeout} s: {self.command}")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM to the whole group, SIGKILL if it has not exited after `timeout` seconds;
        returns the exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()
        finally:
            self.log.close()
