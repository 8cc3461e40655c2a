"""Docs checked by tests: every CLI command is documented, and the README's quick start is what CI runs."""

from __future__ import annotations

import typer

from aismm_assistant.cli.main import app
from tests.support import PROJECT

ROOT = PROJECT


def _command_paths(group: typer.Typer, prefix: str = "aismm") -> list[str]:
    from typer.main import get_command

    def walk(cmd, path):  # noqa: ANN001, ANN202 - click objects
        sub = getattr(cmd, "commands", None)
        if not sub:
            return [path]
        out = []
        for name, child in sub.items():
            out.extend(walk(child, f"{path} {name}"))
        return out

    return walk(get_command(group), prefix)


def test_every_command_appears_in_the_docs():
    text = (ROOT / "README.md").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))
    )
    missing = [path for path in _command_paths(app) if path not in text]
    assert missing == [], f"document these commands: {missing}"


def test_readme_test_command_is_the_ci_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = "HF_HUB_OFFLINE=1 .venv/bin/python -m pytest -q"
    assert test_cmd in readme and test_cmd in ci
    assert "bash scripts/quickstart.sh" in readme
    assert "corpus/" in readme and "not* the official CSA" in readme
