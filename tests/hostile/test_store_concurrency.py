"""Many concurrent store requests of every kind: no 503 while the database is up, a consistent end.

Found by an outside probe: 300 `GET /predictions`, 100 at a time, took the FastAPI service 30 s
with 39 answers "503 store unavailable" while the database was fine. Each request held its pooled
connection until FastAPI tore the dependency down after the response, in a thread of its pool,
while the requests waiting for a connection held the pool's other threads. The store now gives
the connection back when each transaction ends (shared/core/store.py). `make test` runs this on
SQLite and, through POSTGRES_TESTS, on PostgreSQL; `make hostile` runs 500 requests at once.
"""

import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.hostile.rawhttp import percentile

pytestmark = pytest.mark.live

API_KEY = "test-api-key"  # the session settings' key (root conftest.py)
EXPECTED = {"list": {200}, "get": {200}, "create": {201}, "actual": {200}, "delete": {204}}


def test_mixed_store_requests_at_once(
    service, start_live_server, fresh_database_url, scale, patient
):
    server = start_live_server(service, workers=2, DATABASE_URL=fresh_database_url)
    url = server.base_url
    kinds = ["list", "get", "create", "actual", "delete"]
    plan = [kinds[number % len(kinds)] for number in range(scale.store_requests)]
    random.Random(12).shuffle(plan)
    # Records to read, update and delete, made first: one per get/actual, one per delete.
    seeded = [
        requests.post(url + "/predictions", json=patient, timeout=30).json()["id"]
        for _ in range(plan.count("delete") + 10)
    ]
    to_delete = iter(seeded[10:])
    to_touch = seeded[:10]
    updated: list[int] = []  # the records given an actual value

    def call(kind: str) -> tuple[str, int, float]:
        started = time.perf_counter()
        if kind == "list":
            response = requests.get(url + "/predictions?limit=5", timeout=60)
        elif kind == "get":
            response = requests.get(url + f"/predictions/{random.choice(to_touch)}", timeout=60)
        elif kind == "create":
            response = requests.post(url + "/predictions", json=patient, timeout=60)
        elif kind == "actual":
            record_id = random.choice(to_touch)
            updated.append(record_id)
            target = f"/predictions/{record_id}/actual"
            response = requests.put(url + target, json={"value": 150.0}, timeout=60)
        else:
            target = f"/predictions/{next(to_delete)}"
            response = requests.delete(url + target, headers={"X-API-Key": API_KEY}, timeout=60)
        return kind, response.status_code, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(scale.store_threads) as pool:
        results = list(pool.map(call, plan))
    wall = time.perf_counter() - started
    page = requests.get(url + "/predictions?limit=1", timeout=30).json()
    touched = [requests.get(url + f"/predictions/{i}", timeout=30).json() for i in set(updated)]

    statuses = Counter((kind, status) for kind, status, _ in results)
    milliseconds = sorted(duration * 1000 for _, _, duration in results)
    print(
        f"\n{service}: {len(plan)} store requests, {scale.store_threads} at once: "
        f"wall {wall:.1f} s, p50 {percentile(milliseconds, 0.5):.0f} ms, "
        f"p99 {percentile(milliseconds, 0.99):.0f} ms, "
        f"statuses {dict(Counter(status for _, status, _ in results))}"
    )
    unexpected = {key: n for key, n in statuses.items() if key[1] not in EXPECTED[key[0]]}
    assert unexpected == {}
    assert page["total"] == len(seeded) + plan.count("create") - plan.count("delete")
    assert all(record["actual"] == 150.0 for record in touched)
