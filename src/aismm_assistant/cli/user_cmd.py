"""`aismm user add|list|rotate|remove`: users and their bearer tokens (the rules: aismm_assistant.users)."""

from __future__ import annotations

import typer

from aismm_assistant import users
from aismm_assistant.cli.common import JSON_OPTION, console, get_store, new_app, print_json
from aismm_assistant.errors import ValidationError
from aismm_assistant.users import ROLE_HELP

app = new_app("Create, list, rotate and remove users (expiring bearer tokens for the API and the pages).")

EXPIRES_OPTION = typer.Option(
    None, "--expires-in", metavar="DAYS", help="Days the token stays valid (default: AISMM_TOKEN_TTL_DAYS, 90)."
)


def _print_token(verb: str, row: object, token: str, as_json: bool) -> None:
    public = users.public(row)
    if as_json:
        print_json({**public, "token": token})
        return
    until = f"valid until {public['expires_at']}" if public["expires_at"] else "never expires"
    console.print(f"{verb} {public['role']} [bold]{public['name']}[/] ({public['id']}); token ({until}; "
                  "shown once, keep it safe):")
    console.print(token, markup=False, highlight=False)


@app.command("add")
def add_cmd(
    name: str = typer.Argument(..., help="Login name, unique ignoring case."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    expires_in: int = EXPIRES_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a user with a new id and print their token once (only its hash is stored)."""
    if role not in users.ROLES:
        raise ValidationError(f"--role {role!r}: use one of {', '.join(users.ROLES)}")
    users.check_name(name)
    row, token = get_store().add_user(name, role, expires_in)
    _print_token("created", row, token, as_json)


@app.command("list")
def list_cmd(as_json: bool = JSON_OPTION) -> None:
    """List users, roles and token expiry (tokens are never shown again)."""
    rows = [users.public(u) for u in get_store().list_users()]
    if as_json:
        print_json({"users": rows})
        return
    if not rows:
        console.print("no users; create one with `aismm user add NAME --role admin`")
        return
    from rich.table import Table

    table = Table()
    for col in ("Name", "Id", "Role", "Created", "Token expires"):
        table.add_column(col)
    for u in rows:
        table.add_row(u["name"], u["id"], u["role"], u["created_at"], u["expires_at"] or "never")
    console.print(table)


@app.command("rotate")
def rotate_cmd(
    name: str = typer.Argument(..., help="The user (name in any case, or id)."),
    expires_in: int = EXPIRES_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Give a user a new token, printed once; the old token stops working at once, in every worker."""
    row, token = get_store().rotate_token(name, expires_in)
    _print_token("new token for", row, token, as_json)


@app.command("remove")
def remove_cmd(name: str = typer.Argument(..., help="The user (name in any case, or id)."),
               as_json: bool = JSON_OPTION) -> None:
    """Remove a user for good; their token stops working at once, and a new user of that name starts afresh."""
    row = get_store().remove_user(name)
    if as_json:
        print_json({"removed": row.name, "id": row.id})
    else:
        console.print(f"removed {row.name} ({row.id})")
