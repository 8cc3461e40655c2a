"""The shipped corpus: complete, representative, and written to the project's own bar."""

from __future__ import annotations

from aismm_assistant.corpus import load_corpus
from aismm_assistant.model import CATEGORY_ORDER, DEPLOYMENT_TYPES


def test_shipped_corpus_is_complete_and_labelled():
    corpus = load_corpus()
    assert corpus.meta.representative is True
    assert "REPRESENTATIVE" in corpus.meta.notice
    assert [c.id for c in corpus.categories] == list(CATEGORY_ORDER)
    assert len(corpus.controls) >= 96
    for cat in corpus.categories:
        assert cat.scope and cat.owner_role, cat.id
        assert sorted(cat.levels) == [1, 2, 3, 4, 5], cat.id
        for level in range(2, 6):
            assert 2 <= len(cat.controls_at(level)) <= 3, (cat.id, level)


def test_every_objective_has_the_details_fields():
    for c in load_corpus().controls:
        words = len(c.description.split())
        assert 60 <= words <= 200, (c.id, words)
        assert 3 <= len(c.evidence) <= 6, c.id
        assert c.rationale and c.rationale.count(". ") == 0, c.id
        assert c.question and c.follow_up and len(c.key_terms) >= 3, c.id
        assert c.references or c.aicm, c.id


def test_deployment_types_really_differ():
    corpus = load_corpus()
    used = {t for c in corpus.controls for t in c.deployment_types}
    assert set(DEPLOYMENT_TYPES) <= used
    # an API/SaaS-only organisation has fewer applicable objectives than a self-hosting one
    api_only = [c for c in corpus.controls if c.applies_to(["API/SaaS"])]
    self_hosted = [c for c in corpus.controls if c.applies_to(["Self-hosted"])]
    assert len(api_only) < len(corpus.controls) and len(self_hosted) < len(corpus.controls)


def test_public_fact_gov_02_1():
    c = load_corpus().control("GOV-02.1")
    assert "90%" in c.objective and "12 months" in c.objective
