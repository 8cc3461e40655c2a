"""Search speed and retrieval quality, printed as tables (DESIGN.md §5 figures).

Whole processes, each in a fresh temporary AISMM_HOME: the first search on a fresh install (no
index, no caches), a warm `aismm search` (median of 5, with peak memory), `aismm lookup`, and
`aismm index`; then in-process query latency and the retrieval benchmark (hybrid, BM25, dense,
LangChain baseline) on evals/retrieval.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_search.py [--skip-quality] [--skip-process] [--compare TREE]

`--compare TREE` also measures the processes with another source tree (e.g. /work/main, the code
before a change) under the same interpreter and load, for a before/after table.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proc import HEADER, HERE, aismm, median_run, row  # noqa: E402

sys.path.insert(0, str(HERE / "src"))  # in-process figures are for this tree, whatever is installed

QUERIES = [
    "how do we prove prompt logging?", "approved model registry", "AI acceptable use policy attestation",
    "red teaming before release", "vector store access control", "incident playbook for prompt injection",
    "MCP server allow-list", "provider zero data retention terms", "AI-BOM for production", "SSO for ChatGPT",
]


def process_rows(tree: Path, runs: int = 5) -> list[str]:
    fresh = [aismm(["search", QUERIES[i], "--json"], Path(tempfile.mkdtemp(prefix="aismm-bench-")), tree)
             for i in range(3)]
    home = Path(tempfile.mkdtemp(prefix="aismm-bench-"))
    aismm(["search", "warm up", "--json"], home, tree)
    warm = [aismm(["search", QUERIES[i % len(QUERIES)], "--json"], home, tree) for i in range(runs)]
    lookup = [aismm(["lookup", "MOD-03.1", "--json"], home, tree) for _ in range(runs)]
    index = aismm(["index", "--json"], Path(tempfile.mkdtemp(prefix="aismm-bench-")), tree)
    return [
        row("first search, fresh install (median of 3)", median_run(fresh), "<= 5 s"),
        row("aismm search --json, warm (median of 5)", median_run(warm), "<= 0.8 s, <= 400 MB"),
        row("aismm lookup --json (median of 5)", median_run(lookup), "<= 0.3 s"),
        row("aismm index, fresh home", index, "<= 30 s"),
    ]


def first_server_search(tree: Path) -> str:
    """Start `aismm serve` on an existing index, wait until it answers, then time its first free-text search."""
    import json
    import socket
    import subprocess
    import urllib.request

    home = Path(tempfile.mkdtemp(prefix="aismm-bench-"))
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "AISMM_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    cli = [sys.executable, "-c", "from aismm_assistant.cli.main import run; run()"]
    added = subprocess.run([*cli, "user", "add", "bench", "--role", "admin", "--json"], env=env, cwd=tree,
                           capture_output=True, text=True, check=True)
    token = json.loads(added.stdout)["token"]
    # The index exists already (a restart, not a first install): what is timed is loading it.
    subprocess.run([*cli, "search", "build the index first", "--json"], env=env, cwd=tree, capture_output=True,
                   check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*cli, "serve", "--port", str(port), "--log-level", "warning"], env=env, cwd=tree,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def get(path: str) -> None:
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"})
        urllib.request.urlopen(req, timeout=120).read()  # noqa: S310 - loopback

    try:
        for _ in range(300):
            try:
                get("/api/health")
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(3)  # a user's first request rarely comes the instant the server is up
        t = time.perf_counter()
        get("/api/search?q=how+do+we+prove+prompt+logging&k=5")
        first = time.perf_counter() - t
        t = time.perf_counter()
        get("/api/search?q=vector+store+access+control&k=5")
        second = time.perf_counter() - t
    finally:
        server.terminate()
        server.wait(30)
    return f"{'restarted server: 1st /api/search, then 2nd':44}{first:>8.2f} s{second:>8.2f} s"


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    trees = [] if "--skip-process" in sys.argv else [HERE]
    if "--compare" in sys.argv and trees:
        trees.append(Path(sys.argv[sys.argv.index("--compare") + 1]))
    for tree in trees:
        print(f"\n{tree}:")
        print(HEADER)
        for line in process_rows(tree):
            print(line)
        print(first_server_search(tree))

    os.environ["AISMM_HOME"] = tempfile.mkdtemp(prefix="aismm-bench-")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aismm_assistant.retrieval import search

    search("warm up")
    times = []
    for _ in range(5):
        for q in QUERIES:
            t = time.perf_counter()
            search(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"\nsearch() in-process: p50 {statistics.median(times):.1f} ms, "
          f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms (target p50 <= 25 ms)")

    if "--skip-quality" not in sys.argv:
        from aismm_assistant.cli.retrieval_cmd import format_table
        from aismm_assistant.corpus import load_corpus
        from aismm_assistant.retrieval.bench import load_queries, run_benchmark

        queries = load_queries(known_ids=set(load_corpus().control_ids()))
        print()
        print(format_table(run_benchmark(queries)))


if __name__ == "__main__":
    main()
