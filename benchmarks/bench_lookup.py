"""Whole-process `aismm lookup MOD-03.1 --json` time (DESIGN.md §5: well under 1 s). Prints a table."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

AISMM = Path(sys.executable).with_name("aismm")


def main(runs: int = 5) -> None:
    rows = []
    for args in (["lookup", "MOD-03.1", "--json"], ["corpus", "list", "--json"], ["lookup", "--aicm", "AIS-08", "--json"]):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([str(AISMM), *args], check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
        rows.append((" ".join(args), statistics.median(times), max(times)))
    print(f"{'command':40} {'median s':>9} {'max s':>7}")
    for name, med, mx in rows:
        print(f"{name:40} {med:9.3f} {mx:7.3f}")


if __name__ == "__main__":
    main()
