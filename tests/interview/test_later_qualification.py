"""A later qualification or correction lowers an earlier claim (issue 11, item 6)."""

import pytest

from aismm_assistant.corpus import get_category, load_corpus
from aismm_assistant.interview.analysis import analyse
from aismm_assistant.interview.proposals import TurnInput
from aismm_assistant.interview.signals import detect

Q = "Who is accountable for AI risk, and how do new AI tools get approved?"
CLAIM = ("Our chief risk officer is the named executive accountable for AI risk, and every new AI tool or use case "
         "goes through the documented intake procedure with a recorded approval decision.")


def _status(turns):
    return analyse(get_category("GOV", load_corpus()), turns, status_model=False).controls["GOV-02.2"]


def test_complete_claim_alone_is_met():
    assert _status([TurnInput(CLAIM, Q)]).status == "met"


@pytest.mark.xfail(strict=True, reason="the learned family reader (phase 8) misreads this generic sentence that a removed phrase list read: docs/interview.md, phase 8")
def test_a_later_turn_naming_an_uncovered_part_lowers_met_to_partial():
    later = TurnInput("One thing to add: the intake procedure only covers the new AI tools of the retail business, "
                      "the other business units skip the intake.", "Anything else about the intake procedure?")
    p = _status([TurnInput(CLAIM, Q), later])
    assert p.status == "partial"
    assert any(c["turn"] == 1 for c in p.citations)


def test_an_unrelated_later_partial_does_not_lower_the_claim():
    later = TurnInput("Only some teams have finished the awareness training so far.", "How is training going?")
    assert _status([TurnInput(CLAIM, Q), later]).status == "met"


def test_removing_every_account_but_one_emergency_account_is_a_restriction():
    sig = detect("We deleted the local accounts apart from the emergency one.")
    assert not sig.partial


def test_prevention_is_not_absence():
    assert not detect("There is no local login possible, we disabled it.").negated
    assert not detect("No personal accounts are allowed; the proxy blocks them.").negated
    assert detect("There is no approval step, nothing is blocked.").negated
    assert detect("We have no DLP on the chat tool, it was never turned on.").negated
