"""The learned status model (interview/learned.py): shipped weights, guards, determinism, reproducible training."""

from __future__ import annotations

import json
import math

import pytest

from aismm_assistant.corpus import get_category
from aismm_assistant.evals import training
from aismm_assistant.interview import learned, polarity, readers, reading
from aismm_assistant.interview.analysis import TurnInput, analyse, analyse_detail
from aismm_assistant.interview.proposals import Evidence
from aismm_assistant.interview.signals import detect
from tests.support import PROJECT

ROOT = PROJECT
Q_POLICY = "Which AI coding assistants are your developers allowed to use, and where are the rules written down?"


def test_shipped_weights_match_the_features_and_name_their_training_data():
    model = learned.load_model()
    assert model is not None
    assert model["features"] == learned.FEATURE_NAMES and model["classes"] == list(learned.CLASSES)
    assert len(model["weights"]) == len(learned.FEATURE_NAMES)
    assert all(len(row) == len(learned.CLASSES) for row in model["weights"])
    assert model["trained_on"]["path"] == "evals/golden" and model["trained_on"]["examples"] > 0
    assert "holdout" in model["note"]


def test_stale_weights_are_refused(tmp_path):
    bad = json.loads(learned.WEIGHTS_PATH.read_text())
    bad["features"] = bad["features"][:-1]
    p = tmp_path / "w.json"
    p.write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="regenerate"):
        learned.load_model(str(p))


def _met_probs():
    return [0.9, 0.05, 0.04, 0.01]


def test_guard_unknown_stays_unknown():
    assert learned.choose("unknown", [], _met_probs()) == "unknown"


def test_guard_met_needs_a_sentence_voting_met():
    class E:
        def __init__(self, status, turn=0):
            self.status, self.turn = status, turn

    assert learned.choose("not_met", [E("not_met")], _met_probs()) == "not_met"  # e.g. only planned sentences
    assert learned.choose("partial", [E("met"), E("not_met")], _met_probs()) == "met"


def test_guard_the_latest_answer_that_revised_an_earlier_one_stands():
    from aismm_assistant.interview.signals import detect

    class E:
        def __init__(self, status, turn, text="It is in place."):
            self.status, self.turn, self.signals = status, turn, detect(text)

    not_met = [0.1, 0.1, 0.8, 0.0]
    revised = [E("not_met", 0), E("met", 2), E("met", 2)]  # "we plan to…", then the question again: "it is published"
    assert learned.choose("met", revised, not_met, revisions=frozenset({2})) == "met"
    assert learned.choose("met", revised, not_met) == "not_met"  # a later answer about something else: the model may act
    corrected = [E("not_met", 0), E("met", 3, "Actually, I checked again: it is published and enforced.")]
    assert learned.choose("met", corrected, not_met) == "met"
    mixed_latest = [E("not_met", 0), E("met", 2), E("partial", 2)]
    assert learned.choose("met", mixed_latest, not_met, revisions=frozenset({2})) == "not_met"


def test_reanswered_turns_are_questions_asked_again():
    qs = ["Which tools are allowed?", "Is there an inventory?", "which tools are  allowed?", None, ""]
    assert learned.reanswered(qs) == frozenset({2})


def test_guard_margin_and_below_threshold():
    probs = [0.05, 0.44, 0.5, 0.01]
    assert learned.choose("partial", [], probs, margin=0.1) == "partial"
    assert learned.choose("partial", [], probs, margin=0.0) == "not_met"
    assert learned.choose("partial", [], probs, margin=0.0, below_threshold=True) == "partial"


def test_met_needs_the_model_to_find_it_at_least_as_likely_as_the_floor():
    said = "Every model release is signed."
    met = [Evidence(0, said, 3.0, 3.0, "met", detect(said))]
    doubtful = [0.42, 0.20, 0.30, 0.08]  # met is the most probable status, but below the floor
    assert learned.choose("met", met, doubtful) == "not_met"
    assert learned.choose("met", met, [0.42, 0.35, 0.15, 0.08]) == "partial"
    assert learned.choose("met", met, doubtful, met_floor=0.0) == "met"
    assert learned.choose("met", met, [learned.MET_FLOOR + 0.05, 0.25, 0.15, 0.05]) == "met"
    # more likely than not is not enough: the assessor's standard of proof is the floor (0.6)
    assert learned.MET_FLOOR > 0.5
    assert learned.choose("met", met, [0.55, 0.25, 0.15, 0.05]) == "partial"
    assert learned.choose("partial", met, doubtful) == "partial"  # the model's doubtful met: the rules' reading stands
    assert learned.choose("unknown", [], doubtful) == "unknown"
    # the category's picture may lower the model's met, never overrule evidence that reads met by itself
    assert learned.choose("met", met, doubtful, evidence_met=0.78) == "met"
    assert learned.choose("met", met, doubtful, evidence_met=0.3) == "not_met"


def test_an_absent_objective_of_the_same_level_does_not_demote_a_clear_met():
    cat = get_category("DEV")
    policy = ("GitHub Copilot Business is the approved assistant. The secure coding standard for AI assistants is "
              "on Confluence, owned by AppSec and reviewed annually, last in April; 93% of licensed developers "
              "acknowledged it.")
    alone = analyse(cat, [TurnInput(policy, Q_POLICY)], ["PaaS"])
    both = analyse(cat, [TurnInput(policy, Q_POLICY),
                         TurnInput("Honestly we don't keep any list of the AI components our products use.",
                                   "Is there an inventory of the AI components each product uses?")], ["PaaS"])
    assert alone.controls["DEV-02.1"].status == both.controls["DEV-02.1"].status == "met"
    assert both.controls["DEV-02.3"].status == "not_met"


def test_an_abstained_objective_gets_the_models_clear_reading_a_passing_mention_stays_unknown():
    said = "No questionnaire or anything like that."
    weak = learned.ControlProposal("X-02.1", "unknown", 0.2, reasons=["evidence too weak to propose not_met"])
    assert learned.abstained(weak)
    assert not learned.abstained(learned.ControlProposal("X-02.1", "unknown", 0.0, reasons=["not discussed"]))
    assert not learned.abstained(learned.ControlProposal("X-02.1", "unknown", 0.3,
                                                         reasons=["respondent unsure"]))
    control = get_category("RSK").controls[0]
    x = [1.0] + [0.0] * (len(learned.FEATURE_NAMES) - 1)

    def model(bias):  # a model whose probabilities are its bias row: met, partial, not_met, unknown
        rows = [[0.0] * 4 for _ in learned.FEATURE_NAMES]
        rows[0] = list(bias)
        return {"weights": rows, "margin": 0.0}

    gap = [Evidence(0, said, 1.0, 1.0, "not_met", detect(said))]
    mention = [Evidence(0, "We use Jira for tickets.", 1.0, 1.0, "met", detect("We use Jira for tickets."))]
    out = learned.relabel(control, gap, weak, x, model([0.0, 0.0, 3.0, 0.0]))
    assert out.status == "not_met" and out.citations == [{"turn": 0, "quote": said}] and out.evidence_request
    assert learned.relabel(control, mention, weak, x, model([0.0, 0.0, 3.0, 0.0])).status == "unknown"
    assert learned.relabel(control, gap, weak, x, model([1.0, 0.0, 1.0, 1.0])).status == "unknown"  # p < 0.5
    assert learned.relabel(control, gap, weak, x, model([5.0, 0.0, 1.0, 0.0])).status == "unknown"  # no met sentence
    # evidence the rules scored too weak, which a sentence states as in place and the model reads clearly as met
    assert learned.relabel(control, mention, weak, x, model([5.0, 0.0, 1.0, 0.0])).status == "met"
    assert learned.relabel(control, mention, weak, x, model([1.0, 0.5, 0.0, 0.0])).status == "unknown"  # p < 0.7
    p = analyse(get_category("DEV"), [TurnInput("We use Jira for tickets.", "Anything else?")], None)
    assert p.controls["DEV-05.1"].status == "unknown"


def test_an_abstained_gap_needs_only_as_likely_as_not_while_met_needs_the_floor():
    said = "No questionnaire or anything like that."
    weak = learned.ControlProposal("X-02.1", "unknown", 0.2, reasons=["evidence too weak to propose not_met"])
    control = get_category("RSK").controls[0]
    x = [1.0] + [0.0] * (len(learned.FEATURE_NAMES) - 1)
    rows = [[0.0] * 4 for _ in learned.FEATURE_NAMES]
    rows[0] = [0.0, 0.0, math.log(0.55 / 0.15), 0.0]  # P(not_met) = 0.55: above the gap's 0.5, below the met floor
    gap = [Evidence(0, said, 1.0, 1.0, "not_met", detect(said))]
    p_gap = learned.probabilities(rows, x)[learned.CLASSES.index("not_met")]
    assert learned.ABSTAINED_GAP <= p_gap < learned.MET_FLOOR
    assert learned.relabel(control, gap, weak, x, {"weights": rows, "margin": 0.0}).status == "not_met"


@pytest.mark.parametrize("answer", [
    "We plan to publish an AI coding assistant standard next quarter.",
    "We're drafting a policy for Copilot; it should be on Confluence by the end of the year.",
    "I think there's something on the wiki, probably.",
    "We're in a good place generally.",
])
def test_planned_hedged_or_vague_answers_are_never_met_with_the_model(answer):
    prop = analyse(get_category("DEV"), [TurnInput(answer, Q_POLICY)], None)
    assert all(p.status != "met" for p in prop.controls.values())


def test_relabelled_proposals_cite_verbatim_and_are_deterministic():
    from aismm_assistant.evals.golden import golden_paths, load_golden
    from aismm_assistant.evals.replay import replay_golden

    changed = 0
    for f in golden_paths(ROOT / "evals" / "golden")[:40]:
        g = load_golden(f)
        first = replay_golden(g)
        again = replay_golden(g)
        for cid, case in g.categories.items():
            answers = [t.answer for t in case.turns]
            assert first[cid].as_dict() == again[cid].as_dict()
            for p in first[cid].controls.values():
                if p.reasons and p.reasons[0].startswith("learned status model"):
                    changed += 1
                    assert p.citations
                    assert all(c["quote"] in answers[c["turn"]] for c in p.citations)
    assert changed > 0


def test_rules_alone_remain_available():
    cat = get_category("DEV")
    turns = [TurnInput("The coding assistant standard is on Confluence, owned by AppSec and reviewed in April.",
                       Q_POLICY)]
    rules, feats = analyse_detail(cat, turns, None, status_model=False)
    assert rules.controls["DEV-02.1"].status == "met"
    assert all(len(x) == len(learned.FEATURE_NAMES) for x in feats.values())


def test_fit_learns_separable_classes_and_regularisation_shrinks_the_weights():
    # bias, "evidence of met", "evidence of absence": three separable classes (met, partial, not_met)
    X = [[1.0, 0.0, 0.0], [1.0, 0.1, 0.0], [1.0, 1.0, 0.0], [1.0, 0.9, 0.1], [1.0, 0.0, 1.0], [1.0, 0.1, 0.9]]
    y = [0, 0, 1, 1, 2, 2]

    def predicted(weights: list[list[float]]) -> list[int]:
        return [max(range(len(learned.CLASSES)), key=learned.probabilities(weights, x).__getitem__) for x in X]

    def size(weights: list[list[float]]) -> float:
        return sum(v * v for row in weights[1:] for v in row)  # the bias row is not regularised

    loose, tight = training.fit(X, y, 0.001), training.fit(X, y, 1.0)
    assert predicted(loose) == y
    assert size(tight) < size(loose) / 10


@pytest.mark.skipif(not any((ROOT / "evals" / "golden").glob("*.yaml")), reason="no golden files")
@pytest.mark.slow  # embeds the tuning set's ~21,000 evidence sentences and the readers' windows (minutes)
@pytest.mark.longest
def test_training_reproduces_the_shipped_weights(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "w.json"
    model = training.train(ROOT / "evals" / "golden", out, tmp_path / "reader.json", tmp_path / "polarity.json",
                           tmp_path / "readers.json")
    shipped = json.loads(learned.WEIGHTS_PATH.read_text())
    assert model["lambda"] == shipped["lambda"] and model["margin"] == shipped["margin"]
    assert model["trained_on"]["sha256"] == shipped["trained_on"]["sha256"], "golden set changed: retrain"
    for a, b in zip(model["weights"], shipped["weights"], strict=True):
        assert a == pytest.approx(b, abs=1e-4)
    reader = json.loads(reading.READER_PATH.read_text())
    assert model["reader"]["trained_on"] == reader["trained_on"]
    for a, b in zip(model["reader"]["weights"], reader["weights"], strict=True):
        assert a == pytest.approx(b, abs=1e-4)
    shipped_polarity = json.loads(polarity.MODEL_PATH.read_text())
    assert model["polarity"]["trained_on"] == shipped_polarity["trained_on"]
    for part in ("full", "structure"):
        for a, b in zip(model["polarity"][part], shipped_polarity[part], strict=True):
            assert a == pytest.approx(b, abs=1e-4)
    shipped_readers = json.loads(readers.MODEL_PATH.read_text())["families"]
    for family, trained in model["readers"]["families"].items():
        assert trained["labels"] == shipped_readers[family]["labels"]
        for part in ("full", "cue_only"):
            for a, b in zip(trained[part], shipped_readers[family][part], strict=True):
                assert a == pytest.approx(b, abs=1e-4)


def test_category_context_is_the_share_of_other_levels_the_rules_read_as_met():
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.interview.proposals import ControlProposal

    cat = get_category("MON", load_corpus())
    levels = {c.id: c.level for c in cat.controls}
    l3 = next(c for c in cat.controls if c.level == 3)
    statuses = {c.id: ("met" if c.level >= 4 else "partial" if c.level == 2 else "unknown") for c in cat.controls}
    rules = {cid: ControlProposal(cid, st, 0.8) for cid, st in statuses.items()}
    ctx = dict(zip(learned.CONTEXT_FEATURES, learned.context(l3, rules, levels), strict=True))
    # every L4/L5 read as met, the L2 foundations only partial, the rest of L3 not discussed
    assert ctx == {"higher_known": 1.0, "higher_met": 1.0, "higher_absent": 0.0, "lower_known": 1.0,
                   "lower_met": 0.0, "lower_absent": 1.0, "same_known": 0.0, "same_met": 0.0}


def test_a_lone_answer_has_no_category_picture():
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.interview.proposals import ControlProposal

    cat = get_category("DEV", load_corpus())
    levels = {c.id: c.level for c in cat.controls}
    rules = {c.id: ControlProposal(c.id, "unknown", 0.0) for c in cat.controls}
    first = cat.controls[0]
    rules[first.id] = ControlProposal(first.id, "met", 0.9)
    assert learned.context(first, rules, levels) == [0.0] * len(learned.CONTEXT_FEATURES)
