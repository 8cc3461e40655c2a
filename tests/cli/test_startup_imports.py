"""`aismm lookup --json` starts light (DESIGN.md §5: <= 0.3 s whole process): with the parsed corpus in
the cache, it loads no YAML parser, no rich, no settings framework, no database layer and no numpy.
Timing itself is in benchmarks/bench_lookup.py; this checks what the process imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support import PROJECT

NOT_ON_LOOKUP = ("yaml", "rich", "pydantic_settings", "sqlalchemy", "platformdirs", "numpy", "click",
                 "torch", "chromadb", "langchain", "sentence_transformers", "fastapi")
CODE = (
    "import json, sys\n"
    "from aismm_assistant.cli.main import run\n"
    "sys.argv = ['aismm', *sys.argv[1:]]\n"
    "try:\n    run()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
    f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(NOT_ON_LOOKUP)!r}))))\n"
)


def _lookup(*args: str) -> tuple[dict, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    out = subprocess.run([sys.executable, "-c", CODE, "lookup", *args, "--json"], capture_output=True, text=True,
                         env=env, cwd=PROJECT, check=True, timeout=120).stdout
    body, _, last = out.rstrip("\n").rpartition("\n")
    return json.loads(body), json.loads(last)


def test_a_cached_lookup_imports_nothing_it_does_not_print_with(aismm_home):
    _, first = _lookup("MOD-03.1")  # fresh home: parses the YAML and fills the cache
    assert "yaml" in first  # the check can see an import when there is one
    data, loaded = _lookup("mod-3.1")
    assert data["control"]["id"] == "MOD-03.1" and data["corpus"]
    assert loaded == []
    data, loaded = _lookup("--aicm", "AIS-08")
    assert data["controls"] and loaded == []


def test_the_lazy_console_works_wherever_rich_takes_a_console(capsys):
    """cli.common's consoles are made on first use; rich's Live/Progress also use them as context managers."""
    from rich.progress import BarColumn, Progress, TextColumn

    from aismm_assistant.cli.common import console, err_console

    bar = Progress(TextColumn("embedding"), BarColumn(), console=err_console, transient=True)
    bar.start()
    bar.advance(bar.add_task("embedding", total=2))
    bar.stop()
    with console:
        console.print("[bold]shown[/]")
    assert "shown" in capsys.readouterr().out
