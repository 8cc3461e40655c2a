"""Whole-process timing for the benchmarks: wall time, CPU time and peak RSS of one `aismm` run.

`os.wait4` gives the child's own resource usage, so no external `time` tool is needed. A source
tree other than this one can be measured with the same interpreter (PYTHONPATH=<tree>/src), which
is how the before/after tables are made.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float


def aismm(args: list[str], home: Path, tree: Path = HERE, extra_env: dict[str, str] | None = None) -> Run:
    env = {k: v for k, v in os.environ.items() if k != "AISMM_CORPUS_DIR"}
    env.update(PYTHONPATH=str(tree / "src"), AISMM_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", **(extra_env or {}))
    cmd = [sys.executable, "-c", "from aismm_assistant.cli.main import run; run()", *args]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tree)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               max(r.peak_mb for r in runs))


def row(name: str, run: Run, target: str = "") -> str:
    return f"{name:44}{run.wall:>8.2f} s{run.cpu:>8.2f} s{run.peak_mb:>8.0f} MB  {target}"


HEADER = f"{'measure (whole process)':44}{'wall':>10}{'cpu':>10}{'peak':>11}  target"
