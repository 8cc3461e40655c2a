"""Interview benchmarks: a turn's offline analysis time (p50/p95), its growth with the transcript, and the
adaptive questions ratio.

Run: .venv/bin/python benchmarks/bench_interview.py [GOLDEN_PATH] [--depth=N]   (default evals/golden, depth 1)

1. A "turn's analysis" is what submit_answer does after storing an answer: analyse the category's transcript
   so far. Each turn's reading is memoised, so the earlier turns cost a lookup and the aggregation; measured on
   every prefix of every golden transcript, in interview order (as a live interview runs).
2. Growth: a transcript of 20,000-character answers (the longest the API accepts), built from the golden
   answers of one category; for each turn number the time to analyse after that answer, incrementally (earlier
   turns memoised) and from scratch (every turn re-read, as before the turn memo). Flat is the goal.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
LONG_CHARS = 20_000
LONG_TURNS = (1, 2, 5, 10, 15, 20)


def _long_transcript(cases: list, n: int) -> tuple:
    """`n` answers of ~20,000 characters, each a different arrangement of one category's golden answers."""
    from aismm_assistant.interview.proposals import TurnInput

    cat, _, scope = cases[0]
    pool = [t for c, turns, _ in cases if c.id == cat.id for t in turns]
    turns = []
    for i in range(n):
        parts: list[str] = []
        k = i
        while sum(len(p) + 1 for p in parts) < LONG_CHARS:
            parts.append(pool[k % len(pool)].answer)
            k += 7
        text = " ".join(parts)[: LONG_CHARS - 1].rsplit(" ", 1)[0]
        turns.append(TurnInput(text, pool[i % len(pool)].question))
    return cat, turns, scope


def _growth(cases: list) -> list[tuple[int, float, float]]:
    from aismm_assistant.interview.analysis import analyse, clear_turn_cache

    cat, turns, scope = _long_transcript(cases, max(LONG_TURNS))
    clear_turn_cache()
    incremental: dict[int, float] = {}
    for n in range(1, len(turns) + 1):
        t0 = time.perf_counter()
        analyse(cat, turns[:n], scope)
        incremental[n] = (time.perf_counter() - t0) * 1000
    rows = []
    for n in LONG_TURNS:
        clear_turn_cache()
        t0 = time.perf_counter()
        analyse(cat, turns[:n], scope)
        rows.append((n, incremental[n], (time.perf_counter() - t0) * 1000))
    return rows


def main(path: str, depth: int = 1) -> None:
    from aismm_assistant.corpus import get_category, load_corpus
    from aismm_assistant.evals.golden import golden_paths, load_golden
    from aismm_assistant.evals.simulate import simulate
    from aismm_assistant.interview.analysis import analyse, clear_turn_cache

    corpus = load_corpus()
    cases = []
    for f in golden_paths(Path(path)):
        g = load_golden(f, corpus=corpus)
        cases += [(get_category(cid, corpus), c.turns, g.scope) for cid, c in g.categories.items()]
    for cat, turns, scope in cases[:3]:  # warm the matchers
        analyse(cat, turns, scope)
    clear_turn_cache()
    times = []
    for cat, turns, scope in cases:
        for n in range(1, len(turns) + 1):
            t0 = time.perf_counter()
            analyse(cat, turns[:n], scope)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    growth = _growth(cases)
    t0 = time.perf_counter()
    sim = simulate(path, depth=depth)
    sim_s = time.perf_counter() - t0
    console = Console()
    table = Table(title=f"interview benchmark ({path})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("goal", justify="right")
    table.add_row("turn analyses measured", str(len(times)), "")
    table.add_row("turn analysis p50 (ms)", f"{statistics.median(times):.2f}", "")
    table.add_row("turn analysis p95 (ms)", f"{p95:.2f}", "<= 100")
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
    console.print(table)
    grow = Table(title=f"analysis after the n-th answer of {LONG_CHARS:,} characters, one {cases[0][0].id} transcript")
    grow.add_column("turn n", justify="right")
    grow.add_column("incremental (ms)", justify="right")
    grow.add_column("from scratch (ms)", justify="right")
    for n, inc, full in growth:
        grow.add_row(str(n), f"{inc:.0f}", f"{full:.0f}")
    console.print(grow)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--depth")]
    depth_args = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--depth=")]
    main(args[0] if args else str(ROOT / "evals" / "golden"), int(depth_args[0]) if depth_args else 1)
