"""Request bodies take exactly the JSON types they document: nothing is coerced, no target starts overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.api import Api, api_fixture  # noqa: F401 - registers the "api" fixture


def _gov_target(api: Api, aid: str) -> tuple:
    gov = api.get(f"/api/assessments/{aid}", "alice").json()["categories"]["GOV"]
    return gov["target_level"], gov.get("target_date")


@pytest.mark.parametrize("level", [True, "1", 1.5, "L2", None, [2]])
def test_level_must_be_a_json_integer(api: Api, level) -> None:
    aid = api.new_assessment()
    for path, body in ((f"/api/assessments/{aid}/categories/GOV/target", {"level": level}),
                       (f"/api/assessments/{aid}/categories/GOV/confirm", {"level": level, "rationale": "seen"})):
        resp = api.post(path, "alice", json=body)
        assert resp.status_code == 422, (path, level, resp.text)
        assert resp.json()["error"].startswith("body.level:")
    assert _gov_target(api, aid) == (None, None)


@pytest.mark.parametrize("body", [
    {"organization": 42},
    {"organization": ["Acme"]},
    {"organization": "Acme", "deployment_types": "PaaS"},
    {"organization": "Acme", "description": False},
])
def test_strings_and_lists_are_not_coerced(api: Api, body) -> None:
    resp = api.post("/api/assessments", "alice", json=body)
    assert resp.status_code == 422, resp.text
    assert api.store.list_assessments() == []


def test_answers_users_and_questions_are_strict_too(api: Api) -> None:
    iid = api.new_interview(api.new_assessment())["id"]
    assert api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": 12345}).status_code == 422
    assert api.post("/api/users", "root", json={"name": "zed", "role": 1}).status_code == 422
    assert api.post("/api/ask", "dana", json={"question": True}).status_code == 422
    assert api.get(f"/api/interviews/{iid}", "dana").json()["turns"] == []


def test_past_target_dates_are_refused_future_ones_kept(api: Api) -> None:
    aid = api.new_assessment()
    today = datetime.now(UTC).date()
    past = api.post(f"/api/assessments/{aid}/categories/GOV/target", "alice",
                    json={"level": 3, "by_date": str(today - timedelta(days=1))})
    assert past.status_code == 422 and "in the past" in past.json()["error"]
    bad = api.post(f"/api/assessments/{aid}/categories/GOV/target", "alice", json={"level": 3, "by_date": "30/06/2027"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["error"]
    assert _gov_target(api, aid) == (None, None)
    later = str(today + timedelta(days=200))
    ok = api.post(f"/api/assessments/{aid}/categories/GOV/target", "alice", json={"level": 3, "by_date": later})
    assert ok.status_code == 200, ok.text
    assert _gov_target(api, aid) == (3, later)


def test_evidence_request_due_dates_and_empty_bodies(api: Api) -> None:
    aid = api.new_assessment()
    past = api.post("/api/evidence-requests", "alice", json={"assessment_id": aid, "due": "2020-01-01"})
    assert past.status_code == 422 and "in the past" in past.json()["error"]
    empty = api.post("/api/evidence-requests", "alice", json={})
    assert empty.status_code == 422
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]["EvidenceRequestIn"]
    assert ["assessment_id"] in [branch["required"] for branch in schema["anyOf"]]  # the document says {} is not enough
