"""The predictions store on its own: on SQLite, or on PostgreSQL when TEST_DATABASE_URL is set."""

import math
import socket
import sqlite3
import threading
from datetime import UTC

import pytest
from sqlalchemy import text

from shared.core.errors import PredictionNotFound, StoreUnavailable
from shared.core.schemas import SQL_INT_MAX, Patient
from shared.core.store import (
    PredictionStore,
    create_store_engine,
    database_url,
    migrate,
    open_database,
)


@pytest.fixture
def engine(fresh_database_url):
    engine = open_database(fresh_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine):
    with PredictionStore(engine) as store:
        yield store


@pytest.fixture
def features(patient):
    return Patient(**patient)


def test_add_returns_the_stored_record(store, features):
    record = store.add(features, 151.5, "1.0.0")
    assert record.id >= 1
    assert (record.features, record.prediction, record.model_version) == (features, 151.5, "1.0.0")
    assert record.actual is None


def test_created_at_is_in_utc(store, features):
    assert store.add(features, 151.5, "1.0.0").created_at.tzinfo == UTC


def test_get_returns_what_add_stored(store, features):
    record = store.add(features, 151.5, "1.0.0")
    assert store.get(record.id) == record


def test_unknown_id_is_not_found(store):
    with pytest.raises(PredictionNotFound):
        store.get(12345)


@pytest.mark.parametrize("prediction_id", [0, -1, SQL_INT_MAX + 1, 10**30])
def test_id_outside_the_database_range_is_not_found(store, prediction_id):
    with pytest.raises(PredictionNotFound):
        store.get(prediction_id)


def test_id_of_a_deleted_prediction_is_not_reused(store, features):
    newest = store.add(features, 1.0, "1.0.0")
    store.delete(newest.id)
    assert store.add(features, 2.0, "1.0.0").id > newest.id


def test_page_is_newest_first(store, features):
    ids = [store.add(features, float(n), "1.0.0").id for n in range(3)]
    assert [item.id for item in store.list_page(limit=10, offset=0).items] == ids[::-1]


def test_page_counts_every_stored_prediction(store, features):
    for n in range(3):
        store.add(features, float(n), "1.0.0")
    page = store.list_page(limit=1, offset=0)
    assert (len(page.items), page.total, page.limit, page.offset) == (1, 3, 1, 0)


def test_page_offset_skips_the_newest(store, features):
    oldest = store.add(features, 1.0, "1.0.0")
    store.add(features, 2.0, "1.0.0")
    assert [item.id for item in store.list_page(limit=10, offset=1).items] == [oldest.id]


def test_set_actual_updates_the_record(store, features):
    record = store.add(features, 150.0, "1.0.0")
    assert store.set_actual(record.id, 170.0) == record.model_copy(update={"actual": 170.0})
    assert store.get(record.id).actual == 170.0


def test_set_actual_twice_leaves_the_same_record(store, features):
    record = store.add(features, 150.0, "1.0.0")
    assert store.set_actual(record.id, 170.0) == store.set_actual(record.id, 170.0)


def test_set_actual_on_unknown_id_is_not_found(store):
    with pytest.raises(PredictionNotFound):
        store.set_actual(12345, 170.0)


def test_delete_removes_the_record(store, features):
    record = store.add(features, 150.0, "1.0.0")
    store.delete(record.id)
    with pytest.raises(PredictionNotFound):
        store.get(record.id)


def test_delete_unknown_id_is_not_found(store):
    with pytest.raises(PredictionNotFound):
        store.delete(12345)


def test_performance_without_actuals_is_empty(store, features):
    store.add(features, 150.0, "1.0.0")
    performance = store.performance()
    assert (performance.count, performance.mae, performance.rmse) == (0, None, None)


def test_performance_is_mae_and_rmse_over_records_with_an_actual(store, features):
    first, second, _without_actual = (store.add(features, 100.0, "1.0.0") for _ in range(3))
    store.set_actual(first.id, 103.0)
    store.set_actual(second.id, 96.0)
    performance = store.performance()
    assert performance.count == 2
    assert performance.mae == pytest.approx(3.5)
    assert performance.rmse == pytest.approx(math.sqrt((9 + 16) / 2))


def test_connection_goes_back_to_the_pool_even_after_an_error(engine):
    with pytest.raises(PredictionNotFound), PredictionStore(engine) as store:
        store.get(12345)
    assert engine.pool.checkedout() == 0


def test_opening_an_existing_database_keeps_its_rows(fresh_database_url, features):
    first = open_database(fresh_database_url)
    with PredictionStore(first) as store:
        record = store.add(features, 150.0, "1.0.0")
    first.dispose()
    second = open_database(fresh_database_url)
    with PredictionStore(second) as store:
        assert store.get(record.id) == record
    second.dispose()


def test_unreachable_database_is_store_unavailable():
    with socket.socket() as refusing:  # bound but never listening: connections are refused
        refusing.bind(("127.0.0.1", 0))
        port = refusing.getsockname()[1]
        engine = create_store_engine(f"postgresql://nobody@127.0.0.1:{port}/nothing")
        with pytest.raises(StoreUnavailable), PredictionStore(engine) as store:
            store.get(1)


def test_sqlite_data_folder_is_created_on_first_run(tmp_path):
    path = tmp_path / "data" / "predictions.db"
    migrate(f"sqlite:///{path}")
    assert path.is_file()


def test_sqlite_database_runs_in_wal_mode(tmp_path):
    path = tmp_path / "predictions.db"
    migrate(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_sqlite_writer_waits_for_the_lock_in_python_not_in_sqlite(tmp_path, features):
    """No busy handler (it blocks inside C, where gevent cannot switch): the store's own retry
    waits, with `time.sleep`, until the other writer lets go."""
    path = tmp_path / "predictions.db"
    migrate(f"sqlite:///{path}")
    engine = open_database(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 0
    other_writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other_writer.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, other_writer.commit).start()
    with PredictionStore(engine) as store:
        assert store.add(features, 150.0, "1.0.0").id >= 1
    other_writer.close()
    engine.dispose()


def test_sqlite_writer_gives_up_within_the_deadline(tmp_path, features):
    path = tmp_path / "predictions.db"
    migrate(f"sqlite:///{path}")
    engine = open_database(f"sqlite:///{path}", timeout_seconds=0.5)
    other_writer = sqlite3.connect(path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreUnavailable), PredictionStore(engine) as store:
        store.add(features, 150.0, "1.0.0")
    other_writer.rollback()
    other_writer.close()
    engine.dispose()


@pytest.mark.parametrize(
    "url", ["postgresql://user@db/predictions", "postgres://user@db/predictions"]
)
def test_plain_postgresql_url_means_psycopg_3(url):
    assert database_url(url).drivername == "postgresql+psycopg"


def test_sqlite_url_is_left_alone():
    assert database_url("sqlite:///data/predictions.db").drivername == "sqlite"
