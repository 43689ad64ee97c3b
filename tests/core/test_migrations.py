"""The store's schema comes from its migrations, run once before a server starts."""

import sqlite3

import pytest
from sqlalchemy import inspect

from shared.core.errors import StoreUnavailable
from shared.core.schemas import Patient
from shared.core.store import PredictionStore, create_store_engine, metadata, migrate, predictions


def columns(url: str) -> dict[str, str]:
    engine = create_store_engine(url)
    with engine.connect() as connection:
        found = {c["name"]: str(c["type"]) for c in inspect(connection).get_columns("predictions")}
    engine.dispose()
    return found


def test_a_new_database_gets_the_table_the_store_declares(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    migrate(url)
    assert set(columns(url)) == {column.name for column in predictions.columns}


def test_migrating_twice_changes_nothing(tmp_path, patient):
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    migrate(url)
    engine = create_store_engine(url)
    with PredictionStore(engine) as store:
        record = store.add(Patient(**patient), 150.0, "1.0.0")
    migrate(url)
    with PredictionStore(engine) as store:
        assert store.get(record.id) == record
    engine.dispose()


def test_a_database_made_before_migrations_is_adopted_with_its_rows(tmp_path, patient):
    """The table `metadata.create_all` made before migrations existed is the first revision."""
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    engine = create_store_engine(url)
    metadata.create_all(engine)
    with PredictionStore(engine) as store:
        record = store.add(Patient(**patient), 150.0, "1.0.0")
    migrate(url)
    with PredictionStore(engine) as store:
        assert store.get(record.id) == record
    engine.dispose()
    with sqlite3.connect(path) as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == "0001"


def test_an_unmigrated_database_is_unavailable_not_an_error(tmp_path):
    """No request creates the schema; a store without one answers the contract's 503."""
    engine = create_store_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(StoreUnavailable), PredictionStore(engine) as store:
        store.list_page(limit=5, offset=0)
    engine.dispose()
