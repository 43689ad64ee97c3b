"""Throwaway databases: a new SQLite file, or a new schema on a PostgreSQL server."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from shared.core.store import create_store_engine, database_url


@contextmanager
def fresh_postgres_schema(server_url: str) -> Iterator[str]:
    """The URL of a new, empty schema on the PostgreSQL server at `server_url`, dropped after."""
    schema = f"test_{uuid.uuid4().hex}"
    admin = create_store_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = database_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
