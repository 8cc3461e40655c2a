"""The store: migrations, transactional writes, concurrency across processes, users, provenance rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from aismm_assistant.assessment.record import AssessmentCreate, Citation, LevelProposal, Proposal, Scope
from aismm_assistant.errors import NotFoundError, ValidationError
from aismm_assistant.storage import Store, get_store
from aismm_assistant.storage.db import head_revision
from tests.support import PROJECT
from tests.support import assessment as support

corpus_dir = support.corpus_dir  # the shared fixture



def new(store: Store, **scope) -> str:
    return store.create_assessment(AssessmentCreate(organization="Acme", scope=Scope(**scope))).id


def test_migration_creates_the_four_tables_at_the_head_revision(corpus_dir, aismm_home):
    store = get_store()
    insp = sa.inspect(store.engine)
    assert {"assessments", "interviews", "turns", "users"} <= set(insp.get_table_names())
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select version_num from alembic_version")).scalar_one() == head_revision()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    assert (aismm_home / "aismm.db").exists()
    Store(store.url)  # a second process-level open finds the schema current and changes nothing
    uniques = insp.get_unique_constraints("turns")
    assert any(set(u["column_names"]) == {"interview_id", "seq"} for u in uniques)


def test_a_failing_change_leaves_the_previous_state(corpus_dir):
    store = get_store()
    aid = new(store)
    store.set_result(aid, "GOV-02.1", "met", actor="alice")
    before = store.get_assessment(aid)

    def broken(rec):
        rec.results["GOV-02.1"].provenance.manual = "not_met"
        rec.organization = "Changed"
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        store.update_assessment(aid, broken)
    after = store.get_assessment(aid)
    assert after.model_dump() == before.model_dump()
    assert after.results["GOV-02.1"].status == "met"


def test_history_is_append_only(corpus_dir):
    store = get_store()
    aid = new(store)
    store.set_result(aid, "GOV-02.1", "met", actor="alice")
    version = store.get_assessment(aid).version

    def rewrite(rec):
        rec.results["GOV-02.1"].provenance.history.clear()

    with pytest.raises(ValidationError, match="append-only"):
        store.update_assessment(aid, rewrite)
    assert store.get_assessment(aid).version == version


def test_proposals_show_but_only_confirmed_or_manual_statuses_count(corpus_dir):
    store = get_store()
    aid = new(store, categories=["GOV"])
    store.set_result(aid, "GOV-02.1", "met", actor="alice")
    rec = store.propose_results(
        aid,
        [Proposal(control_id="gov-3.1", status="met", confidence=0.9, engine="offline",
                  prompts={"analysis.md": "ab" * 32}, citations=[Citation(turn=2, quote="we run a council")],
                  interview_id="int-1")],
        level_proposal=LevelProposal(category="GOV", level=3, engine="offline"),
    )
    assert rec.categories["GOV"].level == 2
    res = rec.results["GOV-03.1"]
    assert (res.status, res.pending, res.provenance.source) == ("unknown", True, "assisted")
    from aismm_assistant.assessment.summary import to_public
    from aismm_assistant.corpus import load_corpus

    pub = to_public(rec, load_corpus())
    # issue 14: in progress, so no level stands yet; the rule's level is computed_level
    assert (pub.categories["GOV"].level, pub.categories["GOV"].computed_level) == (None, 2)
    assert (pub.categories["GOV"].state, pub.categories["GOV"].proposed_level) == ("in_progress", 3)
    with pytest.raises(ValidationError, match="give L2, not L3"):
        store.confirm_level(aid, "GOV", level=3, actor="bob", rationale="looks right")
    rec = store.confirm_result(aid, "GOV-03.1", actor="bob", rationale="heard it in turn 2")
    res = rec.results["GOV-03.1"]
    assert (res.status, res.pending, res.provenance.confirmed_by) == ("met", False, "bob")
    assert [e.text for e in res.evidence] == ["we run a council"]  # the accepted quote becomes evidence
    assert res.evidence[0].source == "interview int-1 turn 2"
    assert rec.categories["GOV"].level == 3
    rec = store.confirm_level(aid, "GOV", level=3, actor="bob", rationale="matches")
    assert rec.categories["GOV"].provenance.confirmed == 3
    rec = store.confirm_result(aid, "GOV-03.1", status="partial", actor="carol", rationale="only one unit")
    assert rec.results["GOV-03.1"].status == "partial" and rec.categories["GOV"].level == 2
    assert [h.action for h in rec.results["GOV-03.1"].provenance.history] == ["propose", "confirm", "override"]
    assert not to_public(rec, load_corpus()).categories["GOV"].level_confirmed  # stale sign-off shows


def test_status_flow_and_final_is_frozen(corpus_dir):
    store = get_store()
    aid = new(store, categories=["GOV"])
    store.propose_results(aid, [Proposal(control_id="GOV-02.1", status="met")])
    with pytest.raises(ValidationError, match="can move to in_review"):
        store.set_status(aid, "final", actor="bob")
    store.set_status(aid, "in_review", actor="bob")
    with pytest.raises(ValidationError, match="await review"):
        store.set_status(aid, "final", actor="bob")
    store.confirm_result(aid, "GOV-02.1", actor="bob", rationale="ok")
    with pytest.raises(ValidationError, match="neither assessed nor excluded"):  # issue 14
        store.set_status(aid, "final", actor="bob")
    store.confirm_level(aid, "GOV", level=2, actor="bob", rationale="L2 policy seen")
    assert store.set_status(aid, "final", actor="bob").status == "final"
    with pytest.raises(ValidationError, match="is final"):
        store.set_result(aid, "GOV-02.1", "not_met", actor="x")


def test_scope_and_ids_are_checked(corpus_dir):
    store = get_store()
    aid = new(store, categories=["GOV"])
    with pytest.raises(ValidationError, match="outside the scope"):
        store.set_result(aid, "MOD-02.1", "met", actor="a")
    with pytest.raises(NotFoundError, match="nearest"):
        store.set_result(aid, "GOV-07.1", "met", actor="a")
    with pytest.raises(NotFoundError):
        store.get_assessment("asm-missing")
    with pytest.raises(ValidationError, match="who made"):
        store.set_result(aid, "GOV-02.1", "met", actor=" ")


def test_users_store_only_a_token_hash(corpus_dir):
    store = get_store()
    row, token = store.add_user("ann", "admin")
    assert token not in json.dumps([u.model_dump(mode="json") for u in store.list_users()])
    assert store.user_by_token(token).name == "ann"
    assert store.user_by_token("wrong") is None
    with pytest.raises(ValidationError, match="already exists"):
        store.add_user("ann", "assessor")
    with pytest.raises(ValidationError, match="invalid role"):
        store.add_user("bob", "superuser")
    store.remove_user("ann")
    assert store.user_by_token(token) is None
    with pytest.raises(NotFoundError):
        store.remove_user("ann")


def test_interviews_and_turns(corpus_dir):
    store = get_store()
    aid = new(store)
    iv = store.create_interview(aid, "gov", "Head of GRC")
    assert iv.category == "GOV" and iv.status == "active"
    t0 = store.append_turn(iv.id, respondent="dana", question="Policy?", question_controls=["GOV-02.1"], answer="Yes.")
    t1 = store.append_turn(iv.id, respondent="dana", question=None, question_controls=None, answer="Also this.")
    assert (t0.seq, t1.seq) == (0, 1)
    assert [t.answer for t in store.list_turns(iv.id)] == ["Yes.", "Also this."]
    store.save_interview_state(iv.id, {"asked": ["GOV-02.1"]}, status="done")
    got = store.get_interview(iv.id)
    assert (got.state, got.status) == ({"asked": ["GOV-02.1"]}, "done")
    assert [i.id for i in store.list_interviews(aid)] == [iv.id]
    with pytest.raises(NotFoundError):
        store.append_turn("int-nope", respondent=None, question=None, question_controls=None, answer="x")
    with pytest.raises(ValidationError):
        store.append_turn(iv.id, respondent=None, question=None, question_controls=None, answer="  ")
    with pytest.raises(NotFoundError):
        store.create_interview("asm-nope", "GOV")


WORKER = r"""
import sys
from aismm_assistant.storage import get_store
kind, target, worker, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = get_store()
for i in range(n):
    if kind == "turn":
        store.append_turn(target, respondent=f"w{worker}", question=None, question_controls=[], answer=f"w{worker}-{i}")
    else:
        store.update_assessment(target, lambda rec, i=i: setattr(rec, "description", rec.description + f"w{worker}-{i};"))
"""


def _run_workers(kind: str, target: str, workers: int, n: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, kind, target, str(w), str(n)], env=env,
                              stderr=subprocess.PIPE, text=True) for w in range(workers)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err


def test_concurrent_processes_lose_no_update(corpus_dir):
    store = get_store()
    aid = new(store)
    start = store.get_assessment(aid).version
    _run_workers("update", aid, workers=4, n=8)
    rec = store.get_assessment(aid)
    parts = [p for p in rec.description.split(";") if p]
    assert sorted(parts) == sorted(f"w{w}-{i}" for w in range(4) for i in range(8))
    assert rec.version == start + 32
    for w in range(4):  # each writer's updates landed in its own order
        mine = [p for p in parts if p.startswith(f"w{w}-")]
        assert mine == [f"w{w}-{i}" for i in range(8)]


def test_concurrent_answers_are_all_stored_once_in_order(corpus_dir):
    store = get_store()
    iv = store.create_interview(new(store), "GOV")
    _run_workers("turn", iv.id, workers=4, n=10)
    turns = store.list_turns(iv.id)
    assert [t.seq for t in turns] == list(range(40))
    answers = [t.answer for t in turns]
    assert sorted(answers) == sorted(f"w{w}-{i}" for w in range(4) for i in range(10))
    for w in range(4):
        assert [a for a in answers if a.startswith(f"w{w}-")] == [f"w{w}-{i}" for i in range(10)]


def test_concurrent_threads_in_one_process(corpus_dir):
    from concurrent.futures import ThreadPoolExecutor

    store = get_store()
    aid = new(store)
    ids = [f"{p}-0{lv}.1" for p in ("GOV", "ORG", "IAM", "MON") for lv in (2, 3, 4)]
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda cid: store.set_result(aid, cid, "met", actor="t"), ids))
    rec = store.get_assessment(aid)
    assert sorted(rec.results) == sorted(ids)
    assert {c: rec.categories[c].level for c in ("GOV", "ORG", "IAM", "MON")} == dict.fromkeys(
        ("GOV", "ORG", "IAM", "MON"), 4)


def test_database_url_setting_is_used(corpus_dir, tmp_path, monkeypatch):
    from aismm_assistant.settings import reset_settings

    url = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("AISMM_DATABASE_URL", url)
    reset_settings()
    store = get_store()
    assert store.url == url
    new(store)
    assert (tmp_path / "other.db").exists()


def test_the_old_import_path_still_gives_the_same_store():
    """aismm_assistant.assessment.storage is a re-export for one release (docs/architecture.md)."""
    from aismm_assistant import storage
    from aismm_assistant.assessment import storage as old

    assert old.Store is storage.Store and old.get_store is storage.get_store and old.ROLES == ("admin", "assessor", "respondent")
