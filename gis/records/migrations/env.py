"""Alembic environment: migrate the connection the store hands over."""

from __future__ import annotations

from alembic import context

from gis.records._models import Base

VERSION_TABLE = "vp_schema_version"

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
