"""The `aismm` entry point: one line per command group; heavy imports stay inside commands.

Each cli/*_cmd.py module defines module-level Typer apps: ``app`` is its named group (`aismm
assessment ...`), ``commands`` holds top-level commands (`aismm lookup`), merged here without a
name. A new group is one import and one line below.
"""

from __future__ import annotations

from aismm_assistant.cli import (  # noqa: F401  (ciso_cmd adds to the corpus group)
    assessment_cmd,
    ciso_cmd,
    corpus_cmd,
    crosswalk_cmd,
    eval_cmd,
    evidence_cmd,
    evidence_files_cmd,
    interview_cmd,
    process_cmd,
    retrieval_cmd,
    server_cmd,
    user_cmd,
)
from aismm_assistant.cli.common import new_app

app = new_app("Assess a security program against the AI Security Maturity Model (AISMM v1.0).")

app.add_typer(corpus_cmd.app, name="corpus")
app.add_typer(corpus_cmd.commands)  # lookup
app.add_typer(retrieval_cmd.commands)  # index, search, ask
app.add_typer(retrieval_cmd.bench_app, name="bench")
assessment_cmd.app.add_typer(process_cmd.commands)  # quick, risk, plan, units, due, check-in, roadmap-export
app.add_typer(assessment_cmd.app, name="assessment")
app.add_typer(evidence_cmd.commands)  # evidence-request
app.add_typer(interview_cmd.commands)  # interview, review
app.add_typer(interview_cmd.assess_app, name="assess")
app.add_typer(eval_cmd.commands)  # eval
app.add_typer(server_cmd.commands)  # serve
app.add_typer(user_cmd.app, name="user")
app.add_typer(evidence_files_cmd.app, name="evidence")  # evidence add|list|import
app.add_typer(crosswalk_cmd.commands)  # crosswalk


def run() -> None:
    """Entry point: usage errors too become one line on stderr (exit 2), never a traceback."""
    import os
    import sys

    # Pydantic looks for third-party plugins by reading every installed distribution's entry points
    # (hundreds here: torch, chromadb, ...), a fifth of `aismm lookup`'s start-up; the CLI uses none.
    # Set PYDANTIC_DISABLE_PLUGINS to an empty value to have them loaded anyway.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

    import typer

    try:
        from typer._click import exceptions as click_exc
    except ImportError:  # typer releases that use the click package
        from click import exceptions as click_exc  # type: ignore[no-redef]

    try:
        code = app(prog_name="aismm", standalone_mode=False)
    except click_exc.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx else "")
            sys.exit(0)
        hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx else ""
        sys.stderr.write(f"error: {exc.format_message()}{hint}\n")
        sys.exit(exc.exit_code)
    except click_exc.ClickException as exc:
        sys.stderr.write(f"error: {exc.format_message()}\n")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        sys.exit(130)
    except (BrokenPipeError, SystemExit) as exc:
        # output piped into e.g. `head` that closed early: leave quietly
        if isinstance(exc, SystemExit) and not isinstance(exc.__context__, BrokenPipeError):
            raise
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1 if isinstance(exc, SystemExit) else 141)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    run()
