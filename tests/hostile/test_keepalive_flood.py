"""Keep-alive clients that never pause, and a new connection among them (lesson 13, "A flood of
keep-alive clients").

A load balancer's health check, or a new user, opens a new connection. Under 120 keep-alive
clients looping `GET /health` (wrk), one Flask worker took 12 s to serve such a connection: the
kernel had accepted it, but a gevent worker switches to another connection only when the one it
serves would block, and a client whose next request is always waiting never blocks. Both
services must answer a new connection as they answer the others.
"""

import re
import shutil
import subprocess

import pytest
import requests

from tests.hostile.rawhttp import latencies_ms, percentile

PROBE_TIMEOUT_SECONDS = 5  # a probe not answered by then counts as starved (status 0)
FLOOD_SECONDS = 600  # wrk stops when the probes are done; this only bounds a hang

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None,
    reason="wrk is not installed (apt-get install wrk): the flood needs a client faster than "
    "Python's threads",
)


def start_flood(base_url: str, clients: int) -> subprocess.Popen:
    command = ["wrk", "-t1", f"-c{clients}", f"-d{FLOOD_SECONDS}s", "--timeout", "30s"]
    return subprocess.Popen([*command, base_url + "/health"], stdout=subprocess.PIPE, text=True)


def flood_report(flood: subprocess.Popen) -> str:
    """Stop wrk (SIGINT: it prints its report) and return the report."""
    flood.send_signal(subprocess.signal.SIGINT)
    return flood.communicate(timeout=60)[0]


def test_a_new_connection_is_served_under_a_keep_alive_flood(service, hostile_server, scale):
    server = hostile_server(service)
    # Each probe on a new connection: no Session, Connection: close.
    probe = lambda: requests.get(  # noqa: E731
        server.base_url + "/health",
        headers={"Connection": "close"},
        timeout=PROBE_TIMEOUT_SECONDS,
    )
    flood = start_flood(server.base_url, scale.keep_alive_clients)
    try:
        probe_ms, probes = latencies_ms(probe, scale.probe_requests)
    finally:
        report = flood_report(flood)
    flood_requests = re.search(r"(\d+) requests in", report)
    print(
        f"\n{service}: {scale.keep_alive_clients} keep-alive clients (wrk: "
        f"{flood_requests.group(1) if flood_requests else '?'} requests); a new connection's "
        f"/health p50 {percentile(probe_ms, 0.5):.0f} ms, p99 {percentile(probe_ms, 0.99):.0f} "
        f"ms, slowest {max(probe_ms):.0f} ms"
    )
    assert set(probes) == {200}  # 0: not answered within PROBE_TIMEOUT_SECONDS
    assert "Non-2xx" not in report and "Socket errors" not in report, report
