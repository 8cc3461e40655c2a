"""The tables are defined once (storage/db.py); the Alembic revisions must build exactly them."""

from __future__ import annotations

import sqlalchemy as sa

from aismm_assistant.storage import Store
from aismm_assistant.storage.db import head_revision, metadata, schema_drift


def test_migrated_database_matches_the_table_definitions(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        assert schema_drift(store.engine) == []
        inspector = sa.inspect(store.engine)
        assert {ix["name"] for ix in inspector.get_indexes("interviews")} == {"ix_interviews_assessment_id",
                                                                               "ix_interviews_respondent_id"}
        assert set(inspector.get_table_names()) >= {"assessments", "interviews", "turns", "users"}
    finally:
        store.close()


def test_a_table_change_without_a_migration_is_reported(tmp_path):
    """The drift check can fail: a column or index only in the metadata shows up as a difference."""
    store = Store(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        changed = sa.MetaData()
        for table in metadata.tables.values():
            table.to_metadata(changed)
        changed.tables["interviews"].indexes.clear()
        changed.tables["users"].append_column(sa.Column("email", sa.String(200)))
        diff = [d[0] if isinstance(d, tuple) else d[0][0] for d in schema_drift(store.engine, changed)]
        assert "add_column" in diff and "remove_index" in diff
    finally:
        store.close()


def test_the_revisions_form_one_line():
    """Two heads would mean two engineers added a revision on the same parent: merge them first."""
    from alembic.script import ScriptDirectory

    from aismm_assistant.storage.db import alembic_config

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1 and heads[0] == head_revision()
