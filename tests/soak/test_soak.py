"""A soak: each service, two workers, held at saturation by locust (headless) for SOAK_SECONDS.
Zero failed requests, and each worker's memory (RSS) measured after a warm-up and at the end:
the growth is printed and bounded. `make test` runs 10 s per service; `make soak` minutes.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.support.servers import LiveServer

SOAK_SECONDS = int(os.environ.get("SOAK_SECONDS", "10"))
USERS = 16
WARM_UP = min(5.0, SOAK_SECONDS / 4)  # lazy imports and caches fill in the first seconds
MAX_GROWTH_MB = 30  # per worker, over the whole soak
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def worker_rss_mb(server: LiveServer) -> dict[int, float]:
    """RSS of each worker: the server's processes that have no children of their own (but not
    the resource tracker that Python's multiprocessing starts beside uvicorn's workers)."""
    processes = psutil.Process(server.process.pid).children(recursive=True)
    workers = [
        process
        for process in processes
        if not process.children() and "resource_tracker" not in " ".join(process.cmdline())
    ]
    return {process.pid: process.memory_info().rss / 2**20 for process in workers}


def run_locust(base_url: str, seconds: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(USERS),
        "--spawn-rate",
        str(USERS),
        "--run-time",
        f"{seconds}s",
        "--host",
        base_url,
        "--json",
        "--skip-log",
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.live
def test_soak_at_saturation_has_no_errors_and_bounded_memory(service, settings, tmp_path):
    server = LiveServer(
        service, settings, workers=2, DATABASE_URL=f"sqlite:///{tmp_path / 'soak.db'}"
    )
    server.wait_ready()
    try:
        locust = run_locust(server.base_url, SOAK_SECONDS)
        time.sleep(WARM_UP)
        before = worker_rss_mb(server)
        output, errors = locust.communicate(timeout=SOAK_SECONDS + 120)
        after = worker_rss_mb(server)
    finally:
        server.stop()
    stats = json.loads(output)
    requests = sum(entry["num_requests"] for entry in stats)
    failures = sum(entry["num_failures"] for entry in stats)
    growth = {pid: round(after[pid] - before[pid], 1) for pid in before if pid in after}
    rss = {pid: f"{before[pid]:.1f} -> {after[pid]:.1f} MB" for pid in growth}
    print(
        f"\n{service}: {SOAK_SECONDS} s, {requests} requests ({requests / SOAK_SECONDS:.0f}/s), "
        f"{failures} failures; RSS per worker {rss}"
    )
    assert locust.returncode == 0, errors[-3000:]
    assert requests > 0
    assert failures == 0, [entry for entry in stats if entry["num_failures"]]
    assert len(growth) == 2  # both workers lived through the soak
    assert max(growth.values()) < MAX_GROWTH_MB
