"""Interview benchmarks: a turn's offline analysis time (p50/p95) and the adaptive question policy.

Run: .venv/bin/python benchmarks/bench_interview.py [GOLDEN_PATH] [--depth=N]   (default evals/golden, depth 1)
The policy figures (docs/interview.md, "Question policy"): questions asked adaptively over questions asked
when asking everything (the same follow-up rule, no adaptivity), the same over one question per objective,
and how often both reach the same level. Tune on evals/golden only, never on a holdout folder.
A "turn's analysis" is what submit_answer does after storing an answer: re-analyse every turn so far
of that category (so later turns cost more) - measured on every prefix of every golden transcript.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent


def main(path: str, depth: int = 1) -> None:
    from aismm_assistant.corpus import get_category, load_corpus
    from aismm_assistant.evaluation import golden_paths, load_golden
    from aismm_assistant.interview.analysis import analyse
    from aismm_assistant.interview.simulate import simulate

    corpus = load_corpus()
    cases = []
    for f in golden_paths(Path(path)):
        g = load_golden(f, corpus=corpus)
        cases += [(get_category(cid, corpus), c.turns, g.scope) for cid, c in g.categories.items()]
    for cat, turns, scope in cases[:3]:  # warm the matchers
        analyse(cat, turns, scope)
    times = []
    for cat, turns, scope in cases:
        for n in range(1, len(turns) + 1):
            t0 = time.perf_counter()
            analyse(cat, turns[:n], scope)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    t0 = time.perf_counter()
    sim = simulate(path, depth=depth)
    sim_s = time.perf_counter() - t0
    table = Table(title=f"interview benchmark ({path})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("goal", justify="right")
    table.add_row("turn analyses measured", str(len(times)), "")
    table.add_row("turn analysis p50 (ms)", f"{statistics.median(times):.2f}", "")
    table.add_row("turn analysis p95 (ms)", f"{p95:.2f}", "<= 200")
    table.add_row("turn analysis max (ms)", f"{times[-1]:.2f}", "")
    table.add_row("cases simulated (depth)", f"{sim['cases']} ({sim['depth']})", "")
    table.add_row("questions asked, adaptive / asking everything",
                  f"{sim['adaptive_questions']} / {sim['all_questions']}", "")
    table.add_row("  of which follow-ups (adaptive)", str(sim["adaptive_follow_ups"]), "")
    table.add_row("adaptive questions ratio", f"{sim['questions_ratio']:.3f}", "<= 0.60")
    table.add_row("adaptive questions per applicable objective", f"{sim['questions_per_objective']:.3f}", "")
    table.add_row("adaptive reaches same level as asking everything", f"{sim['same_level']:.3f}", ">= 0.95")
    table.add_row("level exact vs golden: adaptive / asking everything",
                  f"{sim['adaptive_level_exact']:.3f} / {sim['all_level_exact']:.3f}", "")
    table.add_row("simulation time (s)", f"{sim_s:.1f}", "")
    Console().print(table)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--depth")]
    depth_args = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--depth=")]
    main(args[0] if args else str(ROOT / "evals" / "golden"), int(depth_args[0]) if depth_args else 1)
