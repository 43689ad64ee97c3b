"""Graceful shutdown: SIGTERM while requests are in flight under load. Both production servers,
as `make run-*` starts them, with two workers; the signal goes to the process group, as a
process manager sends it.

In flight, for certain: a few requests send their head and half their body, then wait for the
signal before sending the rest; the server must wait for them and answer 200. Around them, load
threads post batches: every one sent well before the signal (ACCEPTED) completes with 200. Those
sent later are served, or find the port closed (refused), or are reset (the kernel completed
their TCP handshake into the listen backlog but no worker accepted them) or closed unanswered
(uvicorn accepted the connection, then closed it at shutdown before a request had begun on it).
Nothing of theirs was processed; a deployment stops sending traffic before it signals.
"""

import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import requests

from tests.support.servers import LiveServer

LOAD_THREADS = 6
IN_FLIGHT = 4
LOAD_BEFORE_SIGNAL = 1.0  # seconds of load before SIGTERM, so every worker is busy
ACCEPTED = 0.3  # a request sent this long before the signal has been accepted by a worker
JSON = {"Content-Type": "application/json", "Connection": "close"}


def result_of(send: Callable[[], requests.Response]) -> str:
    """ "200" (or another status), "refused", "reset", or the unexpected error."""
    try:
        return str(send().status_code)
    except requests.ConnectionError as error:
        text = str(error)
        for outcome, sign in (("refused", "refused"), ("reset", "reset"), ("closed", "without")):
            if sign in text:
                return outcome
        return text


@dataclass
class Load:
    """Batches posted until the server refuses connections, one fresh connection each, so an
    idle keep-alive connection closed by the server is not mistaken for a dropped request."""

    url: str
    body: dict
    outcomes: list[tuple[float, str]] = field(default_factory=list)

    def fire(self) -> None:
        result = ""
        while result != "refused":
            started = time.monotonic()
            result = result_of(
                lambda: requests.post(self.url, json=self.body, headers=JSON, timeout=60)
            )
            self.outcomes.append((started, result))


def slow_body(body: bytes, signalled: threading.Event) -> Iterator[bytes]:
    """Half the body now, the rest only after SIGTERM has been sent."""
    yield body[: len(body) // 2]
    signalled.wait(timeout=30)
    time.sleep(0.2)
    yield body[len(body) // 2 :]


@pytest.mark.live
def test_sigterm_under_load_completes_every_request_in_flight(service, settings, patient):
    server = LiveServer(service, settings, workers=2)
    server.wait_ready()
    load = Load(server.base_url + "/predict/batch", {"instances": [patient] * 100})
    signalled = threading.Event()
    in_flight: list[str] = []

    def send_slowly() -> None:
        body = slow_body(json.dumps(patient).encode(), signalled)
        in_flight.append(
            result_of(lambda: requests.post(server.base_url + "/predict", data=body, headers=JSON))
        )

    threads = [threading.Thread(target=load.fire) for _ in range(LOAD_THREADS)]
    threads += [threading.Thread(target=send_slowly) for _ in range(IN_FLIGHT)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_BEFORE_SIGNAL)
    signal_time = time.monotonic()
    os.killpg(server.process.pid, signal.SIGTERM)  # make, the server and its workers
    signalled.set()
    server.process.wait(timeout=60)  # make dies of the signal; the server once drained
    for thread in threads:
        thread.join(timeout=60)
    server.stop()

    taken = {result for started, result in load.outcomes if started < signal_time - ACCEPTED}
    late = {result for started, result in load.outcomes if started >= signal_time - ACCEPTED}
    print(f"{service}: in flight {in_flight}, load {len(load.outcomes)} requests, late {late}")
    assert in_flight == ["200"] * IN_FLIGHT
    assert taken == {"200"}
    assert late <= {"200", "refused", "reset", "closed"}
