"""The `aismm` entry point: registers each command group; heavy imports stay inside commands."""

from __future__ import annotations

from aismm_assistant.cli import corpus_cmd
from aismm_assistant.cli.common import new_app

app = new_app("Assess a security program against the AI Security Maturity Model (AISMM v1.0).")

corpus_cmd.register(app)


def _register_optional() -> None:
    """Groups built by other modules; each module exposes register(app)."""
    import importlib

    for name in (
        "retrieval_cmd",
        "assessment_cmd",
        "interview_cmd",
        "eval_cmd",
        "server_cmd",
    ):
        try:
            module = importlib.import_module(f"aismm_assistant.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"aismm_assistant.cli.{name}":
                raise
            continue
        module.register(app)


_register_optional()


def run() -> None:
    app(prog_name="aismm")


if __name__ == "__main__":
    run()
