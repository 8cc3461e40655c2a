"""Documents read as interview answers: pending proposals whose quotes are verbatim in the document."""

from __future__ import annotations

import pytest

from tests.support import evidence_samples as samples
from tests.support.assessment import cli, cli_json


@pytest.fixture
def aid() -> str:
    return cli_json("assessment", "new", "--org", "Northwind", "-c", "GOV", "-c", "IAM")["id"]


def _attach(aid, tmp_path, name, data, control="GOV-02.1"):
    f = tmp_path / name
    f.write_bytes(data)
    return cli_json("evidence", "add", aid, control, str(f), "--by", "alice")


def _text(sha):
    from aismm_assistant.evidence.store import get_evidence_store

    return get_evidence_store().text(sha)


def test_pdf_policy_gives_pending_proposals_with_verified_citations(aid, tmp_path):
    from aismm_assistant.evidence.quotes import verify

    rec = _attach(aid, tmp_path, "ai-policy.pdf", samples.make_pdf())
    out = cli_json("evidence", "analyse", aid)
    assert out["engine"] == "offline" and out["stored"] is True
    assert [d["sha256"] for d in out["documents"]] == [rec["sha256"]] and out["documents"][0]["turns"] == 2
    props = {p["control_id"]: p for p in out["proposals"]}
    assert "GOV-02.1" in props  # the document evidences the objective it is attached to
    extracted = _text(rec["sha256"])
    for p in out["proposals"]:
        assert p["control_id"].startswith("GOV-") and p["citations"]
        for c in p["citations"]:
            assert c["evidence"] == rec["sha256"] and c["locator"] in ("p. 1", "p. 2")
            assert verify(extracted, c["quote"], c["locator"])
    assert any(c["locator"] == "p. 2" and "attest to this policy every 12 months" in c["quote"]
               for c in props["GOV-02.1"]["citations"])
    shown = {r["control_id"]: r for r in cli_json("assessment", "show", aid, "--all")["results"]}
    for cid in props:
        # proposals stay proposals: pending, effective status unchanged, citations point at the file
        assert shown[cid]["pending"] is True and shown[cid]["status"] == "unknown"
        assert all(c["evidence"] == rec["sha256"] and c["turn"] is None for c in shown[cid]["citations"])
    # the same analysis again changes nothing
    again = cli_json("evidence", "analyse", aid)
    assert again["stored"] is False and sorted(again["unchanged"]) == sorted(props)
    # an assessor confirms: the quote becomes evidence naming the file and the page
    cli_json("assessment", "confirm", aid, "GOV-02.1", "--by", "carol", "--rationale", "read the policy")
    res = {r["control_id"]: r for r in cli_json("assessment", "show", aid)["results"]}["GOV-02.1"]
    assert res["status"] == props["GOV-02.1"]["status"]
    assert any(e["source"].startswith(f"evidence {rec['sha256'][:12]} p.") for e in res["evidence"])


def test_planned_practice_is_not_met(aid, tmp_path):
    text = ("# AI acceptable use\n\n"
            "We plan to publish an AI acceptable use policy next year.\n"
            "Staff attestation of the policy has not started yet; no employee has attested so far.\n")
    _attach(aid, tmp_path, "plan.md", text.encode())
    out = cli_json("evidence", "analyse", aid, "--control", "GOV-02.1")
    statuses = {p["control_id"]: p["status"] for p in out["proposals"]}
    assert statuses.get("GOV-02.1") in ("not_met", "partial")  # read, and not taken as in place
    assert "met" not in statuses.values()


def test_unverified_quotes_are_dropped_and_counted(aid, tmp_path):
    from aismm_assistant.evidence.analyse import analyse_documents
    from aismm_assistant.interview.analyser import EngineProvenance
    from aismm_assistant.interview.proposals import CategoryProposal, ControlProposal

    rec = _attach(aid, tmp_path, "roster.csv", b"team,attested\nplatform,all staff attest every year\n")

    class Inventing:
        """An analyser that cites one real quote and one it made up (as an LLM may)."""

        provenance = EngineProvenance("llm:fake", "fake", {"judge.md": "0" * 64})

        def assess(self, category, turns, scope):
            assert turns[0].question_controls == ("GOV-02.1",) and "attest every year" in turns[0].answer
            real = {"turn": 0, "quote": "all staff attest every year"}
            made_up = {"turn": 0, "quote": "the board signs the policy"}
            return CategoryProposal(category.id, 1, {
                "GOV-02.1": ControlProposal("GOV-02.1", "partial", 0.7, citations=[real, made_up]),
                "GOV-02.2": ControlProposal("GOV-02.2", "met", 0.9, citations=[made_up]),
            }, [], engine=self.provenance.engine)

    out = analyse_documents(aid, analyser=Inventing())
    assert out["dropped_citations"] == 2
    assert [(p["control_id"], p["citations"]) for p in out["proposals"]] == [
        ("GOV-02.1", [{"evidence": rec["sha256"], "locator": "line 2", "quote": "all staff attest every year"}])]
    shown = {r["control_id"]: r for r in cli_json("assessment", "show", aid, "--all")["results"]}
    assert shown["GOV-02.1"]["proposed_status"] == "partial" and shown["GOV-02.1"]["source"] == "assisted"
    assert shown["GOV-02.2"]["proposed_status"] is None  # no verified quote, no proposal


def test_pseudo_turns_group_lines_and_keep_offsets():
    from aismm_assistant.evidence.analyse import locator_at, pseudo_turns
    from aismm_assistant.evidence.extract import extract

    data = "\n".join(f"line number {i} of the register" for i in range(1, 400)).encode()
    ex = extract("register.txt", data)
    turns, truncated = pseudo_turns(ex, "0" * 64, "register.txt", turn_chars=500)
    assert not truncated and len(turns) > 10
    assert all(len(t.text) <= 500 for t in turns)
    for t in turns:
        assert ex.text[t.start:t.start + len(t.text)] == t.text
    at = ex.text.index("line number 250 ")
    assert locator_at(ex, at, at + 10) == "line 250"
    short, cut = pseudo_turns(ex, "0" * 64, "register.txt", max_chars=1000)
    assert cut and sum(len(t.text) for t in short) <= 1000


def test_bad_input_one_line(aid):
    code, out, err = cli("evidence", "analyse", aid, "--control", "DEV-02.3", "--json")
    assert code == 1 and out == "" and err.startswith("error: ") and "outside the scope" in err
    code, out, err = cli("evidence", "analyse", "asm-nope", "--json")
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1



def test_document_citations_in_review_and_reports(aid, tmp_path, monkeypatch):
    from aismm_assistant.cli import review_flow

    rec = _attach(aid, tmp_path, "ai-policy.pdf", samples.make_pdf())
    cli_json("evidence", "analyse", aid)
    # the report lists the pending quote with the file and its locator
    out = tmp_path / "report.md"
    code, _, err = cli("assessment", "export", aid, "--format", "md", "--out", str(out))
    assert code == 0, err
    assert f"evidence file {rec['sha256'][:12]}, p." in out.read_text()
    # `aismm review` shows where each quote is: the file and the page
    said: list[str] = []
    monkeypatch.setattr(review_flow.console, "print", lambda *a, **k: said.append(" ".join(map(str, a))))
    review_flow.run_review(aid, "carol", lambda prompt: None)
    assert any(f"({rec['sha256'][:12]} p." in line for line in said), said[:5]
