"""The database fails while the service runs: a PostgreSQL server that is down, an SQLite file
that has become read-only. Predictions that need no store keep working; every store call answers
503 in the contract's shape; nothing is half-written.

The fault is injected by swapping the engine the app opened at start-up (FastAPI keeps it in
`app.state`, Flask in `app.extensions`) for one that points at the broken database.
"""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from shared.core.store import create_store_engine, migrate

UNAVAILABLE = {"detail": "Prediction store is unavailable"}
JSON = {"Content-Type": "application/json"}


def swap_engine(client, engine: Engine) -> None:
    if client.service == "fastapi":
        client.app.state.store_engine = engine
    else:
        client.app.extensions["store_engine"] = engine


def server_down() -> Engine:
    """PostgreSQL on a port where nothing listens: every connection attempt is refused."""
    return create_store_engine("postgresql://predictions:secret@127.0.0.1:9/predictions")


def read_only(database: Path) -> Engine:
    """The same SQLite file, opened read-only (as a read-only mount would leave it)."""
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(
            f"file:{database}?mode=ro", uri=True, check_same_thread=False
        ),
    )

    @event.listens_for(engine, "connect")
    def autocommit_off(dbapi_connection, connection_record) -> None:
        dbapi_connection.isolation_level = None  # as the store's own engine: SQLAlchemy begins

    return engine


def rows_in(database: Path) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT * FROM predictions ORDER BY id").fetchall()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "predictions.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def stored(make_client, settings, database, patient):
    """A client on a database of its own holding one prediction: (client, its location)."""
    client = make_client(settings.model_copy(update={"database_url": f"sqlite:///{database}"}))
    location = client.post("/predictions", json=patient).headers["Location"]
    return client, location


@pytest.fixture(params=["server-down", "read-only"])
def broken(request, stored, database):
    """The client of `stored`, its database now broken."""
    client, location = stored
    swap_engine(client, server_down() if request.param == "server-down" else read_only(database))
    return client, location, request.param


def store_calls(location: str, patient: dict) -> list[tuple[str, str, dict]]:
    """Every store call that writes, as (method, path, request options)."""
    return [
        ("POST", "/predictions", {"json": patient}),
        ("PUT", f"{location}/actual", {"json": {"value": 150.0}}),
        ("DELETE", location, {"headers": {"X-API-Key": "test-api-key"}}),
    ]


def test_predictions_that_need_no_store_keep_working(broken, patient):
    client, _, _ = broken
    assert client.post("/predict", json=patient).status_code == 200
    assert client.post("/predict/batch", json={"instances": [patient]}).status_code == 200
    assert client.get("/health").status_code == 200


def test_every_write_is_503_in_the_contract_shape(broken, patient):
    client, location, _ = broken
    for method, path, options in store_calls(location, patient):
        response = client.request(method, path, **options)
        assert (method, response.status_code, response.json()) == (method, 503, UNAVAILABLE)


def test_reads_are_503_when_the_server_is_down(stored):
    client, location = stored
    swap_engine(client, server_down())
    for path in (location, "/predictions", "/model/performance"):
        response = client.get(path)
        assert (path, response.status_code, response.json()) == (path, 503, UNAVAILABLE)


def test_reads_still_work_from_a_read_only_database(stored, database):
    client, location = stored
    swap_engine(client, read_only(database))
    assert client.get(location).status_code == 200
    assert client.get("/predictions").json()["total"] == 1


def test_nothing_is_half_written(stored, database, patient):
    client, location = stored
    before = rows_in(database)
    swap_engine(client, read_only(database))
    for method, path, options in store_calls(location, patient):
        client.request(method, path, **options)
    assert rows_in(database) == before


def test_a_database_down_at_start_up_does_not_stop_the_service(make_client, settings, patient):
    down = "postgresql://predictions:secret@127.0.0.1:9/predictions"
    client = make_client(settings.model_copy(update={"database_url": down}))
    assert client.post("/predict", json=patient).status_code == 200
    response = client.post("/predictions", json=patient)
    assert (response.status_code, response.json()) == (503, UNAVAILABLE)
