"""Fast paths of retrieval without the real model: the caches between processes, the shipped and cached
chunk vectors, filters of the in-memory dense backend, calibrated fusion, and a server that never waits."""

from __future__ import annotations

import importlib
import shutil
import threading

import numpy as np
import pytest

from aismm_assistant.settings import PROJECT_ROOT, get_settings, reset_settings


@pytest.fixture
def corpus_copy(tmp_path, monkeypatch):
    target = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", target)
    monkeypatch.setenv("AISMM_CORPUS_DIR", str(target))
    reset_settings()
    return target


def _fresh_process_state():
    """What a new process starts with: no in-memory corpus or retriever."""
    from aismm_assistant import corpus

    corpus._load_cached.cache_clear()
    _search_module()._RETRIEVERS.clear()


def _search_module():
    return importlib.import_module("aismm_assistant.retrieval.search")


def fake_vectors(texts: list[str]) -> np.ndarray:
    """A deterministic stand-in for the model: unit vectors seeded by the text."""
    out = []
    for t in texts:
        rng = np.random.default_rng(abs(hash(t)) % 2**32)
        v = rng.standard_normal(384).astype(np.float32)
        out.append(v / np.linalg.norm(v))
    return np.array(out, dtype=np.float32).reshape(len(texts), 384)


# ---------------------------------------------------------------- corpus and lexical caches


def test_corpus_is_parsed_once_then_read_from_the_cache_and_an_edit_is_seen(corpus_copy, monkeypatch):
    from aismm_assistant import corpus as corpus_module

    first = corpus_module.load_corpus()
    assert list((get_settings().home / "cache").glob("corpus-*.pickle"))
    _fresh_process_state()

    def refuse(directory):
        raise AssertionError("parsed the YAML again although nothing changed")

    monkeypatch.setattr(corpus_module, "load_corpus_dir", refuse)
    again = corpus_module.load_corpus()
    assert again.content_hash == first.content_hash
    assert again.control("MOD-03.1").name == first.control("MOD-03.1").name
    monkeypatch.undo()
    monkeypatch.setenv("AISMM_CORPUS_DIR", str(corpus_copy))
    reset_settings()

    path = corpus_copy / "categories" / "MOD.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Approved-model registry", "Approved model list", 1),
                    encoding="utf-8")
    _fresh_process_state()
    edited = corpus_module.load_corpus()
    assert edited.content_hash != first.content_hash
    assert edited.control("MOD-03.1").name.startswith("Approved model list")


def test_a_damaged_cache_entry_is_ignored(corpus_copy):
    from aismm_assistant.corpus import load_corpus

    first = load_corpus()
    for entry in (get_settings().home / "cache").glob("corpus-*.pickle"):
        entry.write_bytes(b"not a pickle")
    _fresh_process_state()
    assert load_corpus().content_hash == first.content_hash


def test_bm25_from_the_cache_scores_exactly_like_bm25s(corpus_copy, monkeypatch):
    import bm25s

    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval import lexical
    from aismm_assistant.retrieval.lexical import BM25Index, lexical_index, tokenize

    corpus = load_corpus()
    chunks, built = lexical_index(corpus)
    monkeypatch.setattr(BM25Index, "build", classmethod(lambda cls, c: pytest.fail("rebuilt BM25 on a cache hit")))
    cached_chunks, cached = lexical.lexical_index(corpus)
    assert [c.id for c in cached_chunks] == [c.id for c in chunks]

    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([tokenize(c.text) or ["_empty_"] for c in chunks], show_progress=False)
    for query in ("how do we prove prompt logging?", "vendor vendor outage failover", "zzz unknownword"):
        tokens = [t for t in tokenize(query) if t in reference.vocab_dict]
        expected = np.asarray(reference.get_scores(tokens), dtype=np.float32) if tokens else np.zeros(len(chunks))
        assert np.array_equal(cached.scores(query), expected)


# ---------------------------------------------------------------- chunk vectors


def _chunks(corpus_dir):
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.chunks import corpus_chunks

    corpus = load_corpus(corpus_dir)
    return corpus, corpus_chunks(corpus)


def test_vectors_come_from_the_package_and_only_new_text_is_embedded(corpus_copy, monkeypatch, tmp_path):
    from aismm_assistant.retrieval import embedder, vectors

    calls: list[str] = []

    def embed(texts, batch_size=32):
        calls.extend(texts)
        return fake_vectors(texts)

    monkeypatch.setattr(embedder, "embed_documents", embed)
    # A package file for the unedited corpus, written with the fake model.
    corpus, chunks = _chunks(corpus_copy)
    shipped = tmp_path / "pkg" / "minilm-chunks"
    keys = [vectors.text_key(c.text) for c in chunks]
    vectors.write_vector_file(shipped, list(dict.fromkeys(keys)),
                              fake_vectors(list(dict.fromkeys(c.text for c in chunks))),
                              embedder.model_fingerprint(), corpus_hash=corpus.content_hash)
    monkeypatch.setattr(vectors, "SHIPPED_STEM", shipped)
    index_dir = tmp_path / "index"

    matrix, report = vectors.chunk_vectors(chunks, corpus.content_hash, index_dir)
    assert (report.embedded, report.from_package, calls) == (0, len(set(keys)), [])
    assert np.allclose(matrix, fake_vectors([c.text for c in chunks]), atol=1e-3)

    path = corpus_copy / "categories" / "MOD.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Approved-model registry", "Approved model list", 1),
                    encoding="utf-8")
    _fresh_process_state()
    edited, edited_chunks = _chunks(corpus_copy)
    changed = [c.text for c in edited_chunks if vectors.text_key(c.text) not in set(keys)]
    assert changed  # the name leads every chunk of MOD-03.1
    matrix, report = vectors.chunk_vectors(edited_chunks, edited.content_hash, index_dir)
    assert sorted(calls) == sorted(changed) and report.embedded == len(changed)
    # every row is the vector of its own text, never a stale neighbour's
    assert np.allclose(matrix, fake_vectors([c.text for c in edited_chunks]), atol=1e-3)
    assert vectors.cached_vectors(edited_chunks, edited.content_hash, index_dir) is not None


def test_vectors_from_other_weights_or_a_damaged_file_are_never_used(corpus_copy, monkeypatch, tmp_path):
    from aismm_assistant.retrieval import embedder, vectors

    monkeypatch.setattr(embedder, "embed_documents", lambda texts, batch_size=32: fake_vectors(texts))
    corpus, chunks = _chunks(corpus_copy)
    stem = tmp_path / "pkg" / "minilm-chunks"
    texts = list(dict.fromkeys(c.text for c in chunks))
    wrong = -fake_vectors(texts)
    vectors.write_vector_file(stem, [vectors.text_key(t) for t in texts], wrong, "other-weights")
    assert vectors.read_vector_file(stem, embedder.model_fingerprint()) == {}
    monkeypatch.setattr(vectors, "SHIPPED_STEM", stem)
    matrix, report = vectors.chunk_vectors(chunks, corpus.content_hash, tmp_path / "index")
    assert report.from_package == 0 and report.embedded == len(texts)
    assert np.allclose(matrix, fake_vectors([c.text for c in chunks]), atol=1e-3)

    stem.with_suffix(".npy").write_bytes(b"\x93NUMPY garbage")
    assert vectors.read_vector_file(stem, "other-weights") == {}


# ---------------------------------------------------------------- dense filters and fusion


def test_matrix_backend_filters_like_a_chroma_where_clause(corpus_copy):
    from aismm_assistant.retrieval.dense import MatrixBackend
    from aismm_assistant.retrieval.search import make_filters

    _, chunks = _chunks(corpus_copy)
    backend = MatrixBackend(chunks, fake_vectors([c.text for c in chunks]))
    query = fake_vectors(["query"])[0]
    for filters in (make_filters(level=3), make_filters(category="mod"), make_filters(deployment="API/SaaS"),
                    make_filters(category="DAT", level=4, deployment="Self-hosted")):
        where = filters.chroma_where()
        got = backend.top(query, where, pool=len(chunks))
        clauses = where.get("$and", [where])
        expected = {i for i, c in enumerate(chunks) if all(c.metadata[k] == v for cl in clauses for k, v in cl.items())}
        assert set(got) == expected and got
    assert len(backend.top(query, None, pool=10)) == 10


def test_a_weak_lexical_match_cannot_outvote_a_strong_dense_match():
    from aismm_assistant.retrieval.search import DEFAULT_FUSION, FusionConfig, _Scores, fuse

    # BM25 found one control matching 15 % of the query (a vendor name); dense is sure of another.
    bm25 = _Scores({"VENDOR-MATCH": 0.15}, {"VENDOR-MATCH": "terms"})
    dense = _Scores({"RIGHT-ONE": 0.72, "VENDOR-MATCH": 0.31, "OTHER": 0.30}, dict.fromkeys(("RIGHT-ONE", "VENDOR-MATCH", "OTHER"), "objective"))
    assert fuse(bm25, dense, DEFAULT_FUSION)[0][0] == "RIGHT-ONE"
    # min-max scaling (the old fusion) gave the weak match full lexical weight and let it win
    assert fuse(bm25, dense, FusionConfig("convex", w_bm25=0.7, w_dense=0.3))[0][0] == "VENDOR-MATCH"
    # and a strong lexical match still beats a lukewarm dense preference
    strong = _Scores({"EXACT-WORDS": 0.85, "RIGHT-ONE": 0.05}, dict.fromkeys(("EXACT-WORDS", "RIGHT-ONE"), "terms"))
    lukewarm = _Scores({"RIGHT-ONE": 0.52, "EXACT-WORDS": 0.45}, dict.fromkeys(("EXACT-WORDS", "RIGHT-ONE"), "objective"))
    assert fuse(strong, lukewarm, DEFAULT_FUSION)[0][0] == "EXACT-WORDS"
    assert all(0.0 <= s <= 0.9 for _, s, _ in fuse(strong, lukewarm, DEFAULT_FUSION))


def test_unknown_query_words_lower_the_lexical_share(corpus_copy):
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.retrieval.lexical import lexical_index

    _, bm25 = lexical_index(load_corpus())
    plain = bm25.scores("prompt logging").max() / bm25.ceiling("prompt logging")
    diluted = bm25.scores("prompt logging zyxwv qwxyz").max() / bm25.ceiling("prompt logging zyxwv qwxyz")
    assert 0 < diluted < plain <= 1.0


# ---------------------------------------------------------------- a server never waits for an index build


def test_a_serving_process_answers_lexically_while_the_dense_side_loads(corpus_copy, monkeypatch):
    from aismm_assistant.retrieval.dense import MatrixBackend

    search_module = _search_module()
    release = threading.Event()
    started = threading.Event()

    def slow_load(self):
        started.set()
        assert release.wait(30)
        return MatrixBackend(self.chunks, fake_vectors([c.text for c in self.chunks]))

    monkeypatch.setattr(search_module.Retriever, "_load_dense", slow_load)
    monkeypatch.setattr(search_module.Retriever, "embed_query", lambda self, q: fake_vectors([q])[0])
    monkeypatch.setenv("AISMM_SERVING", "1")
    reset_settings()
    _fresh_process_state()
    hits = search_module.search("prompt and response logging to the SIEM", k=3)
    assert started.wait(10)
    assert hits and {h.match for h in hits} == {"lexical"}
    assert hits[0].control_id == "MON-02.1"
    assert 0 <= search_module.get_retriever().best_similarity("prompt logging") <= 1
    release.set()
    search_module.get_retriever()._thread.join(10)
    assert {h.match for h in search_module.search("prompt and response logging to the SIEM", k=3)} == {"hybrid"}
    _fresh_process_state()
