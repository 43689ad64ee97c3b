"""Slow and stalled clients: they must cost the other clients nothing, and be dropped in time.

Found by an outside probe: about 16 connections that sent half a request and stopped took the
Flask service down (gunicorn's gthread worker gave each a thread, and had 8); neither service
ever dropped such a connection. Now each server reads a request whole within a deadline
(REQUEST_TIMEOUT_SECONDS) without holding a thread meanwhile (fastapi_service/server/deadline.py,
flask_service/server/deadline.py). The figures print with `-s`; `make hostile` runs 100 clients.
"""

import socket
import threading
import time

import pytest
import requests

from tests.hostile.conftest import REQUEST_TIMEOUT_SECONDS
from tests.hostile.rawhttp import (
    connect,
    latencies_ms,
    percentile,
    post_head,
    read_answer,
)

pytestmark = pytest.mark.live

# What a stalled client sends before it stops: half a head, or a head and half a body.
STALLS = {
    "mid-head": b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ",
    "mid-body": post_head("/predict", length=400) + b'{"age": 59, "sex": ',
    "mid-chunk": post_head("/predict") + b"100\r\n" + b'{"age": 59',
}
TRICKLE = post_head("/predict", length=400) + b" " * 400  # sent a byte at a time


def open_stalled(base_url: str, count: int) -> list[socket.socket]:
    sockets = []
    kinds = list(STALLS.values())
    for number in range(count):
        sock = connect(base_url, timeout=REQUEST_TIMEOUT_SECONDS + 30)
        sock.sendall(kinds[number % len(kinds)])
        sockets.append(sock)
    return sockets


def trickle(sockets: list[socket.socket], stop: threading.Event) -> None:
    """One byte a second on each socket, until stopped or the server closes it."""
    closed: set[socket.socket] = set()  # by the server; the caller still closes them all
    position = 0
    while not stop.is_set() and position < len(TRICKLE):
        for sock in set(sockets) - closed:
            try:
                sock.sendall(TRICKLE[position : position + 1])
            except OSError:
                closed.add(sock)
        position += 1
        stop.wait(1)


def test_stalled_and_trickling_clients_cost_the_others_nothing(
    service, hostile_server, scale, patient
):
    server = hostile_server(service)
    stalled = open_stalled(server.base_url, scale.stalled_clients // 2)
    trickling = [connect(server.base_url) for _ in range(scale.stalled_clients // 2)]
    stop = threading.Event()
    trickler = threading.Thread(target=trickle, args=(trickling, stop))
    trickler.start()
    try:
        time.sleep(0.5)  # the server has seen them all
        # A new connection per request, as the clients a stalled server stops serving.
        health_ms, health = latencies_ms(
            lambda: requests.get(server.base_url + "/health", timeout=5), scale.probe_requests
        )
        predict_ms, predict = latencies_ms(
            lambda: requests.post(server.base_url + "/predict", json=patient, timeout=5),
            scale.probe_requests,
        )
    finally:
        stop.set()
        trickler.join()
        for sock in stalled + trickling:
            sock.close()
    print(
        f"\n{service}: {scale.stalled_clients} slow clients; normal client /health "
        f"p50 {percentile(health_ms, 0.5):.1f} ms p99 {percentile(health_ms, 0.99):.1f} ms, "
        f"/predict p50 {percentile(predict_ms, 0.5):.1f} ms "
        f"p99 {percentile(predict_ms, 0.99):.1f} ms"
    )
    assert set(health) == {200}  # 0 = no answer within 5 s: the slow clients took the server
    assert set(predict) == {200}


@pytest.mark.parametrize("stall", STALLS)
def test_a_stalled_request_is_dropped_in_time(service, hostile_server, stall):
    """Dropped: a 408 in the contract's JSON, or a closed connection (gunicorn closes a head
    that has not arrived after its keep-alive time, 2 s, without a word)."""
    server = hostile_server(service)
    with connect(server.base_url, timeout=REQUEST_TIMEOUT_SECONDS + 10) as sock:
        sock.sendall(STALLS[stall])
        started = time.monotonic()
        answer = read_answer(sock)  # socket.timeout here: never dropped
        waited = time.monotonic() - started
    print(f"\n{service} {stall}: answer {answer.status} after {waited:.1f} s")
    assert answer.status in (0, 408)
    if answer.status == 408:
        assert answer.json() == {"detail": "Request was not received in time"}
        assert answer.headers["x-request-id"]


def test_a_trickling_request_is_dropped_in_time(service, hostile_server):
    server = hostile_server(service)
    sock = connect(server.base_url, timeout=REQUEST_TIMEOUT_SECONDS + 10)
    stop = threading.Event()
    trickler = threading.Thread(target=trickle, args=([sock], stop))
    started = time.monotonic()
    trickler.start()
    try:
        answer = read_answer(sock)  # socket.timeout here: never dropped
    finally:
        stop.set()
        trickler.join()
        sock.close()
    print(f"\n{service} trickle: answer {answer.status} after {time.monotonic() - started:.1f} s")
    assert answer.status in (0, 408)
