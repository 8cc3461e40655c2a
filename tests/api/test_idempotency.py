"""`Idempotency-Key`: a client that retries after a connection error stores its answer once.

In-process for the rules (replay, different body, scope per user and path, failures not kept);
a real server for "honoured across restarts".
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.api import GOV_ANSWER, Api, Server, api_fixture, server_env  # noqa: F401


def _turns(api: Api, iid: str) -> list[str]:
    return [t["answer"] for t in api.get(f"/api/interviews/{iid}", "dana").json()["turns"]]


def test_a_retried_answer_is_stored_once_and_gets_the_same_reply(api: Api) -> None:
    iid = api.new_interview(api.new_assessment())["id"]
    key = {"Idempotency-Key": "answer-7f3a"}
    first = api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER}, headers=key)
    again = api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER}, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert again.headers["content-type"] == first.headers["content-type"]
    assert _turns(api, iid) == [GOV_ANSWER]
    # without a key (or with a new one) a second identical answer is a second answer
    assert api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER},
                    headers={"Idempotency-Key": "answer-8"}).status_code == 200
    assert _turns(api, iid) == [GOV_ANSWER, GOV_ANSWER]


def test_creating_an_assessment_twice_with_one_key_creates_one(api: Api) -> None:
    key = {"Idempotency-Key": "3f1c2b9e-create"}
    body = {"organization": "Acme Retry"}
    ids = {api.post("/api/assessments", "alice", json=body, headers=key).json()["id"] for _ in range(3)}
    assert len(ids) == 1
    assert [a.organization for a in api.store.list_assessments()] == ["Acme Retry"]


def test_every_create_post_honours_the_key(api: Api) -> None:
    aid = api.new_assessment()
    key = {"Idempotency-Key": "start-1"}
    body = {"category": "GOV", "respondent": "dana"}
    a = api.post(f"/api/assessments/{aid}/interviews", "alice", json=body, headers=key)
    b = api.post(f"/api/assessments/{aid}/interviews", "alice", json=body, headers=key)
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]
    assert len(api.store.list_interviews(aid)) == 1
    u1 = api.post("/api/users", "root", json={"name": "frank", "role": "respondent"}, headers={"Idempotency-Key": "u1"})
    u2 = api.post("/api/users", "root", json={"name": "frank", "role": "respondent"}, headers={"Idempotency-Key": "u1"})
    assert u1.status_code == u2.status_code == 201 and u1.json()["token"] == u2.json()["token"]


def test_reusing_a_key_for_a_different_body_is_refused_and_changes_nothing(api: Api) -> None:
    iid = api.new_interview(api.new_assessment())["id"]
    key = {"Idempotency-Key": "k-1"}
    assert api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER}, headers=key).status_code == 200
    other = api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": "Something else."}, headers=key)
    assert other.status_code == 422
    assert "different request" in other.json()["error"]
    assert _turns(api, iid) == [GOV_ANSWER]


def test_keys_belong_to_one_user_and_one_path(api: Api) -> None:
    key = {"Idempotency-Key": "shared"}
    mine = api.post("/api/assessments", "alice", json={"organization": "Alice Org"}, headers=key)
    api.add_user("bob", "assessor")
    theirs = api.post("/api/assessments", "bob", json={"organization": "Alice Org"}, headers=key)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]  # bob never sees alice's answer


def test_refusals_that_may_change_are_not_kept(api: Api) -> None:
    """A 403 (wrong role) is not stored: the same key works once the request is allowed."""
    key = {"Idempotency-Key": "late-role"}
    body = {"organization": "Later Org"}
    assert api.post("/api/assessments", "dana", json=body, headers=key).status_code == 403
    api.store.remove_user("dana")
    api.add_user("dana", "assessor")
    assert api.post("/api/assessments", "dana", json=body, headers=key).status_code == 201


def test_bad_keys_get_a_clear_400(api: Api) -> None:
    for bad in ("", "x" * 201, "has space", "tab\tkey"):
        resp = api.post("/api/assessments", "alice", json={"organization": "X"}, headers={"Idempotency-Key": bad})
        assert resp.status_code == 400, bad
        assert "Idempotency-Key" in resp.json()["error"]
    assert api.store.list_assessments() == []


def test_the_header_is_documented_on_every_post(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    for path, ops in doc["paths"].items():
        if "post" in ops:
            names = [p["name"] for p in ops["post"].get("parameters", []) if p["in"] == "header"]
            assert "Idempotency-Key" in names, path
            assert "409" in ops["post"]["responses"], path


@pytest.fixture
def env(tmp_path: Path) -> dict:
    env = server_env(tmp_path / "home")
    Path(env["AISMM_HOME"]).mkdir(parents=True)
    return env


def test_keys_are_honoured_across_a_restart(env: dict) -> None:
    from aismm_assistant.assessment.storage import Store

    store = Store(f"sqlite:///{Path(env['AISMM_HOME']) / 'aismm.db'}")
    alice = {"Authorization": "Bearer " + store.add_user("alice", "assessor")[1]}
    dana = {"Authorization": "Bearer " + store.add_user("dana", "respondent")[1]}
    store.close()
    server = Server(env)
    try:
        aid = httpx.post(server.base + "/api/assessments", json={"organization": "Restart Ltd"}, headers=alice).json()["id"]
        iid = httpx.post(f"{server.base}/api/assessments/{aid}/interviews", json={"category": "GOV", "respondent": "dana"},
                         headers=alice).json()["id"]
        first = httpx.post(f"{server.base}/api/interviews/{iid}/answers", json={"answer": GOV_ANSWER},
                           headers={**dana, "Idempotency-Key": "before-restart"}, timeout=30)
        assert first.status_code == 200
    finally:
        server.kill9()
    server = Server(env)
    try:
        again = httpx.post(f"{server.base}/api/interviews/{iid}/answers", json={"answer": GOV_ANSWER},
                           headers={**dana, "Idempotency-Key": "before-restart"}, timeout=30)
        assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        turns = httpx.get(f"{server.base}/api/interviews/{iid}", headers=dana, timeout=30).json()["turns"]
        assert [t["answer"] for t in turns] == [GOV_ANSWER]
    finally:
        server.stop()
