"""`python -m aismm_assistant.storage.migrations "what changed"`: write the next revision.

Alembic autogenerate compares a database migrated to the newest revision with the tables in
storage/db.py and writes the difference to versions/; read it, then commit it with the table change.
"""

from __future__ import annotations

import sys
import tempfile


def write_revision(message: str) -> None:
    from alembic import command

    from aismm_assistant.storage.db import alembic_config, create_engine, migrate

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/schema.db")
        migrate(engine)
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].strip():
        sys.exit('usage: python -m aismm_assistant.storage.migrations "what changed"')
    write_revision(sys.argv[1])
