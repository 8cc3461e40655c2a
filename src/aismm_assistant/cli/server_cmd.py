"""`aismm serve`: the API and the web pages on one port (users: cli/user_cmd.py)."""

from __future__ import annotations

import typer

from aismm_assistant.cli.common import err_console, get_store, new_app

#: top-level commands (merged into `aismm` by cli/main.py)
commands = new_app("The server.")


@commands.command("serve")
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
    store = get_store()
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
