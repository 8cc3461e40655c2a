"""Do long answers slow other users' reads? Read latency under write load, `aismm serve` on loopback.

Phase 1 measures GET /api/controls/{id} alone. Phase 2 repeats it while ``--writers`` clients post
long answers (default 20,000 characters) as fast as the server takes them, each to its own
interview. The table shows read p50/p95/p99 in both phases, and the answers stored per second.
Everything runs in a temporary AISMM_HOME; nothing outside it changes.

    .venv/bin/python benchmarks/bench_api_load.py [--writers 4] [--chars 20000] [--seconds 20] [--workers 1]
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
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["GOV", "ORG", "IAM", "MON", "INF", "MOD", "APP", "DAT"]
CONTROL_IDS = ["GOV-02.1", "mod-3.1", "IAM 04.1", "DAT-05.1", "IR-02.2", "APP-03.1"]
#: our own sentences; a long answer repeats them with a running number so no two are identical.
SENTENCES = [
    "We published a version-controlled AI acceptable use policy and most staff attested to it this year.",
    "An AI council meets monthly and keeps decision logs for every medium- and high-risk use case.",
    "We plan to build an approved-model registry next quarter, but nothing exists yet.",
    "Every production model is pinned to a version recorded in the registry and reviewed annually.",
    "Access to the model endpoints goes through single sign-on with multi-factor authentication.",
    "Prompts and completions are logged centrally and kept for ninety days for investigations.",
]


def long_answer(chars: int, salt: int) -> str:
    parts, i = [], 0
    while sum(len(p) + 1 for p in parts) < chars:
        parts.append(f"({salt}.{i}) {SENTENCES[(salt + i) % len(SENTENCES)]}")
        i += 1
    return " ".join(parts)[:chars]


def _cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "aismm_assistant.cli.main", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _reader(base: str, token: str, stop: threading.Event, out: list[float], errors: list[int], pause: float) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        i = 0
        while not stop.is_set():
            t = time.perf_counter()
            code = client.get(f"/api/controls/{CONTROL_IDS[i % len(CONTROL_IDS)]}").status_code
            out.append(time.perf_counter() - t)
            if code != 200:
                errors.append(code)
            i += 1
            time.sleep(pause)


def _writer(base: str, token: str, interview: str, chars: int, salt: int, stop: threading.Event,
            out: list[float], errors: list[int]) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=300) as client:
        n = 0
        while not stop.is_set():
            t = time.perf_counter()
            code = client.post(f"/api/interviews/{interview}/answers",
                               json={"answer": long_answer(chars, salt * 1000 + n)}).status_code
            out.append(time.perf_counter() - t)
            if code != 200:
                errors.append(code)
            n += 1


def _phase(base: str, token: str, seconds: float, readers: int, pause: float,
           writers: list[tuple[str, str]] | None = None, chars: int = 0) -> dict:
    stop = threading.Event()
    reads: list[float] = []
    writes: list[float] = []
    read_errors: list[int] = []
    write_errors: list[int] = []
    threads = [threading.Thread(target=_reader, args=(base, token, stop, reads, read_errors, pause))
               for _ in range(readers)]
    for salt, (wtoken, interview) in enumerate(writers or []):
        threads.append(threading.Thread(target=_writer, args=(base, wtoken, interview, chars, salt, stop, writes,
                                                              write_errors)))
    start = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start  # includes the answers still in flight when the clock ran out
    return {"reads": len(reads), "read_errors": len(read_errors), "p50": 1000 * _pct(reads, 0.5),
            "p95": 1000 * _pct(reads, 0.95), "p99": 1000 * _pct(reads, 0.99), "max": 1000 * max(reads or [0]),
            "answers": len(writes), "answer_errors": len(write_errors), "answers_per_s": len(writes) / wall,
            "answer_p50": 1000 * statistics.median(writes) if writes else float("nan"),
            "answer_p95": 1000 * _pct(writes, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=4, help="clients posting long answers at once")
    parser.add_argument("--chars", type=int, default=20_000, help="characters per answer (the API's maximum)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--readers", type=int, default=2, help="clients reading controls")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds each reader waits between reads")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers for the server")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aismm-bench-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AISMM_")}
        env.update({"AISMM_HOME": home, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT / "src")})
        staff = json.loads(_cli("user", "add", "bench-assessor", "--role", "assessor", "--json", env=env))["token"]
        respondents = [json.loads(_cli("user", "add", f"bench-r{i}", "--role", "respondent", "--json", env=env))
                       for i in range(args.writers)]
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
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {staff}"}, timeout=60) as client:
                aid = client.post("/api/assessments", json={"organization": "Bench Corp"}).json()["id"]
                writers = []
                for i, r in enumerate(respondents):
                    started = client.post(f"/api/assessments/{aid}/interviews",
                                          json={"category": CATEGORIES[i % len(CATEGORIES)], "respondent": r["id"]})
                    writers.append((r["token"], started.json()["id"]))
                for cid in CONTROL_IDS:  # warm up
                    client.get(f"/api/controls/{cid}")
            idle = _phase(base, staff, args.seconds, args.readers, args.pause)
            loaded = _phase(base, staff, args.seconds, args.readers, args.pause, writers, args.chars)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    print(f"aismm serve on loopback, {args.workers} worker(s), {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; {args.readers} readers (pause {args.pause * 1000:.0f} ms), {args.seconds:.0f} s per "
          "phase")
    print(f"{'phase':34} {'reads':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'answers':>7} {'ans/s':>6} {'ans p50 ms':>10} {'ans p95 ms':>10} {'errors':>6}")
    for name, r in (("GET /api/controls/{id} alone", idle),
                    (f"... while {args.writers} post {args.chars:,}-char answers", loaded)):
        print(f"{name:34} {r['reads']:>6} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} {r['max']:>7.1f} "
              f"{r['answers']:>7} {r['answers_per_s']:>6.2f} {r['answer_p50']:>10.0f} {r['answer_p95']:>10.0f} "
              f"{r['read_errors'] + r['answer_errors']:>6}")


if __name__ == "__main__":
    main()
