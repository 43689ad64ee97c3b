"""Live servers for the hostile-client tests, started as `make run-*` starts them (2 workers).

`make test` runs a short version; `make hostile` sets HOSTILE_SCALE=full and runs the issue's
figures (100 stalled clients, 500 concurrent store requests) and prints them (`-s`).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

CORS_ORIGIN = "https://dashboard.example"
REQUEST_TIMEOUT_SECONDS = 3  # the servers' deadline for a whole request, short for the tests


@dataclass(frozen=True)
class Scale:
    stalled_clients: int  # connections that stall mid-head or mid-body, or trickle
    probe_requests: int  # requests of a normal client timed meanwhile
    store_requests: int  # concurrent mixed store requests
    store_threads: int
    amplifiers: int  # clients sending big invalid bodies at once
    writers: int  # concurrent SQLite writers while /health is probed
    writer_seconds: float
    keep_alive_clients: int  # connections looping requests while new ones are probed


SCALES = {
    "short": Scale(
        stalled_clients=24,
        probe_requests=20,
        store_requests=300,
        store_threads=100,
        amplifiers=2,
        writers=16,
        writer_seconds=3,
        keep_alive_clients=40,
    ),
    "full": Scale(
        stalled_clients=100,
        probe_requests=200,
        store_requests=500,
        store_threads=500,
        amplifiers=8,
        writers=50,
        writer_seconds=20,
        keep_alive_clients=120,
    ),
}


@pytest.fixture(scope="session")
def scale() -> Scale:
    return SCALES[os.environ.get("HOSTILE_SCALE", "short")]


@pytest.fixture(scope="session")
def hostile_server(start_live_server: Callable[..., Any]) -> Callable[[str], Any]:
    """One server per service for the session: 2 workers, CORS on, a short request deadline."""
    servers: dict[str, Any] = {}

    def get(service: str) -> Any:
        if service not in servers:
            servers[service] = start_live_server(
                service,
                workers=2,
                CORS_ORIGINS=CORS_ORIGIN,
                REQUEST_TIMEOUT_SECONDS=str(REQUEST_TIMEOUT_SECONDS),
            )
        return servers[service]

    return get
