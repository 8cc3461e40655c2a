"""Alembic environment: the store passes its own connection in ``config.attributes['connection']``.

``target_metadata`` is the one table definition (storage/db.py), so `alembic revision
--autogenerate` writes the difference between the newest revision and the metadata.
"""

from __future__ import annotations

from alembic import context

from aismm_assistant.storage.db import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - `alembic` CLI use: build an engine from the ini URL
    from sqlalchemy import create_engine

    connection = create_engine(context.config.get_main_option("sqlalchemy.url")).connect()

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
