"""Figures stated in an answer are compared with the objective's criteria and cap its status (issue 11, item 3)."""

from aismm_assistant.corpus import get_category, load_corpus
from aismm_assistant.criteria import criteria_for
from aismm_assistant.interview.analysis import analyse
from aismm_assistant.interview.figures import figure_status, figures_of
from aismm_assistant.interview.proposals import TurnInput


def _gov():
    return get_category("GOV", load_corpus())


def _criteria(cid):
    return criteria_for(next(c for c in _gov().controls if c.id == cid))


def test_share_just_below_the_floor_is_partial_and_names_both_numbers():
    status, note, comps = figure_status("Last cycle 88% of employees attested to the current policy.",
                                        _criteria("GOV-02.1"), "met", "stated as in place")
    assert status == "partial"
    assert "88 %" in note and "≥ 90 %" in note and note.endswith("→ partial")
    assert comps and comps[0][1] == "falls_short"


def test_words_and_ratios_meeting_the_floor_keep_met_with_the_comparison():
    for sentence in ("Forty-six of fifty employees attested to the current version this year.",
                     "Nine in ten employees attested to the current version this year."):
        status, note, _ = figure_status(sentence, _criteria("GOV-02.1"), "met", "stated as in place")
        assert status == "met" and "→ met" in note


def test_none_at_all_is_not_met():
    status, _note, _ = figure_status("So far 0% of employees have attested to the current version.",
                                     _criteria("GOV-02.1"), "met", "stated as in place")
    assert status == "not_met"


def test_a_rate_of_failures_is_not_the_share_the_floor_counts():
    status, _note, _ = figure_status("The attestation reminder bounced for 12% of mailboxes, a failure rate we track.",
                                     _criteria("GOV-02.1"), "met", "stated as in place")
    assert status == "met"


def test_selections_and_universals_are_not_shares():
    assert figures_of("Every one of the six plants runs the same agent.") == ()
    assert all(f.kind != "ratio" for f in figures_of("Each node is assigned to one of the three clusters."))


def test_a_figure_below_the_floor_caps_the_proposal_at_partial():
    turns = [TurnInput(question="Do staff attest to the AI acceptable-use policy?",
                       answer="We have a version-controlled acceptable-use policy owned by the CIO. "
                              "About 70 percent of staff attested to the current version in the last twelve months.")]
    p = analyse(_gov(), turns, status_model=False).controls["GOV-02.1"]
    assert p.status == "partial"
    assert any("70 %" in r and "90 %" in r for r in p.reasons)


def test_every_proposal_names_the_criteria_it_saw_and_the_ones_it_did_not():
    turns = [TurnInput(question="Who is accountable for AI risk?",
                       answer="Our chief risk officer is the named executive accountable for AI risk.")]
    p = analyse(_gov(), turns, status_model=False).controls["GOV-02.2"]
    line = next(r for r in p.reasons if r.startswith("criteria: "))
    assert "A named executive is accountable for …: stated" in line
    assert "not stated" in line  # the intake procedure and the decision records were not mentioned
