"""An objective asked about directly that no answer evidences: not met with low confidence (docs/interview.md,
phase 9), while a vague, hedged or "I don't know" answer, and an objective nobody asked about, stay unknown."""

from __future__ import annotations

import pytest

from aismm_assistant.corpus import get_category
from aismm_assistant.interview import questions
from aismm_assistant.interview.analysis import UNANSWERED_REASON, TurnInput, analyse

QUESTION = "Which AI coding assistants may developers use, and how are their seats issued?"
# answers the seats (DEV-02.2) and says nothing of the rules for using the assistants (DEV-02.1), asked as well
SEATS_ONLY = ("Every Copilot seat comes from our GitHub Enterprise organisation, tied to Entra ID single sign-on, "
              "with prompt retention and training on our code switched off in the org settings; seats are reviewed "
              "every quarter and leavers are removed by the HR feed.")


def _dev(answer: str, controls: tuple[str, ...] = ("DEV-02.1", "DEV-02.2")) -> dict:
    turn = TurnInput(answer=answer, question=QUESTION, question_controls=controls)
    return analyse(get_category("DEV"), [turn], ["API/SaaS"]).controls


def test_an_objective_asked_about_and_not_evidenced_is_not_met_with_low_confidence():
    controls = _dev(SEATS_ONLY)
    assert controls["DEV-02.2"].status == "met"
    p = controls["DEV-02.1"]
    assert p.status == "not_met"
    assert p.reasons[0] == UNANSWERED_REASON
    assert p.confidence < questions.SURE  # the interview still asks one follow-up about it
    assert questions.needs_follow_up(p)
    assert p.evidence_request and not p.citations  # nothing was said for it: nothing to quote


def test_an_objective_nobody_asked_about_stays_unknown():
    controls = _dev(SEATS_ONLY)
    assert controls["DEV-05.1"].status == "unknown"
    assert controls["DEV-05.1"].reasons[0] == "not discussed"


@pytest.mark.parametrize("answer", ["I don't know, I'd have to check with the platform team.", "Yes, we have that."])
def test_an_unsure_or_vague_answer_to_the_question_stays_unknown(answer):
    p = _dev(answer)["DEV-02.1"]
    assert p.status == "unknown"
    assert p.reasons[0] != UNANSWERED_REASON


def test_the_rule_can_be_switched_off(monkeypatch):
    from aismm_assistant.interview import analysis

    monkeypatch.setattr(analysis, "UNANSWERED", False)
    analysis.clear_turn_cache()
    assert _dev(SEATS_ONLY)["DEV-02.1"].status == "unknown"
