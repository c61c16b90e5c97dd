"""Alembic environment: runs on the connection the store hands over (never a URL from a file)."""

from __future__ import annotations

from alembic import context

from parks.inventory.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    msg = "run migrations through parks.inventory.store.upgrade_schema(engine)"
    raise RuntimeError(msg)

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
