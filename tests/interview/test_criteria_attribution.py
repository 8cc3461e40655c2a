"""Attribution by criteria embeddings (issue 11, item 4; opt-in with AISMM_ATTRIBUTION=embeddings)."""

import pytest

from aismm_assistant.corpus import get_category, load_corpus
from aismm_assistant.interview import analysis, attribution
from aismm_assistant.interview.proposals import TurnInput


def test_a_mechanism_is_what_an_automated_objective_adds_to_its_topic():
    assert attribution.automation_or_enforcement("The pipeline blocks the merge when the scan fails.")
    assert not attribution.automation_or_enforcement("The intake form asks for the owner and the business purpose.")


def test_intake_sentence_is_not_credited_to_automated_tracking(monkeypatch):
    if not attribution.enabled():
        pytest.skip("MiniLM weights not installed")
    monkeypatch.setattr(analysis, "ATTRIBUTION", True)
    analysis.clear_turn_cache()
    cat = get_category("GOV", load_corpus())
    turns = [TurnInput("Every new AI use case is submitted on the intake form, which records the owner, the risk tier "
                       "and the approval decision in the governance register.",
                       "How do new AI use cases get approved?")]
    ev = analysis.analyse_full(cat, turns, status_model=False).evidence
    credited = [cid for cid, items in ev.items() if items]
    assert "GOV-04.2" not in credited  # automated tracking of governance status needs a mechanism
    assert credited
    analysis.clear_turn_cache()
