"""The store on PostgreSQL (AISMM_DATABASE_URL): migrations, transactions and concurrent writers.

Starts a throwaway cluster on loopback with the machine's PostgreSQL binaries; skipped where none exist,
except in CI (CI=true), where a missing PostgreSQL fails (tests/support/ci.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from tests.support.ci import need

pytestmark = pytest.mark.slow


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / name).exists():
            return str(root / name)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url():
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    need(initdb and pg_ctl, "PostgreSQL binaries (initdb, pg_ctl) not installed")
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        need(shutil.which("runuser"), "running as root without runuser")
        as_user = ["runuser", "-u", "postgres", "--"]
    # pytest's temp folders are private to root; the server user needs its own folder
    base = Path(tempfile.mkdtemp(prefix="aismm-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if as_user:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    subprocess.run([*as_user, initdb, "-D", str(data), "-U", "aismm", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -h 127.0.0.1 -k {sock}", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://aismm@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_store_round_trip_and_concurrent_writers_on_postgres(pg_url):
    from aismm_assistant.assessment.record import AssessmentCreate, Scope
    from aismm_assistant.errors import ValidationError
    from aismm_assistant.storage import Store

    store = Store(pg_url)
    a = store.create_assessment(AssessmentCreate(organization="Acme", scope=Scope(deployment_types=["PaaS"])))
    store.set_result(a.id, "GOV-02.1", "met", evidence=["policy v3, 94% attested"], actor="priya")
    with pytest.raises(ValidationError):
        store.set_result(a.id, "GOV-02.1", "maybe", actor="priya")
    assert store.get_assessment(a.id).results["GOV-02.1"].status == "met"

    # concurrent read-modify-write on one record loses no update
    controls = ["GOV-02.2", "GOV-02.3", "GOV-03.1", "GOV-03.2", "GOV-03.3", "GOV-04.1"]
    errors: list[Exception] = []

    def write(cid: str) -> None:
        try:
            Store(pg_url).set_result(a.id, cid, "partial", actor="t")
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in controls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    results = store.get_assessment(a.id).results
    assert all(results[c].status == "partial" for c in controls)

    # concurrent answers to one interview are each stored once, numbered without gaps
    interview = store.create_interview(a.id, "GOV", "dana")

    def answer(i: int) -> None:
        Store(pg_url).append_turn(interview.id, respondent="dana", question="q", question_controls=[],
                                  answer=f"answer {i}")

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    turns = store.list_turns(interview.id)
    assert sorted(t.answer for t in turns) == sorted(f"answer {i}" for i in range(10))
    assert [t.seq for t in turns] == list(range(10))


def test_migrated_postgres_matches_the_table_definitions(pg_url):
    """The same drift check as on SQLite (tests/test_storage_schema.py), on the other backend."""
    from aismm_assistant.storage import Store, schema_drift

    store = Store(pg_url)
    try:
        assert schema_drift(store.engine) == []
    finally:
        store.close()


def test_simultaneous_answers_on_postgres_each_get_the_question_pending_at_their_turn(pg_url):
    """``SELECT ... FOR UPDATE`` on the interview row: one engine per thread, like separate workers."""
    import time

    from aismm_assistant.assessment.record import AssessmentCreate, Scope
    from aismm_assistant.storage import Store

    store = Store(pg_url)
    a = store.create_assessment(AssessmentCreate(organization="Acme", scope=Scope(deployment_types=["PaaS"])))
    interview = store.create_interview(a.id, "GOV", "dana")

    decided: list[int] = []

    def numbered(_row, turns):  # slow enough that unlocked callers would read the same turns
        decided.append(len(turns))
        time.sleep(0.02)
        return f"question {len(turns) + 1}", []

    def answer(i: int) -> None:
        Store(pg_url).append_turn(interview.id, respondent="dana", answer=f"answer {i}", question_for=numbered)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    turns = store.list_turns(interview.id)
    assert [(t.seq, t.question) for t in turns] == [(k, f"question {k + 1}") for k in range(8)]
    assert sorted(decided) == list(range(8))  # serialised by the lock: no answer had to be decided twice


def test_user_identity_on_postgres(pg_url):
    """Names unique ignoring case, and the upgrade from revision 0001 backfills ids (tests/storage/test_user_identity.py)."""
    import sqlalchemy as sa

    from aismm_assistant.errors import ValidationError
    from aismm_assistant.storage import Store
    from tests.storage.test_user_identity import _revision_0001_with_data

    store = Store(pg_url)
    dana, _ = store.add_user("Dana-pg", "respondent")
    with pytest.raises(ValidationError, match="already exists"):
        store.add_user("dana-PG", "respondent")
    store.remove_user("dana-pg")
    assert store.add_user("dana-pg", "respondent")[0].id != dana.id

    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE DATABASE upgrade_0001")
    admin.dispose()
    url = pg_url.rsplit("/", 1)[0] + "/upgrade_0001"
    _revision_0001_with_data(url)
    old = Store(url)
    try:
        users = {u.token_hash: u for u in old.list_users()}
        assert users["h1"].name == "Dana" and users["h2"].name == "dana-2"
        assert {i.id: i.respondent_id for i in old.list_interviews()}["int-b"] == users["h2"].id
    finally:
        old.close()
