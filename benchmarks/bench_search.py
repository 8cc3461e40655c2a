"""Search speed and retrieval quality, printed as tables (DESIGN.md §5 figures).

Measures, in a fresh temporary AISMM_HOME: full index build, re-index with nothing changed,
whole-process `aismm search` and `aismm lookup`, in-process query latency, then the retrieval
benchmark (hybrid, BM25, dense, LangChain baseline) on evals/retrieval.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_search.py [--skip-quality]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERIES = [
    "how do we prove prompt logging?", "approved model registry", "AI acceptable use policy attestation",
    "red teaming before release", "vector store access control", "incident playbook for prompt injection",
    "MCP server allow-list", "provider zero data retention terms", "AI-BOM for production", "SSO for ChatGPT",
]


def _cli(args: list[str], env: dict[str, str]) -> float:
    exe = Path(sys.executable).with_name("aismm")
    started = time.perf_counter()
    subprocess.run([str(exe), *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="aismm-bench-"))
    os.environ["AISMM_HOME"] = str(home)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    env = dict(os.environ)

    build_s = _cli(["index"], env)  # a separate process, so the import of sentence-transformers is counted
    reindex_s = _cli(["index"], env)
    search_s = statistics.median(_cli(["search", q, "--json"], env) for q in QUERIES[:5])
    lookup_s = statistics.median(_cli(["lookup", "MOD-03.1", "--json"], env) for _ in range(3))

    from aismm_assistant.retrieval import search

    search("warm up")
    times = []
    for _ in range(5):
        for q in QUERIES:
            t = time.perf_counter()
            search(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    rows = [
        ("full index build (process)", f"{build_s:.2f} s", "<= 30 s"),
        ("re-index, nothing changed (process)", f"{reindex_s:.2f} s", "<= 2 s"),
        ("aismm search --json (process, median)", f"{search_s:.2f} s", "<= 3 s"),
        ("aismm lookup --json (process, median)", f"{lookup_s:.2f} s", "< 1 s"),
        ("search() in-process p50", f"{statistics.median(times):.1f} ms", "<= 25 ms"),
        ("search() in-process p95", f"{times[int(0.95 * (len(times) - 1))]:.1f} ms", ""),
    ]
    print(f"{'measure':40}{'value':>12}  target")
    for name, value, target in rows:
        print(f"{name:40}{value:>12}  {target}")

    if "--skip-quality" not in sys.argv:
        from aismm_assistant.cli.retrieval_cmd import format_table
        from aismm_assistant.corpus import load_corpus
        from aismm_assistant.retrieval.bench import load_queries, run_benchmark

        queries = load_queries(known_ids=set(load_corpus().control_ids()))
        print()
        print(format_table(run_benchmark(queries)))


if __name__ == "__main__":
    main()
