"""`aismm serve` (API + web pages) and `aismm user add|list|remove` (bearer tokens)."""

from __future__ import annotations

import typer

from aismm_assistant.cli.common import JSON_OPTION, console, err_console, new_app, print_json

ROLE_HELP = "admin (manages users), assessor (creates, reviews, confirms) or respondent (answers assigned interviews)."


def _store():  # noqa: ANN202 - Store, imported lazily
    from aismm_assistant.assessment.storage import get_store

    return get_store()


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
        port: int = typer.Option(8000, "--port", help="TCP port."),
        workers: int = typer.Option(1, "--workers", help="uvicorn worker processes (all share the database)."),
        log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
    ) -> None:
        """Serve the HTTP API (/api, /openapi.json) and the web pages on one port."""
        from aismm_assistant.errors import ValidationError

        if not 0 < port < 65536:
            raise ValidationError(f"--port {port}: must be 1-65535")
        if not 1 <= workers <= 64:
            raise ValidationError(f"--workers {workers}: must be 1-64")
        if log_level not in ("critical", "error", "warning", "info", "debug"):
            raise ValidationError(f"--log-level {log_level}: use critical, error, warning, info or debug")
        import os

        import uvicorn

        from aismm_assistant.settings import reset_settings

        # Workers inherit this: each warms its search index at start and never makes a request wait for a build.
        os.environ["AISMM_SERVING"] = "1"
        reset_settings()
        # Build the store once in the parent so migrations run before workers race for the database.
        store = _store()
        if not store.list_users():
            err_console.print("no users yet: create one with `aismm user add NAME --role admin`")
        if host not in ("127.0.0.1", "localhost", "::1"):
            err_console.print("note: tokens travel in clear over plain HTTP; put TLS in front for remote users")
        err_console.print(f"aismm-assistant on http://{host}:{port}/  (API docs: /openapi.json)")
        uvicorn.run(
            "aismm_assistant.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            timeout_graceful_shutdown=5,
        )

    user_app = new_app("Create, list and remove users (bearer tokens for the API and the pages).")
    app.add_typer(user_app, name="user")

    @user_app.command("add")
    def add_cmd(
        name: str = typer.Argument(..., help="Login name; respondents see interviews assigned to this name."),
        role: str = typer.Option(..., "--role", help=ROLE_HELP),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Create a user and print their token once (only its hash is stored)."""
        import re

        from aismm_assistant.api.auth import ROLES
        from aismm_assistant.api.routes_users import USER_NAME_PATTERN
        from aismm_assistant.errors import ValidationError

        if role not in ROLES:
            raise ValidationError(f"--role {role!r}: use one of {', '.join(ROLES)}")
        if not re.match(USER_NAME_PATTERN, name):
            raise ValidationError(f"user name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-'")
        row, token = _store().add_user(name, role)
        if as_json:
            print_json({"name": row.name, "role": row.role, "token": token})
            return
        console.print(f"created {row.role} [bold]{row.name}[/]; token (shown once, keep it safe):")
        console.print(token, markup=False, highlight=False)

    @user_app.command("list")
    def list_cmd(as_json: bool = JSON_OPTION) -> None:
        """List users and roles (tokens are never shown again)."""
        from aismm_assistant.api.routes_users import user_public

        users = [user_public(u) for u in _store().list_users()]
        if as_json:
            print_json({"users": users})
            return
        if not users:
            console.print("no users; create one with `aismm user add NAME --role admin`")
            return
        from rich.table import Table

        table = Table()
        for col in ("Name", "Role", "Created"):
            table.add_column(col)
        for u in users:
            table.add_row(u["name"], u["role"], u["created_at"])
        console.print(table)

    @user_app.command("remove")
    def remove_cmd(name: str = typer.Argument(..., help="The user to remove."), as_json: bool = JSON_OPTION) -> None:
        """Remove a user; their token stops working at once, in every worker."""
        _store().remove_user(name)
        if as_json:
            print_json({"removed": name})
        else:
            console.print(f"removed {name}")
