"""A request whose body never arrives whole is never acted on, in either service.

The client announces a Content-Length, sends part of it, then closes its sending half (or the
whole connection). The service may answer 400 on what is left of the connection, or nothing; it
must not store a prediction, answer 201, or count a 5xx.
"""

import json
import socket
import time

import pytest
import requests

from tests.hostile.conftest import REQUEST_TIMEOUT_SECONDS
from tests.hostile.rawhttp import connect, post_head, read_answer

pytestmark = pytest.mark.live

PATIENT = json.dumps(
    {"age": 59, "sex": 2, "bmi": 32.1, "bp": 101, "tc": 157, "ldl": 93.2, "hdl": 38, "tch": 4}
).encode()  # the first eight features: a body cut short of the whole patient


def stored_count(base_url: str) -> int:
    return requests.get(base_url + "/predictions?limit=1", timeout=30).json()["total"]


def server_errors(base_url: str) -> float:
    metrics = requests.get(base_url + "/metrics", timeout=30).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("http_requests_total{") and 'status="5' in line
    )


@pytest.mark.parametrize("close", ["half-close", "full close"])
def test_a_body_cut_short_is_never_acted_on(service, hostile_server, close):
    server = hostile_server(service)
    before, errors_before = stored_count(server.base_url), server_errors(server.base_url)
    with connect(server.base_url, timeout=30) as sock:
        sock.sendall(post_head("/predictions", length=len(PATIENT) + 40) + PATIENT)
        if close == "half-close":
            sock.shutdown(socket.SHUT_WR)
            answer = read_answer(sock)  # status 0: closed without an answer, also fine
            assert answer.status in (0, 400), answer
            if answer.status == 400:
                assert answer.json() == {"detail": "Request body was not received whole"}
    # Whatever the server does with the rest happens within its request deadline.
    time.sleep(REQUEST_TIMEOUT_SECONDS + 1)
    assert stored_count(server.base_url) == before
    assert server_errors(server.base_url) == errors_before
