"""A client that pipelines requests and never reads the answers (lesson 13, "Clients that never
read").

HTTP/1.1 lets a client send its next requests before the answers come. A server that keeps
parsing them while the answers pile up unread holds every queued request in memory: one such
client grew a uvicorn worker by about 60 MB a second. Both services must stop reading from a
client that does not read, so a worker's memory stays flat, and go on serving everyone else.
"""

import json
import socket
import time

import requests

from tests.hostile.rawhttp import connect
from tests.hostile.test_amplification import worker_memory_mb

PIPELINED_REQUEST = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
MEMORY_GROWTH_LIMIT_MB = 50  # a worker's growth under one such client; unbounded before


def pipeline_without_reading(base_url: str, seconds: float) -> int:
    """Send pipelined requests for `seconds`, never reading an answer; the bytes the server took."""
    host, port = base_url.removeprefix("http://").split(":")
    burst = PIPELINED_REQUEST * 1000
    sent = 0
    with socket.create_connection((host, int(port))) as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # reads nothing
        connection.settimeout(0.5)  # a server that stopped reading makes send block: try again
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            try:
                sent += connection.send(burst)
            except TimeoutError:
                continue
            except OSError:
                break  # the server closed the connection: also a way to stop a client
    return sent


def test_a_client_that_never_reads_leaves_worker_memory_flat(service, hostile_server, scale):
    server = hostile_server(service)
    before = worker_memory_mb(server)
    sent = pipeline_without_reading(server.base_url, scale.writer_seconds)
    after = worker_memory_mb(server)
    growth = {pid: round(after[pid] - before[pid], 1) for pid in after if pid in before}
    print(
        f"\n{service}: {sent // len(PIPELINED_REQUEST):,} pipelined requests sent in "
        f"{scale.writer_seconds} s, none read; worker RSS growth {growth} MB"
    )
    assert sent > 0
    assert all(mb < MEMORY_GROWTH_LIMIT_MB for mb in growth.values()), growth
    assert requests.get(server.base_url + "/health", timeout=30).status_code == 200


def test_pipelined_requests_are_all_answered_in_order(service, hostile_server, patient):
    """The bound changes when requests are parsed, never which: 200 pipelined requests, written
    at once and mixing bodies and none, get 200 answers in the order they were sent."""
    server = hostile_server(service)
    body = json.dumps(patient).encode()
    predict = (
        b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    requests_sent = [predict if number % 3 == 0 else PIPELINED_REQUEST for number in range(200)]
    with connect(server.base_url) as connection:
        connection.sendall(b"".join(requests_sent))
        reader = connection.makefile("rb")
        answers = [read_pipelined_answer(reader) for _ in requests_sent]
    expected = ["prediction" if request is predict else "status" for request in requests_sent]
    assert [status for status, _ in answers] == [200] * len(requests_sent)
    assert [key for _, key in answers] == expected


def read_pipelined_answer(reader) -> tuple[int, str]:
    """One answer from a stream of answers: its status, and which of the two bodies it carries."""
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) != b"\r\n":
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    answer = json.loads(reader.read(length))
    return status, "prediction" if "prediction" in answer else "status"
