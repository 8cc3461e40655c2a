"""`aismm user add|list|remove`: users and their bearer tokens (the rules: aismm_assistant.users)."""

from __future__ import annotations

import typer

from aismm_assistant import users
from aismm_assistant.cli.common import JSON_OPTION, console, get_store, new_app, print_json
from aismm_assistant.errors import ValidationError
from aismm_assistant.users import ROLE_HELP

app = new_app("Create, list and remove users (bearer tokens for the API and the pages).")


@app.command("add")
def add_cmd(
    name: str = typer.Argument(..., help="Login name; respondents see interviews assigned to this name."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a user and print their token once (only its hash is stored)."""
    if role not in users.ROLES:
        raise ValidationError(f"--role {role!r}: use one of {', '.join(users.ROLES)}")
    users.check_name(name)
    row, token = get_store().add_user(name, role)
    if as_json:
        print_json({"name": row.name, "role": row.role, "token": token})
        return
    console.print(f"created {row.role} [bold]{row.name}[/]; token (shown once, keep it safe):")
    console.print(token, markup=False, highlight=False)


@app.command("list")
def list_cmd(as_json: bool = JSON_OPTION) -> None:
    """List users and roles (tokens are never shown again)."""
    rows = [users.public(u) for u in get_store().list_users()]
    if as_json:
        print_json({"users": rows})
        return
    if not rows:
        console.print("no users; create one with `aismm user add NAME --role admin`")
        return
    from rich.table import Table

    table = Table()
    for col in ("Name", "Role", "Created"):
        table.add_column(col)
    for u in rows:
        table.add_row(u["name"], u["role"], u["created_at"])
    console.print(table)


@app.command("remove")
def remove_cmd(name: str = typer.Argument(..., help="The user to remove."), as_json: bool = JSON_OPTION) -> None:
    """Remove a user; their token stops working at once, in every worker."""
    get_store().remove_user(name)
    if as_json:
        print_json({"removed": name})
    else:
        console.print(f"removed {name}")
