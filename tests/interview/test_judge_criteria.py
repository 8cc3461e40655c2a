"""The LLM judge gets the same structure as the offline engine: criteria and figures in the prompt, a judgement per
criterion back, the same verbatim / planned-work / figure checks after it (issue 11, item 7). Scripted models
subclass LangChain's BaseChatModel (tests/support/fakes_interview.py)."""

from __future__ import annotations

from aismm_assistant.corpus import get_category
from aismm_assistant.criteria import criteria_for
from aismm_assistant.interview.judge import judge_category
from aismm_assistant.interview.proposals import TurnInput
from tests.support.fakes_interview import ScriptedJudge

ANSWER = ("We have a version-controlled acceptable-use policy owned by the CIO and reviewed every year. "
          "Last cycle 82% of staff attested to the current version.")
TURNS = [TurnInput(ANSWER, "Do staff attest to the AI acceptable-use policy?")]


def _judge(items):
    model = ScriptedJudge(judgement={"items": items}, prompts=[])
    return judge_category(model, get_category("GOV"), TURNS, None, engine="llm:fake"), model


def _c(i):
    return criteria_for(next(c for c in get_category("GOV").controls if c.id == "GOV-02.1"))[i].id


def test_prompt_carries_each_criterion_with_its_measure_and_the_figures_found():
    _prop, model = _judge([])
    prompt = model.prompts[0][0].content
    assert f"criterion {_c(1)}:" in prompt and "[measure: ≥ 90 %]" in prompt
    assert "82 % stated; the objective needs ≥ 90 % of staff → falls short" in prompt
    assert '"judgement"' in prompt  # the per-criterion output is asked for


def test_per_criterion_judgements_are_shown_and_a_short_figure_caps_met_at_partial():
    quote = "We have a version-controlled acceptable-use policy owned by the CIO and reviewed every year."
    items = [{"control_id": "GOV-02.1", "status": "met", "confidence": 0.9,
              "quotes": [{"turn": 0, "quote": quote}],
              "criteria": [{"criterion_id": _c(0), "judgement": "stated", "quote": {"turn": 0, "quote": quote}},
                           {"criterion_id": _c(1), "judgement": "stated",
                            "quote": {"turn": 0, "quote": "Last cycle 82% of staff attested to the current version."}}]}]
    prop, _ = _judge(items)
    p = prop.controls["GOV-02.1"]
    assert p.status == "partial"  # the engine's figure check applies whatever the model says
    assert any(r == f"criteria: {_c(0)}: stated; {_c(1)}: stated" for r in p.reasons)
    assert any("82 %" in r and "→ partial" in r for r in p.reasons)


def test_a_criterion_stated_on_an_invented_quote_counts_as_not_stated():
    quote = "We have a version-controlled acceptable-use policy owned by the CIO and reviewed every year."
    items = [{"control_id": "GOV-02.1", "status": "partial", "confidence": 0.8,
              "quotes": [{"turn": 0, "quote": quote}],
              "criteria": [{"criterion_id": _c(1), "judgement": "stated",
                            "quote": {"turn": 0, "quote": "Every employee attested last month."}}]}]
    p = _judge(items)[0].controls["GOV-02.1"]
    assert f"criteria: {_c(1)}: not stated" in p.reasons


def test_planned_work_is_still_never_met():
    turns = [TurnInput("We plan to roll out the attestation campaign next quarter.", "Do staff attest?")]
    model = ScriptedJudge(judgement={"items": [{"control_id": "GOV-02.1", "status": "met", "confidence": 0.9,
                                                "quotes": [{"turn": 0, "quote": turns[0].answer}]}]}, prompts=[])
    p = judge_category(model, get_category("GOV"), turns, None).controls["GOV-02.1"]
    assert p.status == "not_met"
