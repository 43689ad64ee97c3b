"""The predictions store: one table, SQLite by default, PostgreSQL when DATABASE_URL says so.

Written with SQLAlchemy Core, not the ORM. The store moves rows of one table in and out and hands
pydantic models to the services; the ORM's unit of work, identity map and lazy loading would add
state to explain and nothing to use. Core keeps each statement visible, and the same code runs on
both engines.

Two objects, two lifetimes:
- an `Engine` (a pool of connections) per process, made by `open_database` at start-up;
- a `PredictionStore` per request. Each method is one short transaction on a connection borrowed
  from the pool for that transaction only, committed and given back before the method returns.

The schema is Alembic's (`migrations/`): `migrate` brings a database to the newest revision, once,
before a server starts (the launchers' preflight does it); no request touches the schema.

SQLite serves several worker processes: WAL lets readers and a writer work at once, and a write
transaction takes the write lock when it begins, waiting its turn (see `_begin_sqlite_transaction`).

Every call is bounded by the request deadline (REQUEST_TIMEOUT_SECONDS, `timeout_seconds` here):
waiting for a pooled connection, for a lock and for a statement each get half of it, and a write
that could only finish after the whole deadline (a frozen database server, say) is rolled back,
not committed for a client that has given up: the client gets a 503 (`StoreUnavailable`).
"""

import logging
import math
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    DateTime,
    Double,
    Engine,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    TypeDecorator,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from shared.core.errors import PredictionNotFound, StoreUnavailable
from shared.core.schemas import SQL_INT_MAX, Patient, Performance, PredictionPage, PredictionRecord

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 10
"""The request deadline the store is bounded by when none is given (Settings' default)."""

SQLITE_RETRY_PAUSE_SECONDS = (0.001, 0.05)
"""A SQLite writer that finds the write lock taken sleeps this long (doubling from the first to
the second) between tries: in Python, where gevent can run other requests meanwhile."""

SCHEMA_LOCK_ID = 7_303_378
"""Any constant: the PostgreSQL advisory lock that serializes migrations across servers."""


class UTCDateTime(TypeDecorator):
    """A timestamp that goes in and comes out in UTC on both engines.

    SQLite has no time zone type: the value is stored as UTC text and read back marked UTC.
    PostgreSQL's `timestamptz` answers in the session's time zone: converted back to UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

predictions = Table(
    "predictions",
    metadata,
    # BIGINT on PostgreSQL; on SQLite only INTEGER is the rowid, and it is 64-bit anyway.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("features", JSON(), nullable=False),
    Column("prediction", Double(), nullable=False),
    Column("actual", Double(), nullable=True),
    # Without AUTOINCREMENT, SQLite hands the id of a deleted newest row to the next insert, and
    # an old URL would name a new prediction. PostgreSQL's sequences never reuse an id.
    sqlite_autoincrement=True,
)


def database_url(url: str) -> URL:
    """Parse DATABASE_URL. A plain `postgresql://` (or `postgres://`) URL means psycopg 3, the
    driver this project installs; SQLAlchemy alone would look for psycopg2."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_store_engine(url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Engine:
    """The engine for DATABASE_URL, configured for many processes writing at once, every wait
    bounded by half of `timeout_seconds` (the request deadline)."""
    parsed = database_url(url)
    wait = timeout_seconds / 2
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, wait)
    else:
        engine = _postgres_engine(parsed, wait)
    engine.update_execution_options(timeout_seconds=timeout_seconds)  # read by PredictionStore
    return engine


def _postgres_engine(url: URL, wait: float) -> Engine:
    """The server ends a statement, or a wait for a lock, that runs past `wait`; the pool stops
    waiting for a free connection, and libpq for a new one, after about as long."""
    milliseconds = int(wait * 1000)
    limits = f"-c statement_timeout={milliseconds} -c lock_timeout={milliseconds}"
    options = url.query.get("options")  # a URL's own options (a search_path, say) are kept
    return create_engine(
        url,
        # pre_ping: a connection the server dropped (restart, idle timeout) is replaced, not used.
        pool_pre_ping=True,
        pool_timeout=wait,
        connect_args={
            "connect_timeout": max(1, round(wait)),  # whole seconds, in libpq
            "options": f"{options} {limits}" if isinstance(options, str) else limits,
        },
    )


def _sqlite_engine(url: URL, wait: float) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        path = Path(url.database)
        path.parent.mkdir(parents=True, exist_ok=True)  # data/ on first run
        if _unwritable_wal(path):
            url = url.set(database=f"file:{path}?mode=ro&immutable=1", query={"uri": "true"})
    engine = create_engine(
        url,
        pool_timeout=wait,
        connect_args={
            "timeout": wait,  # the busy timeout while a new connection sets itself up
            # A request may open the connection in one thread and close it in another (FastAPI
            # runs a dependency's setup and teardown in worker threads); one request at a time.
            "check_same_thread": False,
        },
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _unwritable_wal(path: Path) -> bool:
    """A database in a folder the service cannot write to (a read-only mount) and without its
    WAL index (`-shm`): SQLite cannot create the index, so it would refuse even reads. Opened
    "immutable", it reads the file as it is; every write answers 503."""
    shm = path.with_name(path.name + "-shm")
    return path.is_file() and not shm.exists() and not os.access(path.parent, os.W_OK)


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    # Python's sqlite3 starts transactions itself, late and only before writes; hand that job to
    # SQLAlchemy (the "begin" event below), as SQLAlchemy's documentation recommends.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL: readers never wait for the writer (the mode is kept in the database file).
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")  # WAL's advised level: a crash loses no commit
    # No busy handler: SQLite's waits for a lock inside C, where neither gevent nor asyncio can
    # run anything else, so one waiting writer froze a whole gevent worker. A writer waits in
    # Python instead (`_begin_sqlite_transaction`).
    cursor.execute("PRAGMA busy_timeout = 0")
    cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    """Start SQLite's transaction. A write takes the one write lock at BEGIN IMMEDIATE (a
    transaction that read first would instead fail with "database is locked" when it tried to
    write after another process had written). While another process holds the lock, it tries
    again after a `time.sleep`, which lets gevent serve other requests (and a thread let others
    run), until half the deadline has passed: then "database is locked" becomes a 503."""
    options = connection.get_execution_options()
    if not options.get("write", False):
        connection.exec_driver_sql("BEGIN")
        return
    give_up = time.monotonic() + options.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS) / 2
    pause, longest_pause = SQLITE_RETRY_PAUSE_SECONDS
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as error:
            busy = getattr(error.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() + pause > give_up:
                raise
        time.sleep(pause)
        pause = min(pause * 2, longest_pause)


MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_TIMEOUT_SECONDS = 240  # each wait gets half: another server's migration, a long ALTER
FIRST_REVISION = "0001"  # the table as `metadata.create_all` made it before there were migrations


def migrate(url: str) -> None:
    """Bring the database's schema to the newest migration (shared/core/migrations/).

    Run once, before the workers start. It holds a lock while it runs (an advisory lock on
    PostgreSQL, SQLite's write lock), so two servers starting at once migrate one after the
    other. A database made before migrations existed is adopted: its table is the first one.
    Not a request: its waits (for the lock, for a statement) get MIGRATION_TIMEOUT_SECONDS."""
    engine = create_store_engine(url, MIGRATION_TIMEOUT_SECONDS)
    try:
        with engine.connect() as connection:
            connection.execution_options(write=True)
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    lock = text("SELECT pg_advisory_xact_lock(:id)")
                    connection.execute(lock, {"id": SCHEMA_LOCK_ID})
                config = Config()
                config.set_main_option("script_location", str(MIGRATIONS))
                config.attributes["connection"] = connection
                tables = inspect(connection).get_table_names()
                if predictions.name in tables and "alembic_version" not in tables:
                    command.stamp(config, FIRST_REVISION)
                command.upgrade(config, "head")
    finally:
        engine.dispose()


def open_database(url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Engine:
    """The process's engine: a pool of connections. Call once per process, at start-up.

    It connects to nothing yet: a database that is down at start-up does not stop the service;
    predictions that need no store keep working, and store calls answer 503 until it is back."""
    return create_store_engine(url, timeout_seconds)


def _record(row: Row) -> PredictionRecord:
    return PredictionRecord.model_validate(row._asdict())


def _found(row: Row | None) -> PredictionRecord:
    if row is None:
        raise PredictionNotFound()
    return _record(row)


def _valid_id(prediction_id: int) -> int:
    """No prediction has an id outside 1..SQL_INT_MAX; asking the database would overflow."""
    if not 1 <= prediction_id <= SQL_INT_MAX:
        raise PredictionNotFound()
    return prediction_id


class PredictionStore:
    """One request's access to the stored predictions: a context manager, or call `close()`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        # Made when the request starts: a write not done by its deadline is not committed.
        timeout = engine.get_execution_options().get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
        self._deadline = time.monotonic() + timeout

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Give the connection back to the pool (a no-op if the request never used one)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[Connection]:
        """One short transaction: committed when the block ends, rolled back if it raises.
        A database that cannot answer becomes `StoreUnavailable` (503), never a 500.

        The connection goes back to the pool as soon as the transaction ends, not when the
        request does: a request that still has to serialise its answer (or wait for a thread,
        FastAPI's case) must not sit on a connection the next request is waiting for."""
        try:
            self._connection = self._engine.connect()
            self._connection.execution_options(write=write)
            with self._connection.begin():
                yield self._connection
                if write and time.monotonic() > self._deadline:
                    logger.warning("a write outlived its request's deadline: rolled back")
                    raise StoreUnavailable()  # its client has given up by now
        except (OperationalError, PoolTimeout) as error:
            logger.warning("prediction store unavailable: %s", error)
            raise StoreUnavailable() from error
        except ProgrammingError as error:  # no table: the database was never migrated
            logger.error("prediction store has no schema (run the migrations): %s", error)
            raise StoreUnavailable() from error
        finally:
            self.close()

    def add(self, features: Patient, prediction: float, model_version: str) -> PredictionRecord:
        """Store a new prediction; the database assigns its id."""
        statement = (
            insert(predictions)
            .values(
                created_at=datetime.now(UTC),
                model_version=model_version,
                features=features.model_dump(),
                prediction=prediction,
            )
            .returning(*predictions.c)
        )
        with self._transaction(write=True) as connection:
            row = connection.execute(statement).one()
        return _record(row)

    def get(self, prediction_id: int) -> PredictionRecord:
        statement = select(predictions).where(predictions.c.id == _valid_id(prediction_id))
        with self._transaction() as connection:
            row = connection.execute(statement).one_or_none()
        return _found(row)

    def list_page(self, limit: int, offset: int) -> PredictionPage:
        """Newest first. Ids grow with every insert, so they order by age without a tie."""
        newest_first = (
            select(predictions).order_by(predictions.c.id.desc()).limit(limit).offset(offset)
        )
        with self._transaction() as connection:
            total = connection.execute(select(func.count()).select_from(predictions)).scalar_one()
            rows = connection.execute(newest_first).all()
        items = [_record(row) for row in rows]
        return PredictionPage(items=items, total=total, limit=limit, offset=offset)

    def set_actual(self, prediction_id: int, value: float) -> PredictionRecord:
        """Record the observed outcome. Setting the same value twice leaves the same record."""
        statement = (
            update(predictions)
            .where(predictions.c.id == _valid_id(prediction_id))
            .values(actual=value)
            .returning(*predictions.c)
        )
        with self._transaction(write=True) as connection:
            row = connection.execute(statement).one_or_none()
        return _found(row)

    def delete(self, prediction_id: int) -> None:
        statement = (
            delete(predictions)
            .where(predictions.c.id == _valid_id(prediction_id))
            .returning(predictions.c.id)
        )
        with self._transaction(write=True) as connection:
            deleted = connection.execute(statement).one_or_none()
        if deleted is None:
            raise PredictionNotFound()

    def performance(self) -> Performance:
        """MAE and RMSE of the stored predictions whose actual outcome is known."""
        error = predictions.c.actual - predictions.c.prediction
        statement = select(func.count(), func.avg(func.abs(error)), func.avg(error * error)).where(
            predictions.c.actual.is_not(None)
        )
        with self._transaction() as connection:
            count, mae, mean_squared_error = connection.execute(statement).one()
        rmse = None if mean_squared_error is None else math.sqrt(mean_squared_error)
        return Performance(count=count, mae=mae, rmse=rmse)
