"""Real MiniLM, real Chroma index (the session's `real_index` from conftest): numpy/sentence-transformers
agreement, shipped vectors, incremental indexing, filters, free-question answers and retrieval quality."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from aismm_assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def _query_vectors() -> dict[str, np.ndarray]:
    return {}


@pytest.fixture
def each_query_embedded_once(_query_vectors, monkeypatch):
    """The on-topic gauge and the quality benchmark's hybrid and dense systems embed the same ~280 labelled
    queries: the real MiniLM vector of each is computed once for this file (14 ms each), then reused.
    The numpy encoder itself is held to sentence-transformers by its own test above."""
    from aismm_assistant.retrieval.search import Retriever

    embed = Retriever.embed_query

    def remembered(self, query: str) -> np.ndarray:
        if query not in _query_vectors:
            _query_vectors[query] = embed(self, query)
        return _query_vectors[query].copy()

    monkeypatch.setattr(Retriever, "embed_query", remembered)


def test_first_build_takes_vectors_from_the_package_and_records_the_corpus(indexed):
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.chunks import corpus_chunks
    from aismm_assistant.retrieval.embedder import model_fingerprint
    from aismm_assistant.retrieval.index import read_manifest
    from aismm_assistant.retrieval.vectors import SHIPPED_STEM, read_vector_file, text_key

    _, corpus_dir, report = indexed
    corpus = load_corpus(corpus_dir)
    chunks = corpus_chunks(corpus)
    shipped = read_vector_file(SHIPPED_STEM, model_fingerprint())
    new_texts = {text_key(c.text) for c in chunks} - set(shipped)
    assert report.chunks == report.written == len(chunks)
    assert report.embedded == len(new_texts)  # 0 unless the corpus changed since the vectors were shipped
    assert report.from_package + report.embedded == len({text_key(c.text) for c in chunks})
    manifest = read_manifest()
    assert manifest["corpus_hash"] == corpus.content_hash
    assert manifest["corpus_version"] == corpus.meta.version


def test_rebuild_with_nothing_changed_does_no_embedding_work(indexed, monkeypatch):
    from aismm_assistant.retrieval import embedder, index

    def refuse(*args, **kwargs):
        raise AssertionError("embedding work on an unchanged corpus")

    monkeypatch.setattr(embedder, "embed_documents", refuse)
    report = index.build_index()
    assert (report.embedded, report.written, report.deleted) == (0, 0, 0)
    assert report.unchanged == report.chunks


def test_changed_corpus_re_embeds_only_what_changed(indexed):
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.index import build_index, read_manifest

    _, corpus_dir, _ = indexed
    path = corpus_dir / "categories" / "MOD.yaml"
    original = path.read_text(encoding="utf-8")
    data = yaml.safe_load(original)
    next(c for c in data["controls"] if c["id"] == "MOD-03.1")["rationale"] = "Pinned versions matter a lot."
    try:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        changed = load_corpus(corpus_dir)
        assert changed.control("MOD-03.1").rationale == "Pinned versions matter a lot."
        report = build_index(changed)
        assert (report.embedded, report.written, report.deleted) == (1, 1, 0)  # only the MOD-03.1 rationale
        assert read_manifest()["corpus_hash"] == changed.content_hash
    finally:
        path.write_text(original, encoding="utf-8")
    report = build_index(load_corpus(corpus_dir))
    assert (report.embedded, report.written) == (0, 1)  # the original text's vector is still cached


def test_numpy_query_embeddings_agree_with_sentence_transformers():
    from aismm_assistant.retrieval.embedder import embed_documents, query_encoder

    texts = ["how do we prove prompt logging?", "MOD-03.1", "Approved-model registry with version pinning",
             "A long passage " * 120, "données personnelles et IA générative", ""]
    reference = embed_documents(texts)
    mine = query_encoder().embed(texts)
    cosines = np.sum(reference * mine, axis=1) / (np.linalg.norm(reference, axis=1) * np.linalg.norm(mine, axis=1))
    assert cosines.min() >= 0.9999, cosines


def test_shipped_vectors_are_the_models_vectors():
    """A sample of the package's vectors, re-embedded now: a wrong or shuffled file would fail here."""
    from aismm_assistant.corpus import load_corpus_dir
    from aismm_assistant.retrieval.chunks import corpus_chunks
    from aismm_assistant.retrieval.embedder import embed_documents, model_fingerprint
    from aismm_assistant.retrieval.vectors import SHIPPED_STEM, read_vector_file, text_key

    shipped = read_vector_file(SHIPPED_STEM, model_fingerprint())
    chunks = [c for c in corpus_chunks(load_corpus_dir(PROJECT_ROOT / "corpus")) if text_key(c.text) in shipped]
    sample = chunks[:: max(1, len(chunks) // 24)]
    fresh = embed_documents([c.text for c in sample])
    stored = np.stack([shipped[text_key(c.text)] for c in sample]).astype(np.float32)
    assert np.sum(fresh * stored, axis=1).min() >= 0.999


def test_filters_restrict_hybrid_results(indexed):
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval import search

    corpus = load_corpus()
    for hit in search("registry of approved models", k=10, level=3):
        assert hit.level == 3
    for hit in search("registry of approved models", k=10, category="gov"):
        assert hit.category == "GOV"
    hits = search("scanning model artifacts and weights", k=10, deployment="API/SaaS")
    assert hits and all(corpus.control(h.control_id).applies_to(["API/SaaS"]) for h in hits)
    assert "DEV-03.3" not in {h.control_id for h in hits}  # Self-hosted only


def test_free_question_is_answered_from_the_top_controls(indexed):
    from aismm_assistant.answering import ask

    result = ask("how do we prove prompt logging?")
    assert result["citations"][0] == "MON-02.1"
    assert "Evidence an assessor looks for" in result["answer"]
    assert set(result["citations"]) <= {s["control_id"] for s in result["sources"]}


@pytest.mark.parametrize("question", ["what is the capital of France?", "a recipe for banana bread", "tell me a joke"])
def test_off_topic_question_says_nothing_matches_rather_than_guessing(indexed, question):
    from aismm_assistant.answering import ask

    result = ask(question)
    assert result["citations"] == [] and result["sources"] == []
    assert result["answer"].startswith("No control objective in the corpus addresses this question")


def test_every_labelled_query_is_on_topic(indexed, each_query_embedded_once):
    """The off-topic gauge never refuses a real question from the benchmark set."""
    from aismm_assistant.answering import MIN_SIMILARITY
    from aismm_assistant.retrieval.bench import DEFAULT_QUERIES_DIR, load_queries
    from aismm_assistant.retrieval.search import get_retriever

    if not any(DEFAULT_QUERIES_DIR.glob("*.yaml")):
        pytest.skip("no labelled queries yet")
    retriever = get_retriever()
    low = [q.query for q in load_queries() if retriever.best_similarity(q.query) < MIN_SIMILARITY]
    assert low == []


def test_hybrid_meets_the_quality_bar_and_beats_each_part(indexed, each_query_embedded_once):
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.bench import DEFAULT_QUERIES_DIR, load_queries, run_benchmark

    if not any(DEFAULT_QUERIES_DIR.glob("*.yaml")):
        pytest.skip("no labelled queries yet")
    queries = load_queries(known_ids=set(load_corpus().control_ids()))
    systems = run_benchmark(queries, ("hybrid", "bm25", "dense"))["systems"]
    assert systems["hybrid"]["recall@5"] >= 0.95
    assert systems["hybrid"]["mrr"] >= 0.85
    for other in ("bm25", "dense"):
        assert systems["hybrid"]["mrr"] > systems[other]["mrr"]
