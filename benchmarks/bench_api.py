"""Bounded load run against `aismm serve` on loopback: requests/s and p50/p95 latency.

Measures GET /api/controls/{id} (an authenticated exact lookup) and POST /api/interviews/{id}/answers
(store the turn, analyse the whole interview, write proposals) with several clients at once.
Everything runs in a temporary AISMM_HOME; nothing outside it changes.

    .venv/bin/python benchmarks/bench_api.py [--requests 400] [--concurrency 8] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["GOV", "ORG", "IAM", "MON", "INF", "MOD", "APP", "DAT", "RSK", "DEV", "CMP", "IR"]
CONTROL_IDS = ["GOV-02.1", "mod-3.1", "IAM 04.1", "DAT-05.1", "IR-02.2", "APP-03.1"]
ANSWERS = [
    "We published a version-controlled AI acceptable use policy; 95% of staff attested to it this year.",
    "An AI council meets monthly and keeps decision logs for every medium- and high-risk use case.",
    "We plan to build an approved-model registry next quarter, but nothing exists yet.",
    "Every production model is pinned to a version recorded in the registry and reviewed annually.",
    "I don't know; the platform team would have to answer that.",
]


def _cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "aismm_assistant.cli.main", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _run(name: str, calls: list, concurrency: int) -> dict:
    """Run the zero-argument callables on `concurrency` threads; each returns (status, seconds)."""
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda f: f(), calls))
    wall = time.perf_counter() - start
    lat = [s for _, s in results]
    bad = sum(1 for code, _ in results if code != 200)
    return {"endpoint": name, "requests": len(calls), "concurrency": concurrency, "errors": bad,
            "rps": len(calls) / wall, "p50_ms": 1000 * statistics.median(lat), "p95_ms": 1000 * _percentile(lat, 0.95)}


def _timed(client: httpx.Client, method: str, url: str, **kw: object):  # noqa: ANN202
    def call() -> tuple[int, float]:
        t = time.perf_counter()
        code = client.request(method, url, **kw).status_code
        return code, time.perf_counter() - t

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="lookups to send (answers: a quarter of it)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers for the server")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aismm-bench-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AISMM_")}
        # one token drives the whole load: the per-token write limit would measure itself, not the server
        env.update({"AISMM_HOME": home, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT / "src"),
                    "AISMM_WRITE_RATE_PER_MINUTE": "0"})
        staff = json.loads(_cli("user", "add", "bench-assessor", "--role", "assessor", "--json", env=env))["token"]
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "aismm_assistant.cli.main", "serve", "--port", str(port),
             "--workers", str(args.workers), "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            headers = {"Authorization": f"Bearer {staff}"}
            limits = httpx.Limits(max_connections=args.concurrency * 2)
            with httpx.Client(base_url=base, headers=headers, timeout=60, limits=limits) as client:
                aid = client.post("/api/assessments", json={"organization": "Bench Corp"}).json()["id"]
                interviews = [client.post(f"/api/assessments/{aid}/interviews",
                                          json={"category": c, "respondent": "bench-assessor"}).json()["id"]
                              for c in CATEGORIES[: args.concurrency]]
                for cid in CONTROL_IDS:  # warm up
                    client.get(f"/api/controls/{cid}")
                lookups = [_timed(client, "GET", f"/api/controls/{CONTROL_IDS[i % len(CONTROL_IDS)]}")
                           for i in range(args.requests)]
                n_answers = max(len(interviews), args.requests // 4)
                answers = [_timed(client, "POST", f"/api/interviews/{interviews[i % len(interviews)]}/answers",
                                  json={"answer": ANSWERS[(i // len(interviews)) % len(ANSWERS)]})
                           for i in range(n_answers)]
                rows = [_run("GET /api/controls/{id}", lookups, args.concurrency),
                        _run("POST /api/interviews/{id}/answers", answers, args.concurrency)]
                stored = sum(len(client.get(f"/api/interviews/{i}").json()["turns"]) for i in interviews)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)

    print(f"aismm serve on loopback, {args.workers} worker(s), {os.cpu_count()} CPUs, SQLite under a temp AISMM_HOME")
    print(f"{'endpoint':36} {'requests':>8} {'conc':>5} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for r in rows:
        print(f"{r['endpoint']:36} {r['requests']:>8} {r['concurrency']:>5} {r['errors']:>6} "
              f"{r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}")
    print(f"answers stored: {stored} of {rows[1]['requests']} sent")


if __name__ == "__main__":
    main()
