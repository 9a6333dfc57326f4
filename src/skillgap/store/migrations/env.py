"""Alembic environment: runs on the connection skillgap passes in (never reads alembic.ini URLs)."""

from __future__ import annotations

from alembic import context

from skillgap.store.sql import VERSION_TABLE
from skillgap.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "skillgap migrations run through skillgap (skillgap init, or opening a workspace), "
        "not through the alembic command"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
