"""Answers and costs out of proportion to the request: bounded 422s, no stalled event loop,
no worker that keeps the memory a big invalid body made it take, no label without bound.

Found by an outside probe: a 4 kB batch of 1,000 empty objects got a 787 kB 422; a 1 MB body of
unknown keys a 10.9 MB 422 and 1-2 s of CPU, on FastAPI's event loop (`/health` p50 4.6 s with 8
such clients); made-up methods grew Flask's `/metrics` from 20 kB to 4.8 MB.
"""

import json
import threading

import psutil
import pytest
import requests

from shared.contract.metrics import KNOWN_METHODS, OTHER_METHOD
from shared.core.schemas import MAX_VALIDATION_ISSUES
from tests.hostile.rawhttp import latencies_ms, percentile, send_raw

pytestmark = pytest.mark.live

EMPTY_BATCH = {"instances": [{}] * 1000}  # 4 kB, 10,000 issues
UNKNOWN_KEYS = {f"k{number}": 1 for number in range(70_000)}  # 0.9 MB, 70,000 issues


def test_a_422_lists_the_first_issues_and_counts_them(service, hostile_server):
    server = hostile_server(service)
    response = requests.post(server.base_url + "/predict/batch", json=EMPTY_BATCH, timeout=30)
    body = response.json()
    print(f"\n{service}: 422 for 1,000 empty objects: {len(response.content)} bytes")
    assert response.status_code == 422
    assert len(body["detail"]) == MAX_VALIDATION_ISSUES
    assert body["error_count"] == 10_000
    assert body["detail"][0]["loc"] == ["body", "instances", 0, "age"]
    assert len(response.content) < 20_000


def test_big_invalid_bodies_stall_no_one(service, hostile_server, scale):
    """While clients send 1 MB of unknown keys, a normal client's `/health` keeps answering."""
    server = hostile_server(service)
    body = json.dumps(UNKNOWN_KEYS).encode()
    stop = threading.Event()
    statuses: list[int] = []

    def amplify() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                response = session.post(
                    server.base_url + "/predict",
                    data=body,
                    headers={"Content-Type": "application/json"},
                    timeout=60,
                )
                statuses.append(response.status_code)
                assert len(response.content) < 20_000

    amplifiers = [threading.Thread(target=amplify) for _ in range(scale.amplifiers)]
    for thread in amplifiers:
        thread.start()
    try:
        session = requests.Session()
        health_ms, health = latencies_ms(
            lambda: session.get(server.base_url + "/health", timeout=10), scale.probe_requests
        )
    finally:
        stop.set()
        for thread in amplifiers:
            thread.join()
    print(
        f"\n{service}: {scale.amplifiers} clients sending 1 MB of unknown keys "
        f"({len(statuses)} sent); /health p50 {percentile(health_ms, 0.5):.1f} ms "
        f"p99 {percentile(health_ms, 0.99):.1f} ms"
    )
    assert set(statuses) == {422}
    assert set(health) == {200}


def worker_memory_mb(server) -> dict[int, float]:
    """Resident memory of each worker process of a live server (the server's children)."""
    root = psutil.Process(server.process.pid)
    workers = [p for p in root.children(recursive=True) if not p.children()]
    return {worker.pid: worker.memory_info().rss / 2**20 for worker in workers}


def test_big_invalid_bodies_leave_worker_memory_as_it_was(service, hostile_server):
    server = hostile_server(service)
    body = json.dumps(UNKNOWN_KEYS).encode()
    with requests.Session() as session:
        for _ in range(3):  # warm up: first-use allocations are not growth
            session.post(
                server.base_url + "/predict",
                data=body,
                timeout=60,
                headers={"Content-Type": "application/json"},
            )
        before = worker_memory_mb(server)
        for _ in range(20):
            session.post(
                server.base_url + "/predict",
                data=body,
                timeout=60,
                headers={"Content-Type": "application/json"},
            )
    after = worker_memory_mb(server)
    growth = {pid: round(after[pid] - before[pid], 1) for pid in after if pid in before}
    print(f"\n{service}: worker RSS before {before} MB, growth after 20 bodies {growth} MB")
    assert all(mb < 100 for mb in growth.values())


def test_made_up_methods_add_no_metric_labels(service, hostile_server):
    server = hostile_server(service)
    for number in range(50):
        send_raw(server.base_url, f"FOO{number} /health HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    metrics = requests.get(server.base_url + "/metrics", timeout=30).text
    methods = {
        line.split('method="', 1)[1].split('"', 1)[0]
        for line in metrics.splitlines()
        if line.startswith("http_requests_total{")
    }
    print(f"\n{service}: method labels after 50 made-up methods: {sorted(methods)}")
    assert methods <= KNOWN_METHODS | {OTHER_METHOD}
