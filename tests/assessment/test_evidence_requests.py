"""Evidence requests: to whom, what, why, by when — and an LLM may reword but never change the items."""

from __future__ import annotations

import csv
import io
import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from aismm_assistant.assessment.record import AssessmentCreate, Scope
from aismm_assistant.llm import register_test_model
from aismm_assistant.storage import get_store
from tests.support import assessment as support
from tests.support.assessment import cli, cli_json

corpus_dir = support.corpus_dir  # the shared fixture


def test_one_control_from_the_real_corpus():
    from aismm_assistant.corpus import load_corpus

    control = load_corpus().control("GOV-02.1")
    out = cli_json("evidence-request", "gov-2.1", "--due", "2026-09-30")
    [req] = out["requests"]
    assert req["control_id"] == "GOV-02.1"
    assert req["owner"] == load_corpus().category("GOV").owner_role
    assert req["items"] == control.evidence and req["items"]
    assert req["why"] == control.rationale
    assert req["due"] == "2026-09-30"
    assert "GOV-02.1" in out["text"] and control.evidence[0] in out["text"]


@pytest.fixture
def assessment(corpus_dir) -> str:
    store = get_store()
    aid = store.create_assessment(AssessmentCreate(
        organization="Acme", scope=Scope(deployment_types=["PaaS"], categories=["GOV", "MOD"]))).id
    store.set_result(aid, "GOV-02.1", "met", actor="a")
    store.set_result(aid, "GOV-03.1", "partial", actor="a")
    store.set_result(aid, "MOD-02.1", "not_applicable", actor="a")
    return aid


def test_requests_for_an_assessment_cover_applicable_objectives_not_yet_met(assessment):
    out = cli_json("evidence-request", "--assessment", assessment, "--all")  # issue 14: --all keeps this behaviour
    ids = [r["control_id"] for r in out["requests"]]
    # met / N/A objectives are skipped, MOD-03.2 (self-hosted only) does not apply to a PaaS scope;
    # lower levels first, foundational before structural
    assert ids == ["MOD-02.2", "GOV-03.1", "MOD-03.1", "GOV-04.1", "MOD-04.1", "MOD-04.2",
                   "GOV-05.1", "MOD-05.1", "MOD-05.2"]
    by_id = {r["control_id"]: r for r in out["requests"]}
    assert by_id["GOV-03.1"]["status"] == "partial"
    assert by_id["MOD-02.2"]["owner"] == "Head of AI Platform" and by_id["GOV-03.1"]["owner"] == "Owner"
    assert out["assessment"] == {"id": assessment, "organization": "Acme"}


def test_category_owner_and_due_options(assessment):
    out = cli_json("evidence-request", "--assessment", assessment, "--category", "gov", "--owner", "CISO",
                   "--due", "2026-10-01", "--all")
    assert [r["control_id"] for r in out["requests"]] == ["GOV-03.1", "GOV-04.1", "GOV-05.1"]
    assert {r["owner"] for r in out["requests"]} == {"CISO"}
    assert {r["due"] for r in out["requests"]} == {"2026-10-01"}


def test_csv_for_a_tracker_and_email_text(assessment):
    code, out, _ = cli("evidence-request", "--assessment", assessment, "--category", "GOV", "--format", "csv", "--all")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3 * 3  # three objectives, three evidence items each in the synthetic corpus
    assert {r["Item"] for r in rows} == {"A document", "A review record", "An owner list"}
    assert {r["Status"] for r in rows} == {"requested"}
    code, out, _ = cli("evidence-request", "--assessment", assessment, "--category", "GOV", "--format", "email",
                       "--all")
    assert code == 0
    assert out.startswith("To: Owner\nSubject: Evidence request") and "GOV-04.1" in out and "  - A document" in out


class PolishModel(FakeListChatModel):
    """A scripted chat model that also records what it was asked."""

    seen: list = []

    def invoke(self, input, *args, **kwargs):  # noqa: A002 - LangChain's signature
        self.seen.append(input)
        return super().invoke(input, *args, **kwargs)


def test_llm_polishes_wording_but_items_stay_the_controls(corpus_dir, tmp_path):
    reply = {"requests": [
        {"control_id": "GOV-02.1", "why": "This shows the policy is real.", "message": "Could you help by Friday?"},
        {"control_id": "GOV-03.1", "why": "Ignored.", "items": ["Just send anything"]},
    ]}
    model = PolishModel(responses=["Here you go:\n" + json.dumps(reply)])
    register_test_model("fake:polish", model)
    out = cli_json("evidence-request", "GOV-02.1", "GOV-03.1", "--llm", "fake:polish")
    by_id = {r["control_id"]: r for r in out["requests"]}
    assert by_id["GOV-02.1"]["why"] == "This shows the policy is real."
    assert by_id["GOV-02.1"]["message"] == "Could you help by Friday?"
    assert by_id["GOV-03.1"]["items"] == ["A document", "A review record", "An owner list"]
    assert by_id["GOV-03.1"]["why"] == "Shows the practice is owned."  # the tampered entry is dropped whole
    assert "llm_changed_items:GOV-03.1" in out["flags"]
    assert out["engine"] == "llm:fake:polish" and len(out["prompt"]["sha256"]) == 64
    system = model.seen[0][0][1]
    assert "Do not add, remove, merge or reword the items" in system


def test_llm_garbage_falls_back_to_the_offline_draft(corpus_dir):
    register_test_model("fake:garbage", FakeListChatModel(responses=["I cannot do that."]))
    out = cli_json("evidence-request", "GOV-02.1", "--llm", "fake:garbage")
    assert out["requests"][0]["why"] == "Shows the practice is owned."
    assert out["flags"] == ["llm_unusable_reply"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("GOV-09.1",), "no control GOV-09.1"),
        ((), "give a control ID or --assessment ID"),
        (("GOV-02.1", "--due", "soon"), "invalid date 'soon'"),
        (("GOV-02.1", "--format", "pdf"), "unknown format 'pdf'"),
        (("GOV-02.1", "--assessment", "asm-x"), "not both"),
        (("--assessment", "asm-nope"), "no assessment 'asm-nope'"),
        (("GOV-02.1", "--llm", "nonsense"), "use 'offline' or provider:model"),
    ],
)
def test_bad_input(corpus_dir, args, message):
    code, _, err = cli("evidence-request", *args)
    assert code == 1 and err.startswith("error: ") and message in err and err.count("\n") == 1
