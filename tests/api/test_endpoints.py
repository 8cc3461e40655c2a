"""The HTTP API in-process: every role rule, every kind of bad request, and the assessor workflow."""

from __future__ import annotations

import json

import pytest

from tests.support.api import GOV_ANSWER, Api, api_fixture  # noqa: F401 - registers the "api" fixture


def test_health_needs_no_token_and_everything_else_does(api: Api) -> None:
    assert api.get("/api/health").json()["status"] == "ok"
    resp = api.get("/api/me")
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == "Bearer"
    assert "missing bearer token" in resp.json()["error"]
    bad = api.client.get("/api/controls/GOV-02.1", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.json() == {"error": "unknown or revoked token"}
    basic = api.client.get("/api/me", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401 and "malformed" in basic.json()["error"]


def test_me_reports_role_and_only_own_interviews(api: Api) -> None:
    aid = api.new_assessment()
    mine = api.new_interview(aid, "GOV", "dana")["id"]
    api.new_interview(aid, "IAM", "eve")
    dana = api.get("/api/me", "dana").json()
    assert dana["role"] == "respondent"
    assert [i["id"] for i in dana["interviews"]] == [mine]
    assert len(api.get("/api/me", "alice").json()["interviews"]) == 2


def test_control_lookup_is_tolerant_and_unknown_ids_name_neighbours(api: Api) -> None:
    for loose in ("mod-03.1", "MOD-3.1", "MOD 03.1"):
        resp = api.get(f"/api/controls/{loose}", "dana")
        assert resp.status_code == 200
        control = resp.json()["control"]
        assert control["id"] == "MOD-03.1"
        assert control["objective"] and control["evidence"]
    missing = api.get("/api/controls/MOD-09.1", "dana")
    assert missing.status_code == 404
    assert missing.json()["error"].startswith("no control MOD-09.1; nearest: MOD-")


def test_controls_list_matches_corpus_list_contract(api: Api) -> None:
    data = api.get("/api/controls", "eve").json()
    assert [c["id"] for c in data["categories"]][:4] == ["GOV", "ORG", "IAM", "MON"]
    assert {"id", "category", "level", "name"} <= set(data["controls"][0])


def test_admin_manages_users_and_removed_tokens_stop_working(api: Api) -> None:
    created = api.post("/api/users", "root", json={"name": "frank", "role": "respondent"})
    assert created.status_code == 201
    token = created.json()["token"]
    assert created.json()["role"] == "respondent" and len(token) > 20
    assert "frank" in [u["name"] for u in api.get("/api/users", "root").json()["users"]]
    assert all("token" not in u for u in api.get("/api/users", "root").json()["users"])
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/me", headers=headers).json()["name"] == "frank"
    assert api.client.delete("/api/users/frank", headers=api.auth("root")).json()["removed"] == "frank"
    assert api.client.get("/api/me", headers=headers).status_code == 401
    assert api.client.delete("/api/users/frank", headers=api.auth("root")).status_code == 404


@pytest.mark.parametrize("who", ["alice", "dana"])
def test_only_admin_manages_users(api: Api, who: str) -> None:
    assert api.get("/api/users", who).status_code == (200 if who == "alice" else 403)  # staff pick respondents
    resp = api.post("/api/users", who, json={"name": "mallory", "role": "admin"})
    assert resp.status_code == 403 and "admin" in resp.json()["error"]
    assert "mallory" not in [u.name for u in api.store.list_users()]


def test_duplicate_or_bad_users_are_refused(api: Api) -> None:
    assert api.post("/api/users", "root", json={"name": "alice", "role": "assessor"}).status_code == 409  # name taken: a conflict, not a bad body
    assert api.post("/api/users", "root", json={"name": "x y", "role": "assessor"}).status_code == 422
    assert api.post("/api/users", "root", json={"name": "zed", "role": "owner"}).status_code == 422


def test_respondent_cannot_touch_assessments(api: Api) -> None:
    aid = api.new_assessment()
    before = len(api.store.list_assessments())
    assert api.post("/api/assessments", "dana", json={"organization": "Evil"}).status_code == 403
    assert len(api.store.list_assessments()) == before
    for path in (f"/api/assessments/{aid}", "/api/assessments", f"/api/assessments/{aid}/export?format=csv"):
        assert api.get(path, "dana").status_code == 403, path
    resp = api.post(f"/api/assessments/{aid}/interviews", "dana", json={"category": "GOV", "respondent": "dana"})
    assert resp.status_code == 403
    confirm = api.post(f"/api/assessments/{aid}/controls/GOV-02.1/confirm", "dana", json={"status": "met", "rationale": "x"})
    assert confirm.status_code == 403
    assert api.post("/api/evidence-requests", "dana", json={"assessment_id": aid}).status_code == 403


def test_respondent_sees_and_answers_only_their_interview(api: Api) -> None:
    aid = api.new_assessment()
    started = api.new_interview(aid, "GOV", "dana")
    iid = started["id"]
    assert started["question"]["text"] and started["question"]["controls"]
    assert api.get(f"/api/interviews/{iid}", "eve").status_code == 403
    refused = api.post(f"/api/interviews/{iid}/answers", "eve", json={"answer": "I am not dana"})
    assert refused.status_code == 403 and refused.json()["error"] == "this interview is assigned to someone else"
    assert api.store.list_turns(iid) == []
    ok = api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER})
    assert ok.status_code == 200
    assert "proposal" not in ok.json()  # a respondent never sees statuses (tests/test_interview_views.py)
    assert [u["control_id"] for u in ok.json()["understood"]] == ["GOV-02.1"]
    staff = api.get(f"/api/interviews/{iid}", "alice").json()
    assert staff["proposal"]["controls"]["GOV-02.1"]["status"] == "met"
    view = api.get(f"/api/interviews/{iid}", "dana").json()
    assert [t["answer"] for t in view["turns"]] == [GOV_ANSWER]
    assert view["turns"][0]["respondent"] == "dana"
    assert view["interview"]["respondent"] == "dana"
    assert view["question"]["text"] != started["question"]["text"]
    assert api.get(f"/api/interviews/{iid}", "alice").status_code == 200


def test_interview_for_unknown_user_or_category_is_refused(api: Api) -> None:
    aid = api.new_assessment()
    nobody = api.post(f"/api/assessments/{aid}/interviews", "alice", json={"category": "GOV", "respondent": "ghost"})
    assert nobody.status_code == 422 and "ask an administrator" in nobody.json()["error"]
    bad_cat = api.post(f"/api/assessments/{aid}/interviews", "alice", json={"category": "XYZ", "respondent": "dana"})
    assert bad_cat.status_code == 422 and "body.category" in bad_cat.json()["error"] and "GOV" in bad_cat.json()["error"]
    no_asm = api.post("/api/assessments/asm-nope/interviews", "alice", json={"category": "GOV", "respondent": "dana"})
    assert no_asm.status_code == 404
    assert api.store.list_interviews() == []


@pytest.mark.parametrize(
    "body",
    [
        {"answer": ""},
        {"answer": "   "},
        {"answer": 42},
        {},
        {"answer": "ok", "extra": 1},
        {"answer": "x" * 20_001},
    ],
)
def test_bad_answers_are_refused_and_store_nothing(api: Api, body: dict) -> None:
    aid = api.new_assessment()
    iid = api.new_interview(aid)["id"]
    resp = api.post(f"/api/interviews/{iid}/answers", "dana", json=body)
    assert resp.status_code == 422
    assert isinstance(resp.json()["error"], str) and resp.json()["error"]
    assert api.store.list_turns(iid) == []


def test_unknown_interview_is_404(api: Api) -> None:
    assert api.get("/api/interviews/int-missing", "alice").status_code == 404
    assert api.post("/api/interviews/int-missing/answers", "dana", json={"answer": "hi"}).status_code == 404


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"organization": ""}, "organization"),
        ({"organization": "   "}, "organization"),
        ({"organization": "Acme", "deployment_types": ["Mainframe"]}, "deployment_types"),
        ({"organization": "Acme", "categories": ["XYZ"]}, "XYZ"),
        ({"organization": "Acme", "surprise": True}, "surprise"),
        ({"deployment_types": ["PaaS"]}, "organization"),
        ([1, 2], "body"),
    ],
)
def test_bad_assessment_bodies_get_one_line_errors(api: Api, body: object, fragment: str) -> None:
    resp = api.post("/api/assessments", "alice", json=body)
    assert resp.status_code == 422
    message = resp.json()["error"]
    assert fragment in message and "\n" not in message
    assert api.store.list_assessments() == []


def test_malformed_json_and_oversized_bodies(api: Api) -> None:
    broken = api.post("/api/assessments", "alice", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and "JSON" in broken.json()["error"]
    big = json.dumps({"organization": "A" * 300_000}).encode()
    resp = api.post("/api/assessments", "alice", content=big, headers={"content-type": "application/json"})
    assert resp.status_code == 413
    assert resp.json()["error"] == "request body larger than 256000 bytes"
    assert api.store.list_assessments() == []


def test_chunked_oversized_body_is_refused_without_content_length(api: Api) -> None:
    def chunks():
        for _ in range(40):
            yield b"x" * 10_000

    resp = api.post("/api/assessments", "alice", content=chunks(), headers={"content-type": "application/json"})
    assert resp.status_code == 413


def _answered_assessment(api: Api) -> tuple[str, str]:
    aid = api.new_assessment()
    iid = api.new_interview(aid)["id"]
    api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": GOV_ANSWER})
    return aid, iid


def test_assessor_reviews_proposals_and_the_level_follows_confirmations(api: Api) -> None:
    aid, _ = _answered_assessment(api)
    view = api.get(f"/api/assessments/{aid}", "alice").json()
    row = next(r for r in view["results"] if r["control_id"] == "GOV-02.1")
    assert row["proposed_status"] == "met" and row["pending"] and row["status"] == "unknown"
    assert all(c["quote"] in GOV_ANSWER for c in row["citations"])
    assert view["categories"]["GOV"]["pending_proposals"] == 1

    no_reason = api.post(f"/api/assessments/{aid}/controls/GOV-02.1/confirm", "alice", json={})
    assert no_reason.status_code == 422 and "rationale" in no_reason.json()["error"]
    accepted = api.post(f"/api/assessments/{aid}/controls/gov-2.1/confirm", "alice", json={"rationale": "policy seen"})
    assert accepted.status_code == 200
    row = next(r for r in accepted.json()["results"] if r["control_id"] == "GOV-02.1")
    assert row["status"] == "met" and row["confirmed_by"] == "alice" and not row["pending"]

    # GOV-02.2 had no proposal: accepting is refused, setting a status works (an override)
    assert api.post(f"/api/assessments/{aid}/controls/GOV-02.2/confirm", "alice", json={"rationale": "r"}).status_code == 422
    for cid in ("GOV-02.2", "GOV-02.3"):
        resp = api.post(f"/api/assessments/{aid}/controls/{cid}/confirm", "alice", json={"status": "met", "rationale": "seen"})
        assert resp.status_code == 200
    gov = resp.json()["categories"]["GOV"]  # issue 14: the level stands once confirmed
    assert (gov["state"], gov["level"], gov["computed_level"]) == ("in_progress", None, 2)

    wrong = api.post(f"/api/assessments/{aid}/categories/GOV/confirm", "alice", json={"level": 4, "rationale": "hope"})
    assert wrong.status_code == 422 and "L2" in wrong.json()["error"]
    right = api.post(f"/api/assessments/{aid}/categories/gov/confirm", "alice", json={"level": 2, "rationale": "all L2 met"})
    assert right.status_code == 200
    assert right.json()["categories"]["GOV"]["level_confirmed"] is True
    assert right.json()["categories"]["GOV"]["level"] == 2
    bad_status = api.post(f"/api/assessments/{aid}/controls/GOV-03.1/confirm", "alice", json={"status": "great", "rationale": "r"})
    assert bad_status.status_code == 422


def test_targets_feed_gaps_and_roadmap(api: Api) -> None:
    aid = api.new_assessment()
    resp = api.post(f"/api/assessments/{aid}/categories/MOD/target", "alice", json={"level": 3})
    assert resp.status_code == 200
    cat = resp.json()["categories"]["MOD"]
    assert cat["target_level"] == 3 and cat["gap"] is None  # issue 14: no gap until the category is assessed
    steps = [s for s in resp.json()["roadmap"] if s["category"] == "MOD"]
    assert [s["to_level"] for s in steps] == [2, 3]
    assert api.post(f"/api/assessments/{aid}/categories/MOD/target", "alice", json={"level": 9}).status_code == 422


@pytest.mark.parametrize(
    "fmt, media, marker",
    [
        ("json", "application/json", b'"aismm_assessment"'),
        ("csv", "text/csv", b"GOV-02.1"),
        ("xlsx", "application/vnd.openxmlformats", b"PK"),
        ("md", "text/markdown", b"Acme Health"),
        ("html", "text/html", b"Executive summary"),
        ("oscal", "application/json", b"assessment-results"),
    ],
)
def test_exports_download_as_files(api: Api, fmt: str, media: str, marker: bytes) -> None:
    aid, _ = _answered_assessment(api)
    resp = api.get(f"/api/assessments/{aid}/export?format={fmt}", "alice")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith(media)
    assert resp.headers["content-disposition"].startswith(f'attachment; filename="{aid}.')
    assert marker in resp.content


def test_bad_export_format_and_unknown_assessment(api: Api) -> None:
    aid = api.new_assessment()
    assert api.get(f"/api/assessments/{aid}/export?format=odt", "alice").status_code == 422
    assert api.get("/api/assessments/asm-missing/export?format=csv", "alice").status_code == 404
    assert api.get("/api/assessments/asm-missing", "alice").json()["error"].startswith("no assessment")


def test_evidence_requests_cover_open_objectives(api: Api) -> None:
    aid, _ = _answered_assessment(api)
    resp = api.post("/api/evidence-requests", "alice", json={"assessment_id": aid, "category": "GOV"})
    assert resp.status_code == 200
    reqs = resp.json()["requests"]
    assert reqs and all(r["category"] == "GOV" and r["items"] and r["owner"] for r in reqs)
    named = api.post("/api/evidence-requests", "alice", json={"controls": ["mod-3.1"]}).json()["requests"]
    assert [r["control_id"] for r in named] == ["MOD-03.1"]
    assert api.post("/api/evidence-requests", "alice", json={}).status_code == 422
    assert api.post("/api/evidence-requests", "alice", json={"controls": ["ZZZ-02.1"]}).status_code == 404


def test_streamed_answer_sends_events_and_stores_once(api: Api) -> None:
    aid = api.new_assessment()
    iid = api.new_interview(aid)["id"]
    resp = api.post(f"/api/interviews/{iid}/answers/stream", "dana", json={"answer": GOV_ANSWER})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = [block.split("\n") for block in resp.text.strip().split("\n\n")]
    names = [lines[0].removeprefix("event: ") for lines in events]
    assert names == ["accepted", "result"]
    result = json.loads(events[-1][1].removeprefix("data: "))
    assert "proposal" not in result and result["understood"][0]["control_id"] == "GOV-02.1"  # respondent's cut
    staff = api.get(f"/api/interviews/{iid}", "alice").json()
    assert staff["proposal"]["controls"]["GOV-02.1"]["status"] == "met"
    assert [t.answer for t in api.store.list_turns(iid)] == [GOV_ANSWER]
    assert api.post(f"/api/interviews/{iid}/answers/stream", "eve", json={"answer": "x"}).status_code == 403


def test_finished_interview_refuses_answers(api: Api) -> None:
    aid = api.new_assessment()
    iid = api.new_interview(aid)["id"]
    assert api.post(f"/api/interviews/{iid}/finish", "dana").status_code == 403
    assert api.post(f"/api/interviews/{iid}/finish", "alice").json()["question"] is None
    resp = api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": "late"})
    assert resp.status_code == 422 and "finished" in resp.json()["error"]


def test_skip_and_back_move_through_questions(api: Api) -> None:
    aid = api.new_assessment()
    first = api.new_interview(aid)
    iid = first["id"]
    assert api.post(f"/api/interviews/{iid}/back", "dana").status_code == 422  # nothing answered yet
    api.post(f"/api/interviews/{iid}/answers", "dana", json={"answer": "We have nothing written down yet."})
    again = api.post(f"/api/interviews/{iid}/back", "dana").json()
    assert again["question"]["kind"] == "repeat"
    assert again["question"]["text"] == first["question"]["text"]
    skipped = api.post(f"/api/interviews/{iid}/skip", "dana").json()
    assert (skipped["question"] or {}).get("text") != first["question"]["text"]
    assert api.post(f"/api/interviews/{iid}/skip", "eve").status_code == 403


def test_openapi_lists_the_contract(api: Api) -> None:
    spec = api.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/health", "/api/controls/{control_id}", "/api/search", "/api/ask", "/api/assessments",
        "/api/assessments/{assessment_id}", "/api/assessments/{assessment_id}/export",
        "/api/assessments/{assessment_id}/interviews", "/api/interviews/{interview_id}",
        "/api/interviews/{interview_id}/answers", "/api/interviews/{interview_id}/answers/stream",
        "/api/assessments/{assessment_id}/categories/{category}/confirm",
        "/api/assessments/{assessment_id}/controls/{control_id}/confirm", "/api/evidence-requests",
    ):
        assert path in paths, path


def test_search_validates_before_loading_anything(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input is refused before the retriever (BM25, embedder, Chroma) is built."""
    import importlib

    search_module = importlib.import_module("aismm_assistant.retrieval.search")  # the module, not the function
    built: list[bool] = []

    def refuse_to_build(*_args: object, **_kwargs: object) -> None:
        built.append(True)
        raise RuntimeError("the retriever was built")

    monkeypatch.setattr(search_module, "get_retriever", refuse_to_build)
    assert api.get("/api/search?q=policy", None).status_code == 401
    assert api.get("/api/search?q=", "dana").status_code == 422
    assert api.get("/api/search?q=policy&k=0", "dana").status_code == 422
    assert api.get("/api/search?q=policy&level=1", "dana").status_code == 422
    assert api.get("/api/search?q=policy&category=XYZ", "dana").status_code == 404
    assert api.get("/api/search?q=policy&deployment=mainframe", "dana").status_code == 422
    assert api.post("/api/ask", "dana", json={"question": ""}).status_code == 422
    assert built == []
    # the patch is on the path a valid query takes, so a missing validation would have built it
    assert api.get("/api/search?q=policy", "dana").status_code == 500 and built == [True]


def test_ask_and_search_by_control_id_need_no_model(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    # another test in this process may have loaded them already: hide them, so a fresh import shows
    for name in [m for m in sys.modules if m.split(".")[0] in {"torch", "chromadb"}]:
        monkeypatch.delitem(sys.modules, name)
    answer = api.post("/api/ask", "dana", json={"question": "What does MOD-03.1 require?"})
    assert answer.status_code == 200
    data = answer.json()
    assert "MOD-03.1" in data["citations"]
    assert {s["control_id"] for s in data["sources"]} >= set(data["citations"])
    found = api.get("/api/search?q=mod-3.1&k=3", "dana").json()
    assert found["results"][0]["control_id"] == "MOD-03.1"
    assert {"control_id", "score", "category", "level", "name"} <= set(found["results"][0])
    assert "torch" not in sys.modules and "chromadb" not in sys.modules


@pytest.mark.slow
def test_free_text_search_over_the_real_index(api: Api) -> None:
    resp = api.get("/api/search?q=who+approves+which+models+may+be+used+in+production&k=5&category=MOD", "dana")
    assert resp.status_code == 200
    results = resp.json()["results"]
    assert results and all(r["category"] == "MOD" for r in results)
    assert "MOD-03.1" in [r["control_id"] for r in results]
