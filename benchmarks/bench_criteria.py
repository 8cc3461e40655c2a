"""Cost of criteria parsing and figure reading (a turn's whole analysis budget is <= 100 ms p95). Prints a table.

Run: PYTHONPATH=src python benchmarks/bench_criteria.py
"""

from __future__ import annotations

import statistics
import time

from aismm_assistant import criteria as criteria_mod
from aismm_assistant.corpus import load_corpus
from aismm_assistant.criteria import criteria_for, parse_objective, split_sentences
from aismm_assistant.interview.figures import compare_sentence, find_figures

ANSWERS = [
    "About 93 percent of staff have attested, and the policy was last reviewed 18 months ago.",
    "We reconcile quarterly but missed two quarters last year; 14 of 15 teams are registered.",
    "Critical alerts are triaged within 48 hours, sometimes nine days, and we run 12 detection rules.",
    "Roughly nine in ten endpoints are covered; the exercise runs twice a year with a couple of days' notice.",
    "No figures here, just a description of who owns the gateway and how changes are reviewed.",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main(rounds: int = 20) -> None:
    corpus = load_corpus()
    controls = corpus.controls
    sentences = [s for c in controls for s in split_sentences(c.objective)] + ANSWERS * 20

    cold = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for c in controls:
            parse_objective(c.id, c.objective)
        cold.append((time.perf_counter() - t0) * 1000)
    criteria_mod._CACHE.clear()
    for c in controls:
        criteria_for(c)
    warm = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for c in controls:
            criteria_for(c)
        warm.append((time.perf_counter() - t0) * 1000)
    per_sentence = []
    for s in sentences:
        t0 = time.perf_counter()
        find_figures(s)
        per_sentence.append((time.perf_counter() - t0) * 1000)
    compare_times = []
    crits = criteria_for(corpus.control("GOV-02.1"))
    for s in ANSWERS * 40:
        t0 = time.perf_counter()
        compare_sentence(s, crits)
        compare_times.append((time.perf_counter() - t0) * 1000)

    rows = [
        (f"parse all {len(controls)} objectives (uncached)", statistics.median(cold), pct(cold, 0.95)),
        (f"criteria_for all {len(controls)} (cached)", statistics.median(warm), pct(warm, 0.95)),
        (f"find_figures per sentence (n={len(sentences)})", statistics.median(per_sentence), pct(per_sentence, 0.95)),
        ("compare_sentence per answer sentence", statistics.median(compare_times), pct(compare_times, 0.95)),
    ]
    print(f"{'operation':48} {'p50 ms':>8} {'p95 ms':>8}")
    for name, p50, p95 in rows:
        print(f"{name:48} {p50:8.3f} {p95:8.3f}")


if __name__ == "__main__":
    main()
