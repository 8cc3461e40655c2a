"""A user is a stable id: names are unique ignoring case, and a removed user's namesake inherits nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aismm_assistant.assessment.record import AssessmentCreate, Scope
from aismm_assistant.errors import NotFoundError, ValidationError
from aismm_assistant.storage import Store
from aismm_assistant.storage.db import create_engine, head_revision


def _store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'ids.db'}")


def test_names_are_unique_ignoring_case_and_ids_are_stable(tmp_path):
    store = _store(tmp_path)
    try:
        dana, _ = store.add_user("Dana", "respondent")
        with pytest.raises(ValidationError, match="already exists"):
            store.add_user("dana", "assessor")
        with pytest.raises(ValidationError, match="already exists"):
            store.add_user("DANA", "respondent")
        assert [u.name for u in store.list_users()] == ["Dana"]
        assert store.get_user("dANA").id == store.get_user(dana.id).id == dana.id
        assert dana.id.startswith("u-")
        store.rotate_token("dana")
        assert store.get_user("Dana").id == dana.id  # a rotation keeps the identity
    finally:
        store.close()


def test_a_name_that_looks_like_an_id_is_refused(tmp_path):
    store = _store(tmp_path)
    try:
        with pytest.raises(ValidationError, match="looks like a user id"):
            store.add_user("u-0123456789abcdef", "respondent")
    finally:
        store.close()


def test_a_new_user_with_a_removed_users_name_starts_with_nothing(tmp_path):
    store = _store(tmp_path)
    try:
        old, old_token = store.add_user("erin", "respondent")
        aid = store.create_assessment(AssessmentCreate(organization="Acme", scope=Scope())).id
        iv = store.create_interview(aid, "GOV", old.name, old.id)
        assert store.remove_user("ERIN").id == old.id
        assert store.user_by_token(old_token) is None
        with pytest.raises(NotFoundError):
            store.get_user(old.id)

        new, new_token = store.add_user("erin", "respondent")
        assert new.id != old.id and new_token != old_token
        assert store.get_interview(iv.id).respondent_id == old.id  # still the old erin's, not the new one's
        assert [i.id for i in store.list_interviews() if i.respondent_id == new.id] == []
    finally:
        store.close()


def _revision_0001_with_data(url: str) -> None:
    """A database as the previous release left it: users keyed by name, interviews assigned by name."""
    from alembic import command

    from aismm_assistant.storage.db import alembic_config

    engine = create_engine(url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(sa.text("insert into users (name, role, token_hash, created_at) values "
                             "('Dana', 'respondent', 'h1', '2025-01-01 00:00:00'),"
                             "('dana', 'respondent', 'h2', '2025-02-01 00:00:00'),"
                             "('root', 'admin', 'h3', '2025-01-01 00:00:00')"))
        conn.execute(sa.text("insert into assessments (id, organization, status, created_at, updated_at, version, doc)"
                             " values ('asm-1', 'Acme', 'draft', '2025-01-01', '2025-01-01', 1, '{}')"))
        conn.execute(sa.text("insert into interviews (id, assessment_id, category, respondent, status, state, "
                             "created_at, updated_at) values "
                             "('int-a', 'asm-1', 'GOV', 'Dana', 'active', '{}', '2025-01-01', '2025-01-01'),"
                             "('int-b', 'asm-1', 'GOV', 'dana', 'active', '{}', '2025-01-01', '2025-01-01'),"
                             "('int-c', 'asm-1', 'GOV', 'Head of GRC', 'active', '{}', '2025-01-01', '2025-01-01')"))
    engine.dispose()


def test_the_upgrade_gives_existing_users_ids_and_links_their_interviews(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _revision_0001_with_data(url)
    store = Store(url)  # migrates to the head
    try:
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("select version_num from alembic_version")).scalar_one() == head_revision()
        users = {u.token_hash: u for u in store.list_users()}
        assert users["h1"].name == "Dana" and users["h2"].name == "dana-2"  # the older keeps the name
        assert len({u.id for u in users.values()}) == 3
        assert all(u.expires_at is not None and not u.expired() for u in users.values())
        by_id = {i.id: i.respondent_id for i in store.list_interviews()}
        assert by_id == {"int-a": users["h1"].id, "int-b": users["h2"].id, "int-c": None}
    finally:
        store.close()
