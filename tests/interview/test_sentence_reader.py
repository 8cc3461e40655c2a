"""The sentence reader (interview/reading.py): sentences read by meaning, shipped weights, where it may act."""

from __future__ import annotations

import json

import pytest

from aismm_assistant.corpus import get_category, load_corpus
from aismm_assistant.interview import analysis, learned, reading
from aismm_assistant.interview.proposals import TurnInput

# Pairs written for this test, not taken from any transcript: the same topic, first in place, then a gap described
# without a negation word, a plan or a hedge (what the rules' word lists cannot see).
PAIRS = [
    ("Every production model is pinned to an exact version listed in the registry.",
     "Most services call the latest alias and pick up whatever the provider ships that week."),
    ("Each agent has its own workload identity, with an owner recorded in the inventory.",
     "The agents all run under one shared service account an engineer created years ago."),
    ("All high-severity AI alerts are triaged within the hour, and the figure is reported monthly.",
     "Alerts that fire on a Friday evening wait in the queue until someone looks on Monday."),
    ("Inference logs are kept for a year in the central log platform.",
     "The inference logs roll over after a week on the local disk of each server."),
    ("The output scanner masks personal data in every customer-facing application.",
     "Only the chat assistant has the scanner; the claims and billing tools send their raw output."),
    ("Rollback has been drilled twice this year for each critical model.",
     "Rollback would mean rebuilding the server by hand from whatever backup happens to be there."),
]


@pytest.fixture(scope="module")
def reader_ready():
    if reading.load_reader() is None or reading.embed(["x"]) is None:
        pytest.fail("the sentence reader needs sentence_model.json and the MiniLM package (both ship with the project)")


def test_shipped_reader_names_its_training_data_and_embedding_model(reader_ready):
    from aismm_assistant.retrieval.embedder import model_fingerprint

    model = json.loads(reading.READER_PATH.read_text())
    assert model["labels"] == list(reading.LABELS)
    assert len(model["weights"]) == 385 and all(len(r) == 3 for r in model["weights"])
    assert model["trained_on"]["path"] == "evals/golden" and model["trained_on"]["sentences"] > 1000
    assert model["embedding_model"] == model_fingerprint()


def test_gaps_described_without_negation_read_as_less_in_place(reader_ready):
    readings = reading.read_sentences([s for pair in PAIRS for s in pair])
    ordered = [readings[good][0] > readings[gap][0] for good, gap in PAIRS]
    # a statistical reader: it must order (nearly) all of these generic pairs the way an assessor would
    assert sum(ordered) >= len(PAIRS) - 1, [(g, readings[g], b, readings[b]) for (g, b), ok in zip(PAIRS, ordered,
                                                                                                   strict=True)
                                            if not ok]


def test_reading_features_are_weighted_means_and_maxima(reader_ready):
    from aismm_assistant.interview.proposals import Evidence
    from aismm_assistant.interview.signals import detect

    a, b = PAIRS[0]
    items = [Evidence(0, a, 3.0, 3.0, "met", detect(a)), Evidence(1, b, 1.0, 1.0, "met", detect(b)),
             Evidence(1, "It depends.", 9.0, 9.0, "unknown", detect("It depends."))]
    r = reading.read_sentences([a, b])
    f = reading.features(items, r)
    assert f[:3] == pytest.approx([(3 * r[a][k] + r[b][k]) / 4 for k in range(3)])
    assert f[3:] == pytest.approx([max(r[a][1], r[b][1]), max(r[a][2], r[b][2])])
    assert reading.features(items, None) == [0.0] * 5 and reading.features([], r) == [0.0] * 5


def test_without_the_reader_the_rules_decide_alone(monkeypatch, reader_ready):
    cat = get_category("MOD", load_corpus())
    turns = [TurnInput(answer=" ".join(p[1] for p in PAIRS[:2]) + " " + PAIRS[0][0],
                       question="Which models are approved for production, and how are versions pinned?")]
    analysis.clear_turn_cache()
    rules = analysis.analyse(cat, turns, status_model=False)
    monkeypatch.setattr(reading, "READING", False)
    analysis.clear_turn_cache()
    without = analysis.analyse(cat, turns)
    assert {k: v.status for k, v in without.controls.items()} == {k: v.status for k, v in rules.controls.items()}
    assert not any("learned status model" in r for p in without.controls.values() for r in p.reasons)


def test_relabelled_proposals_say_how_the_evidence_read(reader_ready, monkeypatch):
    cat = get_category("IAM", load_corpus())
    control = next(c for c in cat.controls if c.level == 3)
    turns = [TurnInput(answer=a, question=control.question or control.name) for a in (
        f"{control.name}: yes, that is in place for the main platform.",
        "The agents all run under one shared service account an engineer created years ago.")]
    # a model that always prefers partial: whatever it relabels must explain the reading it saw
    always_partial = {"weights": [[0.0, 5.0 if i == 0 else 0.0, 0.0, 0.0] for i in range(len(learned.FEATURE_NAMES))],
                      "margin": 0.0, "features": learned.FEATURE_NAMES, "classes": list(learned.CLASSES)}
    monkeypatch.setattr(learned, "load_model", lambda path=None: always_partial)
    analysis.clear_turn_cache()
    out = analysis.analyse(cat, turns)
    changed = [p for p in out.controls.values() if any(r.startswith("learned status model: partial") for r in p.reasons)]
    assert changed, "the scripted model relabelled nothing"
    assert all(any(r.startswith("read by meaning (MiniLM sentence reader)") for r in p.reasons) for p in changed)


def test_a_reader_for_another_embedding_size_is_refused(tmp_path):
    model = json.loads(reading.READER_PATH.read_text())
    model["weights"] = model["weights"][:100]
    stale = tmp_path / "reader.json"
    stale.write_text(json.dumps(model))
    with pytest.raises(ValueError, match="another embedding size"):
        reading.load_reader(str(stale))
