"""How much of an objective's text its evidence covers is an input of the status model (issue 11, items 2 and 6):
evidence that names the topic but leaves criteria unsaid reads short of met."""

from aismm_assistant.corpus import get_category, load_corpus
from aismm_assistant.criteria import criteria_for
from aismm_assistant.interview import learned
from aismm_assistant.interview.analysis import analyse_full, criteria_coverage, criteria_verdicts
from aismm_assistant.interview.proposals import TurnInput


def _gov():
    return get_category("GOV", load_corpus())


def _detail(answer, question="Who is accountable for AI risk?"):
    return analyse_full(_gov(), [TurnInput(question=question, answer=answer)], status_model=False)


def _coverage(detail, cid):
    x = detail.features[cid]
    start = learned.FEATURE_NAMES.index(learned.CRITERIA_FEATURES[0])
    return dict(zip(learned.CRITERIA_FEATURES, x[start:start + len(learned.CRITERIA_FEATURES)], strict=True))


def test_the_model_sees_which_share_of_the_criteria_the_evidence_states():
    crits = criteria_for(next(c for c in _gov().controls if c.id == "GOV-02.2"))
    assert len(crits) >= 2
    one = _detail("Our chief risk officer is the named executive accountable for AI risk.")
    cov = _coverage(one, "GOV-02.2")
    assert cov["criteria_core"] == 1.0
    assert 0 < cov["criteria_stated"] < 1 and cov["criteria_missing"] > 0
    assert abs(cov["criteria_stated"] + cov["criteria_missing"] + cov["criteria_absent"] + cov["criteria_short"]
               - 1.0) < 1e-9


def test_a_figure_short_of_the_measure_counts_as_short_not_stated():
    d = _detail("About 70 percent of staff attested to the current AI acceptable-use policy in the last twelve months.",
                "Do staff attest to the AI acceptable-use policy?")
    crits = criteria_for(next(c for c in _gov().controls if c.id == "GOV-02.1"))
    kinds = [k for k, _t in criteria_verdicts(crits, d.evidence["GOV-02.1"])]
    assert "short" in kinds
    assert _coverage(d, "GOV-02.1")["criteria_short"] > 0


def test_no_evidence_covers_nothing_and_nothing_is_read_by_meaning_without_vectors():
    crits = criteria_for(next(c for c in _gov().controls if c.id == "GOV-02.2"))
    cov = criteria_coverage(crits, [])
    assert cov[:5] == [0.0, 1.0, 0.0, 0.0, 0.0] and cov[5:] == [0.0, 0.0]
    assert criteria_coverage([], []) == [0.0] * len(learned.CRITERIA_FEATURES)
