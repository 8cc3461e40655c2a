"""`ask`: offline answers for every control, citation checking, the fake chat model, bad input."""

from __future__ import annotations

import re

import pytest

from aismm_assistant.answering import ask, check_citations
from aismm_assistant.corpus import load_corpus
from aismm_assistant.errors import AismmError
from aismm_assistant.llm import load_prompt, register_test_model
from tests.support.fakes import citing_model, inventing_model

MARKER = re.compile(r"\[([A-Z]{2,3}-0\d\.\d+)\]")


def _assert_contract(result: dict) -> None:
    corpus = load_corpus()
    source_ids = {s["control_id"] for s in result["sources"]}
    assert result["citations"], result["answer"]
    assert set(result["citations"]) <= source_ids
    for marker in MARKER.findall(result["answer"]):
        assert corpus.control(marker) is not None
        assert marker in result["citations"]
    for s in result["sources"]:
        assert set(s) >= {"control_id", "field", "text"} and s["text"]


def test_every_control_is_answered_with_its_own_citation():
    corpus = load_corpus()
    for control in corpus.controls:
        result = ask(f"What does {control.id.lower()} require?")
        _assert_contract(result)
        assert result["citations"] == [control.id]
        answer = result["answer"]
        assert control.objective in answer
        assert f"L{control.level}" in answer
        assert all(e in answer for e in control.evidence)
        assert control.rationale in answer
        assert result["engine"] == "offline" and result["removed_citations"] == []


def test_mod_03_1_answer_states_objective_level_evidence_and_why():
    result = ask("What does MOD-03.1 require?")
    answer = result["answer"]
    assert "Objective:" in answer and "L3 Defined" in answer
    assert "Evidence an assessor looks for:" in answer and "Why it discriminates the level:" in answer
    assert "[MOD-03.1]" in answer
    assert {s["field"] for s in result["sources"]} >= {"objective", "evidence", "rationale"}


def test_aicm_question_lists_mapped_controls():
    corpus = load_corpus()
    aid = next(a for c in corpus.controls for a in c.aicm)
    result = ask(f"which objectives map to {aid}?")
    _assert_contract(result)
    assert result["kind"] == "mapping"
    assert all(aid in corpus.control(c).aicm for c in result["citations"])


def test_fake_llm_answer_keeps_real_citations_and_records_the_prompt():
    register_test_model("fake:citing", citing_model())
    result = ask("What does MOD-03.1 require?", llm="fake:citing")
    _assert_contract(result)
    assert result["citations"] == ["MOD-03.1"]
    assert result["engine"] == "llm:fake:citing"
    assert result["prompt"] == load_prompt("answer.md").ref
    assert result["answer"].startswith("According to the context")


def test_invented_citations_are_removed_and_reported():
    model = inventing_model()
    register_test_model("fake:inventing", model)
    result = ask("What does MOD-03.1 require?", llm="fake:inventing")
    _assert_contract(result)
    assert result["citations"] == ["MOD-03.1"]
    assert set(result["removed_citations"]) == {"GOV-09.9", "IR-05.2"}
    assert "GOV-09.9" not in result["answer"] and "IR-05.2" not in result["answer"]
    # the model saw only retrieved context, with the question at the end of the prompt file's text
    assert "[MOD-03.1] (objective)" in model.history[-1]
    assert model.history[-1].rstrip().endswith("Question: What does MOD-03.1 require?")


def test_check_citations_leaves_non_citation_brackets_alone():
    text = "See [MOD-03.1, mod-4.1] and [1] and [ABC-02.1] and [sic]."
    cleaned, cites, removed = check_citations(text, {"MOD-03.1", "MOD-04.1"})
    assert cleaned == "See [MOD-03.1][MOD-04.1] and [1] and and [sic]."
    assert cites == ["MOD-03.1", "MOD-04.1"] and removed == ["ABC-02.1"]


@pytest.mark.parametrize(("question", "llm", "fragment"), [
    ("", None, "empty question"),
    ("x" * 2001, None, "too long"),
    ("What does MOD-03.1 require?", "nonsense", "use 'offline'"),
])
def test_bad_input_fails_with_one_line(question, llm, fragment):
    with pytest.raises(AismmError) as info:
        ask(question, llm=llm)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_failing_chat_model_is_a_one_line_error():
    model = citing_model()
    object.__setattr__(model, "responses", [])  # IndexError inside the model
    register_test_model("fake:broken", model)
    with pytest.raises(AismmError, match="the chat model failed"):
        ask("What does MOD-03.1 require?", llm="fake:broken")


def test_missing_prompt_file_is_reported(monkeypatch, tmp_path):
    from aismm_assistant.settings import reset_settings

    monkeypatch.setenv("AISMM_PROMPTS_DIR", str(tmp_path))
    reset_settings()
    register_test_model("fake:citing", citing_model())
    with pytest.raises(AismmError, match="answer.md is missing"):
        ask("What does MOD-03.1 require?", llm="fake:citing")
