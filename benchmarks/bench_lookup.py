"""Whole-process `aismm lookup` / `corpus list` time and peak memory (DESIGN.md §5: lookup <= 0.3 s). Prints a table.

    .venv/bin/python benchmarks/bench_lookup.py [--compare TREE]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proc import HEADER, HERE, aismm, median_run, row  # noqa: E402

COMMANDS = (["lookup", "MOD-03.1", "--json"], ["corpus", "list", "--json"], ["lookup", "--aicm", "AIS-08", "--json"])


def table(tree: Path, runs: int = 5) -> None:
    home = Path(tempfile.mkdtemp(prefix="aismm-bench-"))
    print(f"{tree}:")
    print(HEADER)
    first = aismm(COMMANDS[0], home, tree)
    print(row("lookup, first run in a fresh home", first, "(parses the corpus, fills the cache)"))
    for args in COMMANDS:
        print(row(" ".join(args) + f" (median of {runs})", median_run([aismm(args, home, tree) for _ in range(runs)]),
                  "<= 0.3 s" if args[0] == "lookup" else ""))


def main() -> None:
    # Wall time on a shared machine follows its load; CPU time much less so. Both are printed.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (before)")
    table(HERE)
    if "--compare" in sys.argv:
        print()
        table(Path(sys.argv[sys.argv.index("--compare") + 1]))
    print(f"load average {os.getloadavg()[0]:.1f} (after)")


if __name__ == "__main__":
    main()
