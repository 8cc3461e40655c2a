"""Exact-ID, AICM and reference search, filters and bad input - all without the model or the index."""

from __future__ import annotations

import pytest

from aismm_assistant.corpus import controls_for_aicm, controls_for_reference, load_corpus
from aismm_assistant.errors import AismmError, NotFoundError, ValidationError
from aismm_assistant.retrieval.exact import find_exact
from aismm_assistant.retrieval.search import search


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def _loose_forms(cid: str) -> list[str]:
    prefix, rest = cid.split("-")
    level, number = rest.split(".")
    return [cid.lower(), f"{prefix}-{int(level)}.{number}", f"{prefix} {level}.{number}", f"{prefix.lower()}_{level}_{number}"]


def test_every_control_id_is_found_first_in_any_form(corpus):
    for control in corpus.controls:
        for form in [control.id, *_loose_forms(control.id)]:
            hits = search(form)
            assert hits[0].control_id == control.id, form
            assert hits[0].match == "id"
            assert hits[0].score == 1.0
            assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_pure_id_query_is_followed_by_same_category_neighbours_without_an_index(corpus, aismm_home):
    hits = search("what does mod-3.1 require?", k=5)
    assert [h.control_id for h in hits][0] == "MOD-03.1"
    assert all(h.category == "MOD" for h in hits)
    assert hits[1].level == 3  # the nearest level comes first
    assert len(hits) == 5
    assert not (aismm_home / "index").exists()  # answered without building the index


def test_aicm_id_returns_mapped_controls_first(corpus):
    aicm_ids = sorted({a for c in corpus.controls for a in c.aicm})
    assert aicm_ids
    for aid in aicm_ids:
        mapped = {c.id for c in controls_for_aicm(aid, corpus)}
        hits = search(aid, k=min(50, max(1, len(mapped))))
        assert {h.control_id for h in hits} <= mapped, aid
        assert all(h.match == "aicm" for h in hits)


@pytest.mark.parametrize("ref", ["GOVERN 1.1", "LLM01", "llm01:2025", "MEASURE 2.7"])
def test_references_short_circuit_to_citing_controls(corpus, ref):
    mapped = {c.id for c in controls_for_reference(ref.upper(), corpus)}
    if not mapped:
        pytest.skip(f"no control cites {ref} in this corpus")
    hits = search(ref, k=min(50, len(mapped)))
    assert {h.control_id for h in hits} == mapped
    assert hits[0].match == "reference"


def test_find_exact_tells_control_ids_from_aicm_ids_and_nist_references(corpus):
    found, rest = find_exact("compare IAM-02.1 with MAP 2.3 please", corpus)
    assert found[0].control_id == "IAM-02.1" and found[0].kind == "id"
    assert "IAM" not in rest
    found, _ = find_exact("IAM-02", corpus)
    assert all(m.kind == "aicm" for m in found)
    found, _ = find_exact("MOD-07.9 is not a control", corpus)
    assert found == []


def test_filters_apply_to_exact_matches_too():
    assert all(h.control_id != "MOD-03.1" for h in search("MOD-03.1", level=4))
    hits = search("MOD-03.1", category="mod", level="L3")
    assert hits[0].control_id == "MOD-03.1"
    assert all(h.category == "MOD" and h.level == 3 for h in hits)


def test_deployment_filter_keeps_only_applicable_controls(corpus):
    hits = search("DEV-03.3 DEV-02.2", k=10, deployment="self hosted")
    ids = [h.control_id for h in hits]
    assert "DEV-03.3" in ids  # Self-hosted only
    assert "DEV-02.2" not in ids  # API/SaaS only
    assert all(corpus.control(i).applies_to(["Self-hosted"]) for i in ids)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"query": ""}, ValidationError, "empty query"),
        ({"query": "   "}, ValidationError, "empty query"),
        ({"query": "x", "k": 0}, ValidationError, "k must be"),
        ({"query": "x", "k": 51}, ValidationError, "k must be"),
        ({"query": "x", "category": "XYZ"}, NotFoundError, "no category"),
        ({"query": "x", "level": 1}, ValidationError, "levels 2-5"),
        ({"query": "x", "level": "L9"}, ValidationError, "levels 2-5"),
        ({"query": "x", "level": "\u00b2"}, ValidationError, "levels 2-5"),  # isdigit() but not int()-able
        ({"query": "x", "deployment": "on-prem"}, ValidationError, "deployment type"),
        ({"query": "x" * 2001}, ValidationError, "too long"),
    ],
)
def test_bad_input_fails_with_one_line(kwargs, error, fragment):
    with pytest.raises(error) as info:
        search(**kwargs)
    message = str(info.value)
    assert fragment in message and "\n" not in message
    assert isinstance(info.value, AismmError)
