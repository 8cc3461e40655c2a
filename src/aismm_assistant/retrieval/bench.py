"""Retrieval benchmark: labelled queries, ranking metrics, and five systems measured in the same run.

Systems: `hybrid` (what `search()` does), `hybrid_minmax` (the same with the previous min-max fusion),
`bm25` and `dense` alone, and `langchain_baseline` - what a
newcomer would build: langchain_chroma.Chroma over the corpus text split with a default
RecursiveCharacterTextSplitter, embedded with the same MiniLM, `similarity_search(k=5)`.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aismm_assistant.corpus import read_yaml
from aismm_assistant.errors import ValidationError
from aismm_assistant.settings import PROJECT_ROOT

DEFAULT_QUERIES_DIR = PROJECT_ROOT / "evals" / "retrieval"
METRICS = ("recall@1", "recall@5", "mrr", "ndcg@10", "p50_ms")


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    relevant: tuple[str, ...]
    source: str


def load_queries(path: Path | None = None, known_ids: set[str] | None = None) -> list[LabelledQuery]:
    """Read `queries: [{query, relevant: [IDs]}]` from one file or every *.yaml under a folder."""
    path = Path(path or DEFAULT_QUERIES_DIR)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
        if not files:
            raise ValidationError(f"{path}: no query files (*.yaml with queries: [{{query, relevant}}])")
    elif path.exists():
        files = [path]
    else:
        raise ValidationError(f"{path}: no such file or folder")
    out: list[LabelledQuery] = []
    for f in files:
        data = read_yaml(f)
        items = data.get("queries") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ValidationError(f"{f}: expected 'queries:' with a list of {{query, relevant}}")
        for i, item in enumerate(items, 1):
            if not isinstance(item, dict) or not str(item.get("query") or "").strip():
                raise ValidationError(f"{f}: query #{i}: needs a non-empty 'query'")
            relevant = item.get("relevant")
            if isinstance(relevant, str):
                relevant = [relevant]
            if not isinstance(relevant, list) or not relevant:
                raise ValidationError(f"{f}: query #{i}: 'relevant' must list at least one control ID")
            unknown = [r for r in relevant if known_ids is not None and r not in known_ids]
            if unknown:
                raise ValidationError(f"{f}: query #{i}: unknown control ID {unknown[0]}")
            out.append(LabelledQuery(str(item["query"]).strip(), tuple(str(r) for r in relevant), str(f)))
    return out


def query_metrics(ranked: list[str], relevant: tuple[str, ...]) -> dict[str, float]:
    """recall@k = share of the relevant controls in the top k; MRR of the first relevant; binary nDCG@10."""
    rel = set(relevant)
    first = next((i for i, c in enumerate(ranked, 1) if c in rel), None)
    dcg = sum(1.0 / math.log2(i + 1) for i, c in enumerate(ranked[:10], 1) if c in rel)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(rel), 10) + 1))
    return {
        "recall@1": len(rel & set(ranked[:1])) / min(len(rel), 1),
        "recall@5": len(rel & set(ranked[:5])) / min(len(rel), 5),
        "mrr": 1.0 / first if first else 0.0,
        "ndcg@10": dcg / ideal if ideal else 0.0,
    }


def evaluate(system: Callable[[str], list[str]], queries: list[LabelledQuery]) -> dict[str, float]:
    """Mean metrics and median latency for one ranking function."""
    rows, times = [], []
    for q in queries:
        started = time.perf_counter()
        ranked = system(q.query)
        times.append((time.perf_counter() - started) * 1000)
        rows.append(query_metrics(ranked, q.relevant))
    out = {m: round(statistics.fmean(r[m] for r in rows), 4) for m in METRICS if m != "p50_ms"}
    out["p50_ms"] = round(statistics.median(times), 2)
    return out


class _MiniLMEmbeddings:
    """A LangChain Embeddings wrapper around the same MiniLM, as a newcomer would write it."""

    def __new__(cls) -> Any:
        from langchain_core.embeddings import Embeddings

        from aismm_assistant.retrieval.embedder import load_sentence_transformer

        class MiniLMEmbeddings(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                model = load_sentence_transformer()
                return model.encode(texts, normalize_embeddings=True, show_progress_bar=False).tolist()

            def embed_query(self, text: str) -> list[float]:
                return self.embed_documents([text])[0]

        return MiniLMEmbeddings()


def langchain_baseline(corpus: Any) -> Callable[[str], list[str]]:
    """Per-control documents, default splitter, Chroma in memory, similarity_search(k=5), IDs deduplicated."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = []
    for c in corpus.controls:
        text = "\n".join(
            [f"{c.id} {c.name}", c.objective, c.rationale, c.description, *c.evidence]
        )
        docs.append(Document(page_content=text, metadata={"control_id": c.id}))
    splits = RecursiveCharacterTextSplitter().split_documents(docs)
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma.from_documents(
        splits, _MiniLMEmbeddings(), client=client, collection_name=f"lc-baseline-{time.time_ns()}"
    )

    def run(query: str) -> list[str]:
        found = store.similarity_search(query, k=5)
        return list(dict.fromkeys(d.metadata["control_id"] for d in found))

    return run


def run_benchmark(
    queries: list[LabelledQuery],
    systems: tuple[str, ...] = ("hybrid", "hybrid_minmax", "bm25", "dense", "langchain_baseline"),
) -> dict[str, Any]:
    """All systems on the same queries in one process; the retrieval stack is warmed before timing."""
    from aismm_assistant.retrieval.search import DEFAULT_FUSION, MINMAX_FUSION, Filters, get_retriever

    if not queries:
        raise ValidationError("no labelled queries to benchmark")
    retriever = get_retriever()
    dense_alone = replace(DEFAULT_FUSION, context_weight=0.0)
    retriever.dense_backend()
    retriever.search("warm up the index", 10)
    runners: dict[str, Callable[[str], list[str]]] = {
        "hybrid": lambda q: [h.control_id for h in retriever.search(q, 10)],
        # the previous fusion (per-query min-max), to show what calibration changes
        "hybrid_minmax": lambda q: [h.control_id for h in retriever.search(q, 10, fusion=MINMAX_FUSION)],
        "bm25": lambda q: [c for c, _, _ in retriever.ranked(q, "bm25", Filters())[:10]],
        # dense alone does best without the category/level context bonus (see docs/retrieval.md)
        "dense": lambda q: [c for c, _, _ in retriever.ranked(q, "dense", Filters(), dense_alone)[:10]],
    }
    if "langchain_baseline" in systems:
        runners["langchain_baseline"] = langchain_baseline(retriever.corpus)
    results = {}
    for name in systems:
        run = runners[name]
        run(queries[0].query)
        results[name] = evaluate(run, queries)
    return {"queries": len(queries), "corpus_hash": retriever.corpus.content_hash, "systems": results}
