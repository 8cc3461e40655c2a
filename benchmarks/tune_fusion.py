"""Sweep fusion settings on the labelled queries and print the best ones (the choice is in docs/retrieval.md).

Chunk scores are computed once per query (BM25 over all chunks with its query ceiling, dense cosine
over all chunks), then every configuration is replayed on them, so the sweep takes seconds. A
two-fold split reports whether the winner on one half also wins on the other (a guard against
tuning to noise).

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
from aismm_assistant.retrieval.search import DEFAULT_FUSION, Filters, FusionConfig, fuse, get_retriever

METRICS = ("recall@1", "recall@5", "mrr", "ndcg@10")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    queries = load_queries(path, known_ids=set(load_corpus().control_ids()))
    r = get_retriever()
    backend = r.dense_backend()
    cached = []
    for q in queries:
        raw = r.bm25.scores(q.query)
        bm = {int(i): float(raw[i]) for i in np.flatnonzero(raw > 0)}
        ceilings = {u: r.bm25.ceiling(q.query, u) or 1.0 for u in (0.0, 0.5, 1.0)}
        sims = backend.top(r.embed_query(q.query), None, len(r.chunks))
        cached.append((q, bm, ceilings, sims))

    def score(cfg: FusionConfig, subset: list) -> dict[str, float]:
        rows = []
        for q, bm, ceilings, sims in subset:
            scale = ceilings[cfg.unknown_weight] if cfg.method == "calibrated" else 1.0
            b = r._aggregate({i: s / scale for i, s in bm.items()}, cfg, Filters())
            top = dict(sorted(sims.items(), key=lambda t: -t[1])[: cfg.pool])
            if cfg.method == "calibrated" and cfg.dense_floor:
                top = {i: max(0.0, (s - cfg.dense_floor) / (1 - cfg.dense_floor)) for i, s in top.items()}
            d = r._aggregate(top, cfg, Filters())
            rows.append(query_metrics([c for c, _, _ in fuse(b, d, cfg)], q.relevant))
        return {m: statistics.fmean(x[m] for x in rows) for m in METRICS}

    grid = [FusionConfig("convex", w_bm25=0.7, w_dense=0.3, context_weight=0.3)]  # the previous default
    for k, wb, cw in itertools.product((5, 10, 60), (1.0, 2.0, 3.0), (0.0, 0.3)):
        grid.append(FusionConfig("rrf", rrf_k=k, w_bm25=wb, w_dense=1.0, context_weight=cw))
    for wb, cw in itertools.product((0.4, 0.5, 0.6, 0.7, 0.8), (0.0, 0.1, 0.3)):
        grid.append(FusionConfig("convex", w_bm25=wb, w_dense=1 - wb, context_weight=cw))
    for wb, cw, unk, floor in itertools.product((0.3, 0.4, 0.5, 0.6, 0.7), (0.0, 0.1, 0.3), (0.0, 0.5, 1.0),
                                                (0.0, 0.1, 0.2)):
        grid.append(FusionConfig("calibrated", w_bm25=wb, w_dense=1 - wb, context_weight=cw, unknown_weight=unk,
                                 dense_floor=floor))
    results = [(cfg, score(cfg, cached)) for cfg in grid]
    results.sort(key=lambda t: (-t[1]["mrr"], -t[1]["recall@5"]))
    print(f"{len(queries)} queries; top configurations by MRR (default: {DEFAULT_FUSION})")
    head = f"{'method':10} {'k':>3} {'w_bm25':>6} {'ctx':>4} {'unk':>4} {'floor':>5} |"
    print(head + f" {'R@1':>6} {'R@5':>6} {'MRR':>6} {'nDCG':>6}")
    shown = results[:12] + [t for t in results if t[0] in (grid[0], DEFAULT_FUSION)]
    for cfg, m in shown:
        print(f"{cfg.method:10} {cfg.rrf_k:>3} {cfg.w_bm25:>6.2f} {cfg.context_weight:>4.1f} "
              f"{cfg.unknown_weight:>4.1f} {cfg.dense_floor:>5.2f} | "
              f"{m['recall@1']:.4f} {m['recall@5']:.4f} {m['mrr']:.4f} {m['ndcg@10']:.4f}")
    halves = (cached[0::2], cached[1::2])
    for i, (tune, held) in enumerate((halves, halves[::-1])):
        best = max(grid, key=lambda c: score(c, tune)["mrr"])
        print(f"fold {i}: best on tuning half {best}; held-out MRR {score(best, held)['mrr']:.4f}")


if __name__ == "__main__":
    main()
