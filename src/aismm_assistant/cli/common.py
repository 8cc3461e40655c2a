"""Shared CLI plumbing: the group class that turns domain errors into one-line messages, output helpers."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from aismm_assistant.errors import AismmError

if TYPE_CHECKING:
    from rich.console import Console

    from aismm_assistant.model import Corpus
    from aismm_assistant.storage import Store


class _LazyConsole:
    """A rich Console made on first use: `aismm lookup --json` and other plain outputs never import rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def _get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    # rich uses the console as a context manager (Live, Progress): special methods bypass __getattr__.
    def __enter__(self) -> Console:
        return self._get().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._get().__exit__(*exc)


console: Console = _LazyConsole()  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


class AismmGroup(TyperGroup):
    """Every command runs inside this group: an AismmError becomes `error: ...` on stderr and exit 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AismmError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except (BrokenPipeError, KeyboardInterrupt):
            raise typer.Exit(130) from None


def new_app(help_text: str) -> typer.Typer:
    return typer.Typer(
        cls=AismmGroup,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON.")


def get_store() -> Store:
    """The configured store (imported lazily: `aismm lookup` never loads SQLAlchemy)."""
    from aismm_assistant.storage import get_store as build

    return build()


def load_corpus() -> Corpus:
    from aismm_assistant.corpus import load_corpus as load

    return load()


def default_actor() -> str:
    """Who is acting when --by is not given: the login name."""
    import getpass

    try:
        return getpass.getuser() or "assessor"
    except Exception:  # no login name in some containers
        return "assessor"
