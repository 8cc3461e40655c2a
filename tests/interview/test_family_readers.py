"""The learned family readers (interview/readers.py): plans and pilots, partial scope, manual work.

Each family has one broad cue in the reviewed table and a reader trained on sentence-level labels of the tuning set.
The sentences here are generic (none is a golden sentence): what a user would notice is whether a plan reads as a
plan, a restriction as a control, a person's step as manual work.
"""

from __future__ import annotations

import json

import pytest

from aismm_assistant.errors import ValidationError
from aismm_assistant.interview import readers
from aismm_assistant.interview.signals import detect


@pytest.mark.parametrize("sentence, expected", [
    ("We plan to add a second reviewer next year.", "intention"),
    ("A data retention standard is being drafted and should be published by Q3.", "intention"),
    ("Red-team testing is booked for March.", "intention"),
    ("Two teams are trialling the scanner before we decide.", "pilot"),
    ("The test plan is attached to every release ticket.", "current"),
    ("The gateway will reject any model that is not in the registry.", "current"),
    ("We are using the managed key vault for every model endpoint.", "current"),
])
def test_plans_and_pilots_are_read_by_meaning(sentence, expected):
    assert readers.reading("plans and pilots", sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Only the customer-facing apps are scanned; the internal tools are not.", "gap"),
    ("Most teams use the template, a couple still do not.", "gap"),
    ("Only two admins can deploy models to production.", "full"),
    ("Egress from the cluster is limited to the approved model endpoint.", "full"),
])
def test_a_restriction_is_a_control_and_a_coverage_limit_is_a_gap(sentence, expected):
    assert readers.reading("partial scope", sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("An analyst reviews each alert by hand and decides whether to escalate.", "by hand"),
    ("I copy the results into the spreadsheet every month.", "by hand"),
    ("People are trained on the acceptable use standard when they join.", "automated"),
])
def test_manual_work_is_read(sentence, expected):
    assert readers.reading("manual vs automated", sentence) == expected


def test_a_sentence_without_the_cue_is_not_read():
    assert readers.reading("plans and pilots", "The registry lists every model in production.") is None
    sig = detect("The registry lists every model in production.")
    assert not (sig.planned or sig.pilot or sig.partial or sig.manual)


def test_readings_become_signals():
    assert detect("We plan to add a second reviewer next year.").planned
    assert detect("Two teams are trialling the scanner before we decide.").pilot
    assert detect("Only the customer-facing apps are scanned; the internal tools are not.").partial


def test_the_window_is_the_words_around_the_cue():
    text = "The bucket is encrypted and access is logged, and the key rotation is booked for March next year."
    assert readers.window("plans and pilots", text) == "and the key rotation is booked for March next year."


def test_the_cue_only_reader_is_used_without_the_encoder(monkeypatch):
    from aismm_assistant.interview import attribution

    monkeypatch.setattr(attribution, "enabled", lambda: False)
    probs = readers.probabilities("plans and pilots", "We plan to add a second reviewer next year.")
    assert probs is not None and len(probs) == 4 and abs(sum(probs) - 1.0) < 1e-6


def test_shipped_weights_match_the_cues():
    model = readers.load()
    assert model is not None
    for family, classes in readers.CLASSES.items():
        assert model["families"][family]["classes"] == list(classes)
        assert model["families"][family]["features"] == readers.features(family)


def test_a_bad_label_file_is_refused_with_its_line(tmp_path):
    from aismm_assistant.evals.training import LABEL_FILES, sentence_labels

    folder = tmp_path / "sentence-labels"
    folder.mkdir()
    for name in LABEL_FILES.values():
        (folder / name).write_text(json.dumps({"organisation": "acme", "label": "current",
                                               "sentence": "We plan to buy one."}) + "\n", encoding="utf-8")
    (folder / LABEL_FILES["partial scope"]).write_text(
        json.dumps({"organisation": "acme", "label": "sometimes", "sentence": "Only some."}) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"partial-scope\.jsonl:1: not a sentence label"):
        sentence_labels(tmp_path)


def test_missing_labels_are_refused(tmp_path):
    from aismm_assistant.evals.training import sentence_labels

    with pytest.raises(ValidationError, match="missing"):
        sentence_labels(tmp_path)


def test_every_tuning_sentence_a_cue_fires_on_is_labelled():
    """The readers are cross-fitted on labels: a tuning file added without labelling its cue sentences would be read
    by a reader that was trained on nothing from it (evals.training unlabelled lists what to label)."""
    from pathlib import Path

    from aismm_assistant.evals.training import unlabelled_sentences

    root = Path(__file__).resolve().parents[2]
    missing = unlabelled_sentences(root / "evals" / "golden")
    assert not any(missing.values()), {f: s[:3] for f, s in missing.items() if s}
