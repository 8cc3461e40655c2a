"""Assessment store and export timings on the project's corpus; prints a table (tests never assert times).

Run: .venv/bin/python benchmarks/bench_assessment.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    home = tempfile.mkdtemp(prefix="aismm-bench-")
    os.environ["AISMM_HOME"] = home
    from aismm_assistant.assessment.exports import FORMATS, export_assessment
    from aismm_assistant.assessment.importing import import_assessment
    from aismm_assistant.assessment.record import AssessmentCreate, Scope
    from aismm_assistant.corpus import load_corpus
    from aismm_assistant.storage import get_store

    corpus = load_corpus()
    store = get_store()
    rows: list[tuple[str, str]] = []
    aid = store.create_assessment(AssessmentCreate(organization="Bench", scope=Scope(deployment_types=["PaaS"]))).id
    times = []
    for i, control in enumerate(corpus.controls):
        t = time.perf_counter()
        store.set_result(aid, control.id, "met" if i % 3 else "partial", evidence=[f"evidence {i}"], actor="bench")
        times.append((time.perf_counter() - t) * 1000)
    rows.append((f"set_result ({len(times)} objectives, growing record)",
                 f"p50 {statistics.median(times):.1f} ms · p95 {pct(times, 0.95):.1f} ms"))
    record = store.get_assessment(aid)
    out = Path(home)
    for fmt in FORMATS:
        t = time.perf_counter()
        export_assessment(record, corpus, fmt, out / f"a.{fmt}")
        rows.append((f"export {fmt}", f"{(time.perf_counter() - t) * 1000:.0f} ms"))
    for fmt in ("json", "xlsx"):
        t = time.perf_counter()
        rec = import_assessment(out / f"a.{fmt}", corpus)
        store.insert_assessment(rec)
        rows.append((f"import {fmt}", f"{(time.perf_counter() - t) * 1000:.0f} ms"))
    iv = store.create_interview(aid, "GOV")
    script = ("import sys\nfrom aismm_assistant.storage import get_store\ns = get_store()\n"
              "for i in range(25):\n    s.append_turn(sys.argv[1], respondent=sys.argv[2], question=None, "
              "question_controls=[], answer=f'{sys.argv[2]}-{i}')\n")
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    t = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", script, iv.id, f"w{w}"], env=env) for w in range(4)]
    for p in procs:
        p.wait()
    elapsed = time.perf_counter() - t
    turns = store.list_turns(iv.id)
    ok = [t.seq for t in turns] == list(range(100))
    rows.append(("append_turn, 4 processes x 25 (incl. start-up)",
                 f"{elapsed:.1f} s · {len(turns)} stored · seq 0..99 contiguous: {ok}"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  result")
    print("-" * (width + 40))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
