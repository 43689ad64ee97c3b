"""Alembic's environment: run the migrations on the connection `shared.core.store.migrate` hands
over (in `config.attributes`), inside the transaction it holds, with its lock taken."""

from alembic import context

from shared.core.store import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
