"""The access log is written by a listener thread, off the request's path: no line may be lost.

Every answered request has its JSON line, even when SIGTERM stops the server right after the
last answer: the lines still queued are written before each worker process exits.
"""

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from shared.core.settings import PROJECT_ROOT

REQUESTS = 300
SERVER_WORKERS = 2  # each worker process has its own queue and listener to drain at exit


def access_lines(output: str) -> list[dict]:
    lines = [line for line in output.splitlines() if line.startswith('{"time"')]
    return [json.loads(line) for line in lines]


@pytest.mark.live
def test_every_request_has_its_line_when_sigterm_follows_the_last_answer(
    service, start_live_server, patient
):
    server = start_live_server(service, workers=SERVER_WORKERS, LOG_LEVEL="INFO")

    def predict(index: int) -> int:
        headers = {"X-Request-ID": f"line-{index}"}
        return requests.post(
            server.base_url + "/predict", json=patient, headers=headers, timeout=60
        ).status_code

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(predict, range(REQUESTS))) == {200}
    os.killpg(server.process.pid, signal.SIGTERM)  # at once: lines may still be queued
    server.process.wait(30)
    logged = {line["request_id"] for line in access_lines(server.output())}
    assert {f"line-{index}" for index in range(REQUESTS)} <= logged


def test_lines_still_queued_at_exit_are_written():
    """A process that logs and exits at once: the listener drains the queue at exit."""
    script = (
        "import time\n"
        "from shared.contract.web import configure_logging, log_access\n"
        "configure_logging('INFO')\n"
        "for index in range(5000):\n"
        "    log_access(f'id-{index}', 'POST', '/predict', 200, time.perf_counter())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = access_lines(result.stderr)
    assert [line["request_id"] for line in lines] == [f"id-{index}" for index in range(5000)]
