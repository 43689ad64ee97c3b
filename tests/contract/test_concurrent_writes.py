"""Many concurrent POST /predictions at a multi-worker server: every row stored, exactly once.

Each service runs with several worker processes on a database of its own, created by the workers
as they start; then many threads create predictions at once. With SQLite this is where
"database is locked" would show: WAL, write transactions that take the lock at BEGIN and the
store's retry of a busy lock must make every writer wait its turn instead.
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from shared.core.store import PredictionStore, open_database

pytestmark = pytest.mark.live

REQUESTS = 200
CLIENT_THREADS = 32
SERVER_WORKERS = 2  # processes; each serves many requests at once (threads, or an event loop)


def test_concurrent_creates_are_each_stored_once(
    service, start_live_server, fresh_database_url, patient
):
    server = start_live_server(service, workers=SERVER_WORKERS, DATABASE_URL=fresh_database_url)

    def create(_: int) -> requests.Response:
        return requests.post(server.base_url + "/predictions", json=patient, timeout=60)

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        responses = list(pool.map(create, range(REQUESTS)))
    server.stop()

    statuses = Counter(response.status_code for response in responses)
    returned_ids = [response.json()["id"] for response in responses if response.ok]
    engine = open_database(fresh_database_url)
    with PredictionStore(engine) as store:
        page = store.list_page(limit=REQUESTS * 2, offset=0)
    engine.dispose()
    stored_ids = [item.id for item in page.items]
    # Shown by `pytest -rP`: the numbers behind the verdict.
    print(
        f"{service}: {REQUESTS} requests, statuses {dict(statuses)}, rows written "
        f"{len(returned_ids)}, rows found {page.total}, distinct ids {len(set(stored_ids))}"
    )

    assert statuses == {201: REQUESTS}
    assert page.total == REQUESTS
    assert len(set(stored_ids)) == len(stored_ids) == REQUESTS
    assert sorted(returned_ids) == sorted(stored_ids)
