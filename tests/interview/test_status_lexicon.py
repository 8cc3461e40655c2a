"""The reviewed table of status signals (interview/lexicon.py): every cue fires on its generic example and not on
its counter-example; every family of issue 11 is present; the table stays small and owes nothing to a golden set."""

from __future__ import annotations

from pathlib import Path

import pytest

from aismm_assistant.interview import lexicon

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("cue", lexicon.CUES, ids=lambda c: f"{c.family}: {c.name}")
def test_cue_fires_on_its_example_and_not_on_its_counter_example(cue):
    assert cue.regex.search(cue.example), f"{cue.name!r} misses its example"
    assert not cue.regex.search(cue.counter_example), f"{cue.name!r} fires on its counter-example"


def test_every_family_has_cues_and_names_are_unique():
    assert {c.family for c in lexicon.CUES} == set(lexicon.FAMILIES)
    names = [(c.family, c.name) for c in lexicon.CUES]
    assert len(names) == len(set(names))


def test_the_table_is_at_most_half_of_the_old_lexicon():
    assert lexicon.alternatives() <= 1789 // 2


def test_no_example_is_copied_from_a_golden_transcript():
    import yaml

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same data as safe_load, ten times faster
    answers = []
    for path in sorted((ROOT / "evals" / "golden").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=safe)  # noqa: S506 - a safe loader
        answers += [t["answer"].lower() for case in data["categories"].values() for t in case["turns"]]
    for cue in lexicon.CUES:
        for text in (cue.example, cue.counter_example):
            assert not any(text.lower().rstrip(".") in a for a in answers), f"{text!r} is a golden sentence"


@pytest.mark.parametrize("sentence, family, expected", [
    ("There is no local login possible, we disabled it in the admin console.", "negation scope",
     {"there is no", "prevention is not absence"}),
    ("We've never tested the fallback.", "negation scope", {"organisation does not"}),
    ("The policy - and this is only an intention - will be written next year.", "plans and pilots", {"time ahead"}),
])
def test_family_readings_of_generic_sentences(sentence, family, expected):
    assert {c.name for c in lexicon.fired(sentence, family)} == expected
