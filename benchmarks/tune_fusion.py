"""Sweep fusion settings on the labelled queries and print the best ones (the choice is in docs/retrieval.md).

Chunk scores are computed once per query (BM25 over all chunks, dense over all chunks), then every
configuration is replayed on them, so the sweep takes seconds. A two-fold split reports whether the
winner on one half also wins on the other (a guard against tuning to noise).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/tune_fusion.py [QUERIES_PATH]
"""

from __future__ import annotations

import itertools
import statistics
import sys
from pathlib import Path

import numpy as np

from aismm_assistant.corpus import load_corpus
from aismm_assistant.retrieval.bench import load_queries, query_metrics
from aismm_assistant.retrieval.search import Filters, FusionConfig, fuse, get_retriever


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    queries = load_queries(path, known_ids=set(load_corpus().control_ids()))
    r = get_retriever()
    collection, embedder = r.dense_backend()
    n = len(r.chunks)
    cached = []
    for q in queries:
        raw = r.bm25.scores(q.query)
        bm = {int(i): float(raw[i]) for i in np.flatnonzero(raw > 0)}
        res = collection.query(query_embeddings=[embedder.embed_query(q.query)], n_results=n, include=["distances"])
        de = {r._pos[c]: 1.0 - d for c, d in zip(res["ids"][0], res["distances"][0], strict=True)}
        cached.append((q, bm, de))

    def score(cfg: FusionConfig, subset: list) -> dict[str, float]:
        rows = []
        for q, bm, de in subset:
            b = r._aggregate(bm, cfg, Filters())
            d = r._aggregate(dict(sorted(de.items(), key=lambda t: -t[1])[: cfg.pool]), cfg, Filters())
            ranked = [c for c, _, _ in fuse(b, d, cfg)]
            rows.append(query_metrics(ranked, q.relevant))
        return {m: statistics.fmean(x[m] for x in rows) for m in ("recall@1", "recall@5", "mrr", "ndcg@10")}

    grid = []
    for k, wb, cw in itertools.product((5, 10, 20, 30, 60), (1.0, 1.5, 2.0, 3.0), (0.0, 0.1, 0.3)):
        grid.append(FusionConfig("rrf", rrf_k=k, w_bm25=wb, w_dense=1.0, context_weight=cw))
    for wb, cw in itertools.product((0.3, 0.4, 0.5, 0.6, 0.7, 0.8), (0.0, 0.1, 0.3)):
        grid.append(FusionConfig("convex", w_bm25=wb, w_dense=1 - wb, context_weight=cw))
    results = [(cfg, score(cfg, cached)) for cfg in grid]
    results.sort(key=lambda t: (-t[1]["mrr"], -t[1]["recall@5"]))
    print(f"{len(queries)} queries; top configurations by MRR")
    print(f"{'method':7} {'k':>3} {'w_bm25':>6} {'w_dense':>7} {'ctx':>4} | {'R@1':>6} {'R@5':>6} {'MRR':>6} {'nDCG':>6}")
    for cfg, m in results[:15]:
        print(f"{cfg.method:7} {cfg.rrf_k:>3} {cfg.w_bm25:>6.2f} {cfg.w_dense:>7.2f} {cfg.context_weight:>4.1f} | "
              f"{m['recall@1']:.4f} {m['recall@5']:.4f} {m['mrr']:.4f} {m['ndcg@10']:.4f}")
    halves = (cached[0::2], cached[1::2])
    for i, (tune, held) in enumerate((halves, halves[::-1])):
        best = max(grid, key=lambda c: score(c, tune)["mrr"])
        print(f"fold {i}: best on tuning half {best}; held-out MRR {score(best, held)['mrr']:.4f}")


if __name__ == "__main__":
    main()
