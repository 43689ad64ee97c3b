"""Faults of a worker and of its supervisor (lesson 13, "One bad worker").

Both servers run a supervisor process and workers, and restart a worker that dies. Three ways
that went wrong, each tested on both live services:

- The artifact replaced by garbage while the service ran, then one worker killed: the
  restarted worker failed to load it, and its supervisor stopped the whole service, although
  the other worker had been serving all along. Now the workers load a private copy of the
  artifact the launch verified.
- A supervisor that stops because a worker cannot start must say so with its exit status:
  uvicorn's said 0, and a restart-on-failure policy (Docker's, systemd's) did not restart it.
- A supervisor killed with SIGKILL left uvicorn's workers serving as orphans, holding the port.
"""

import shutil
import signal
import time
from pathlib import Path

import psutil
import pytest
import requests

from shared.contract.launch import serving_copy_dir
from shared.core.settings import Settings
from tests.support.processes import is_listening

HANG_GUARD_SECONDS = 120  # far above what each step takes; only a hang reaches it


def workers(server) -> list[psutil.Process]:
    """The server's worker processes (not multiprocessing's resource tracker)."""
    found = []
    for child in psutil.Process(server.process.pid).children():
        try:
            if "resource_tracker" not in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # exited, or a zombie not reaped yet: not a worker any more
            pass
    return found


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"still waiting: {what}"
        time.sleep(0.25)


def served_shas(server, requests_made: int = 30) -> set[str]:
    """The artifact SHA-256 that `/model` reports, over new connections (either worker)."""
    shas = set()
    for _ in range(requests_made):
        answer = requests.get(server.base_url + "/model", timeout=30)
        assert answer.status_code == 200
        shas.add(answer.json()["sha256"])
    return shas


def replaced(server, original: psutil.Process) -> bool:
    pids = {worker.pid for worker in workers(server)}
    return len(pids) == 2 and original.pid not in pids


def ready(server) -> bool:
    try:
        return requests.get(server.base_url + "/ready", timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def own_artifact(settings: Settings, tmp_path: Path) -> Path:
    """A copy of the artifact that this test may damage."""
    model = tmp_path / settings.model_path.name
    shutil.copy(settings.model_path, model)
    shutil.copy(settings.card_path, model.with_suffix(".json"))
    return model


def test_a_worker_restarted_after_the_artifact_was_damaged_serves_the_same_model(
    service, start_live_server, own_artifact
):
    server = start_live_server(service, workers=2, MODEL_PATH=str(own_artifact))
    started_with = served_shas(server)
    own_artifact.write_bytes(b"not a model at all")
    own_artifact.with_suffix(".json").write_text("{}")
    for original in workers(server):  # every worker replaced, one after the other
        original.kill()
        wait_for(lambda: replaced(server, original), "a new worker")  # noqa: B023
    wait_for(lambda: server.process.poll() is not None or ready(server), "an answer")
    assert served_shas(server) == started_with  # only workers started after the damage serve
    assert server.process.poll() is None, server.output()


def test_a_service_whose_worker_cannot_start_stops_with_a_failure_status(
    service, start_live_server
):
    server = start_live_server(service, workers=2)
    copy = serving_copy_dir(service, server.port) / Settings().model_path.name
    copy.write_bytes(b"the private copy, damaged")
    workers(server)[0].kill()
    wait_for(lambda: server.process.poll() is not None, "the service to stop")
    assert server.process.returncode != 0, server.output()


def test_workers_stop_when_their_supervisor_is_killed(service, start_live_server):
    server = start_live_server(service, workers=2)
    orphans = workers(server)
    server.process.send_signal(signal.SIGKILL)  # the supervisor only, not its process group
    try:
        wait_for(lambda: not any(alive(worker) for worker in orphans), "the workers to stop")
        assert not is_listening(server.port)
    finally:
        for worker in orphans:
            if alive(worker):
                worker.kill()


def alive(process: psutil.Process) -> bool:
    return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
