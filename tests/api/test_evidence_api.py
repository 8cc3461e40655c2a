"""Evidence over HTTP: uploads (staff, respondents on their interview), listing, the text for highlighting."""

from __future__ import annotations

import base64
import hashlib

from tests.support import evidence_samples as samples
from tests.support.api import Api, api_fixture  # noqa: F401 - registers the "api" fixture


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _upload(api: Api, path: str, who: str, name: str, data: bytes, **extra):
    return api.post(path, who, json={"name": name, "content_base64": _b64(data), **extra})


def _evidence_files(api: Api, aid: str) -> list:
    return api.get(f"/api/assessments/{aid}/evidence", "alice").json()["evidence"]


def test_staff_upload_pdf_proposes_with_document_citations(api: Api) -> None:
    aid = api.new_assessment()
    pdf = samples.make_pdf()
    resp = _upload(api, f"/api/assessments/{aid}/evidence", "alice", "ai-policy.pdf", pdf,
                   control_id="gov-02.1", note="signed policy", expires="2027-06-30")
    assert resp.status_code == 201, resp.text
    out = resp.json()
    sha = hashlib.sha256(pdf).hexdigest()
    assert out["evidence"]["sha256"] == sha and out["evidence"]["control_id"] == "GOV-02.1"
    assert out["evidence"]["added_by"] == "alice" and out["evidence"]["expires"] == "2027-06-30"
    props = {p["control_id"]: p for p in out["analysis"]["proposals"]}
    assert "GOV-02.1" in props and out["analysis"]["stored"] is True
    # the review view carries the document citation; the status waits for an assessor
    view = {r["control_id"]: r for r in api.get(f"/api/assessments/{aid}", "alice").json()["results"]}
    gov = view["GOV-02.1"]
    assert gov["pending"] is True and gov["status"] == "unknown"
    cite = gov["citations"][0]
    assert cite["evidence"] == sha and cite["locator"].startswith("p. ") and cite["turn"] is None
    # the text with locators, in which the quote sits verbatim at its locator
    text = api.get(f"/api/evidence/{sha}/text", "alice").json()
    assert text["name"] == "ai-policy.pdf" and text["media_type"] == "application/pdf"
    page = {s["locator"]: s["text"] for s in text["segments"]}
    assert cite["quote"] in page[cite["locator"]]
    listed = api.get(f"/api/assessments/{aid}/evidence", "alice").json()
    assert [e["sha256"] for e in listed["evidence"]] == [sha] and listed["expired"] == []


def test_upload_over_the_request_limit_but_within_the_evidence_limit(api: Api) -> None:
    aid = api.new_assessment()
    register = "\n".join(f"model-{i},approved,owner-{i % 7}" for i in range(20_000)).encode()
    assert len(_b64(register)) > 256_000  # larger than any other request may be
    resp = _upload(api, f"/api/assessments/{aid}/evidence", "alice", "registry.csv", register,
                   control_id="GOV-03.2", analyse=False)
    assert resp.status_code == 201, resp.text
    assert resp.json()["analysis"] is None


def test_respondent_uploads_only_to_own_interview_category(api: Api) -> None:
    aid = api.new_assessment()
    mine = api.new_interview(aid, "GOV", "dana")
    theirs = api.new_interview(aid, "IAM", "eve")
    pdf = samples.make_pdf()
    ok = _upload(api, f"/api/interviews/{mine['id']}/evidence", "dana", "policy.pdf", pdf)
    assert ok.status_code == 201, ok.text
    assert ok.json()["evidence"]["control_id"] == mine["question"]["controls"][0]  # the current question's
    assert ok.json()["evidence"]["added_by"] == "dana"
    # another respondent's interview, another category, the review page's route: refused, nothing stored
    before = _evidence_files(api, aid)
    other = _upload(api, f"/api/interviews/{theirs['id']}/evidence", "dana", "policy.pdf", pdf)
    assert other.status_code == 403 and "someone else" in other.json()["error"]
    wrong_cat = _upload(api, f"/api/interviews/{mine['id']}/evidence", "dana", "policy.pdf", pdf, control_id="IAM-02.1")
    assert wrong_cat.status_code == 403 and "GOV" in wrong_cat.json()["error"]
    staff_route = _upload(api, f"/api/assessments/{aid}/evidence", "dana", "policy.pdf", pdf, control_id="GOV-02.1")
    assert staff_route.status_code == 403
    assert _evidence_files(api, aid) == before
    # the text: dana reads what is attached to her category; eve (IAM) does not see it exist
    sha = ok.json()["evidence"]["sha256"]
    assert api.get(f"/api/evidence/{sha}/text", "dana").status_code == 200
    hidden = api.get(f"/api/evidence/{sha}/text", "eve")
    assert hidden.status_code == 404 and hidden.json()["error"] == f"no evidence file {sha}"
    assert api.get(f"/api/interviews/{mine['id']}/evidence", "dana").json()["evidence"][0]["sha256"] == sha
    assert api.get(f"/api/interviews/{mine['id']}/evidence", "eve").status_code == 403


def test_bad_files_are_one_line_4xx_and_store_nothing(api: Api) -> None:
    aid = api.new_assessment()
    path = f"/api/assessments/{aid}/evidence"
    cases = [
        ("policy.pdf", b"<html>not a pdf</html>", "not a PDF"),
        ("setup.exe", b"MZ\x90\x00", "unsupported file type"),
        ("bomb.docx", samples.zip_bomb("docx"), "zip bomb"),
        ("broken.pdf", samples.broken_pdf(), "not a readable PDF"),
    ]
    for name, data, reason in cases:
        resp = _upload(api, path, "alice", name, data, control_id="GOV-02.1")
        assert 400 <= resp.status_code < 500, (name, resp.status_code)
        message = resp.json()["error"]
        assert reason in message and "\n" not in message and "nothing was stored" in message
    bad64 = api.post(path, "alice", json={"name": "a.txt", "content_base64": "!!not base64!!", "control_id": "GOV-02.1"})
    assert bad64.status_code == 422 and "content_base64" in bad64.json()["error"]
    outside = _upload(api, path, "alice", "a.txt", b"hello", control_id="XYZ-01.1")
    assert outside.status_code == 404
    no_control = _upload(api, path, "alice", "a.txt", b"hello")
    assert no_control.status_code == 422 and "control_id" in no_control.json()["error"]
    assert "\n" not in no_control.json()["error"]
    assert _evidence_files(api, aid) == []


def test_oversized_upload_is_413(aismm_home, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from aismm_assistant.api.app import create_app
    from aismm_assistant.settings import reset_settings
    from aismm_assistant.storage import Store

    monkeypatch.setenv("AISMM_EVIDENCE_MAX_BYTES", "50000")
    reset_settings()
    store = Store()
    _, token = store.add_user("alice", "assessor")
    client = TestClient(create_app(store=store), raise_server_exceptions=False)
    auth = {"Authorization": f"Bearer {token}"}
    aid = client.post("/api/assessments", headers=auth, json={"organization": "Acme"}).json()["id"]
    path = f"/api/assessments/{aid}/evidence"
    just_over = client.post(path, headers=auth, json={"name": "a.txt", "content_base64": _b64(b"a" * 60_000),
                                                      "control_id": "GOV-02.1"})
    assert just_over.status_code == 413 and "over the" in just_over.json()["error"]
    far_over = client.post(path, headers=auth, json={"name": "a.txt", "content_base64": _b64(b"a" * 200_000),
                                                     "control_id": "GOV-02.1"})
    assert far_over.status_code == 413 and "request body larger than" in far_over.json()["error"]
    assert client.get(path, headers=auth).json()["evidence"] == []
    client.close()
    store.close()


def test_upload_with_idempotency_key_is_stored_once(api: Api) -> None:
    aid = api.new_assessment()
    body = {"name": "policy.pdf", "content_base64": _b64(samples.make_pdf()), "control_id": "GOV-02.1"}
    first = api.post(f"/api/assessments/{aid}/evidence", "alice", json=body, headers={"Idempotency-Key": "up-1"})
    again = api.post(f"/api/assessments/{aid}/evidence", "alice", json=body, headers={"Idempotency-Key": "up-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true" and again.json() == first.json()
    assert len(_evidence_files(api, aid)) == 1


def test_expired_evidence_listed_for_revalidation(api: Api) -> None:
    aid = api.new_assessment()
    _upload(api, f"/api/assessments/{aid}/evidence", "alice", "roster.csv", b"name,attested\nana,2024-01-01\n",
            control_id="GOV-02.1", expires="2025-01-31", analyse=False)
    listed = api.get(f"/api/assessments/{aid}/evidence", "alice").json()
    assert listed["evidence"][0]["expired"] is True
    assert [(e["control_id"], e["name"], e["expires"]) for e in listed["expired"]] == [
        ("GOV-02.1", "roster.csv", "2025-01-31")]
    assert "expired on 2025-01-31" in listed["expired"][0]["reason"]
