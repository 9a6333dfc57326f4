"""`skillgap user ...` (accounts of the web application and API) and `skillgap token ...`
(API tokens for integrations): parse, one call to services/users.py, render."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from skillgap.cli.quality import who
from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.domain.users import UserRole
from skillgap.errors import ValidationError
from skillgap.reports.users import (
    render_new_token,
    render_tokens,
    render_user,
    render_users,
    token_data,
    user_data,
)
from skillgap.services import tokens
from skillgap.services import users as service

F = TypeVar("F", bound=Callable[..., Any])
ROLES = click.Choice([r.value for r in UserRole])


def _password(state: CliState, from_stdin: bool) -> str:
    """The new password: from standard input's first line, else asked twice at a terminal."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.ClickException("no password on standard input")
        return line
    if not state.env.interactive():
        raise click.ClickException(
            "no terminal to ask for the password: pass it on standard input with --password-stdin"
        )
    while True:
        text: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            service.check_password(text)
        except ValidationError as exc:
            click.echo(f"Error: {exc}", err=True)
            continue
        return text


def _password_options(command: F) -> F:
    return click.option(
        "--password-stdin",
        is_flag=True,
        help="Read the password from the first line of standard input (for scripts).",
    )(command)


@cli.group()
def user() -> None:
    """Accounts of the web application and API: add, list, set-role, deactivate, password.

    There is no default account or password: the first administrator is made here.

    \b
    Example:
        skillgap user add --admin ann@example.org
        skillgap user add bo@example.org --role manager --person E1002
    """


@user.command(name="add")
@click.argument("email")
@click.option("--admin", is_flag=True, help="An administrator (as --role admin).")
@click.option("--role", type=ROLES, help="The role [default: employee].")
@click.option("--name", help="The name to show [default: the person's, else the e-mail].")
@click.option(
    "--person",
    "person_id",
    metavar="ID",
    help="The employee the user is (required for a manager or an employee).",
)
@_password_options
@pass_state
@user_errors
def user_add(
    state: CliState,
    email: str,
    admin: bool,
    role: str | None,
    name: str | None,
    person_id: str | None,
    password_stdin: bool,
) -> None:
    """Add a user; asks for the password twice (at least 12 characters).

    \b
    Example:
        skillgap user add --admin ann@example.org
        echo "$PASSWORD" | skillgap user add hr@example.org --role hr --password-stdin
        skillgap user add bo@example.org --role employee --person E1057
    """
    if admin and role not in (None, UserRole.ADMIN.value):
        raise click.UsageError(f"--admin is --role admin: it cannot go with --role {role}")
    chosen = UserRole.ADMIN if admin else UserRole(role or UserRole.EMPLOYEE.value)
    service.normalise_login(email)  # a bad address fails before the password is asked
    password = _password(state, password_stdin)
    with state.store() as store:
        added = service.add_user(
            store,
            state.env.clock,
            email,
            role=chosen,
            password=password,
            name=name,
            person_id=person_id,
        )
    render_user(added, "Added", console())


@user.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
@user_errors
def user_list(state: CliState, as_json: bool) -> None:
    """List users: e-mail, name, role, person, whether active.

    \b
    Example:
        skillgap user list
        skillgap user list --json
    """
    with state.store() as store:
        found = service.list_users(store)
    if as_json:
        click.echo(json.dumps([user_data(u) for u in found], indent=2))
    else:
        render_users(found, console())


@user.command(name="set-role")
@click.argument("email")
@click.argument("role", type=ROLES)
@click.option("--person", "person_id", metavar="ID", help="Link the user to this employee.")
@pass_state
@user_errors
def user_set_role(state: CliState, email: str, role: str, person_id: str | None) -> None:
    """Change a user's role (their sessions end). The last administrator stays one.

    \b
    Example:
        skillgap user set-role bo@example.org manager --person E1002
    """
    with state.store() as store:
        changed = service.set_role(store, email, UserRole(role), person_id=person_id)
    render_user(changed, "Updated", console())


@user.command(name="deactivate")
@click.argument("email")
@pass_state
@user_errors
def user_deactivate(state: CliState, email: str) -> None:
    """Deactivate a user: they can no longer log in, and their sessions end.

    \b
    Example:
        skillgap user deactivate bo@example.org
    """
    with state.store() as store:
        changed, ended = service.deactivate_user(store, email)
    render_user(changed, "Deactivated", console())
    if ended:
        console().print(f"Ended {ended} session{'s' if ended != 1 else ''}.")


@user.command(name="password")
@click.argument("email")
@_password_options
@pass_state
@user_errors
def user_password(state: CliState, email: str, password_stdin: bool) -> None:
    """Set a user's password (asked twice); their sessions end.

    \b
    Example:
        skillgap user password ann@example.org
        skillgap user password ann@example.org --password-stdin < secret.txt
    """
    service.normalise_login(email)
    password = _password(state, password_stdin)
    with state.store() as store:
        changed = service.set_password(store, email, password)
    render_user(changed, "New password for", console())


@cli.group()
def token() -> None:
    """API tokens for integrations: create (shown once), list, revoke.

    \b
    Example:
        skillgap token create --name "HR system" --role hr
        skillgap token revoke 3f2a9c0d1e4b5a67
    """


@token.command(name="create")
@click.option("--name", required=True, help="What the token is for (shown in lists).")
@click.option("--role", type=ROLES, required=True, help="What the token may see and do.")
@click.option(
    "--person",
    "person_id",
    metavar="ID",
    help="The employee whose view it has (required for a manager or an employee).",
)
@click.option(
    "--by", metavar="NAME", help="Who creates it, for the record [default: the system user]."
)
@pass_state
@user_errors
def token_create(
    state: CliState, name: str, role: str, person_id: str | None, by: str | None
) -> None:
    """Create an API token; the token is printed once and stored only as its hash.

    \b
    Example:
        skillgap token create --name "HR system" --role hr
        skillgap token create --name "Team board" --role manager --person E1002
    """
    with state.store() as store:
        made = tokens.create_token(
            store,
            state.env.clock,
            name,
            role=UserRole(role),
            created_by=f"cli:{who(state, by)}",
            person_id=person_id,
        )
    render_new_token(made, console())


@token.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
@user_errors
def token_list(state: CliState, as_json: bool) -> None:
    """List API tokens (never their secrets), revoked ones too.

    \b
    Example:
        skillgap token list
    """
    with state.store() as store:
        found = tokens.list_tokens(store)
    if as_json:
        click.echo(json.dumps([token_data(t) for t in found], indent=2))
    else:
        render_tokens(found, console())


@token.command(name="revoke")
@click.argument("token_id", metavar="ID")
@pass_state
@user_errors
def token_revoke(state: CliState, token_id: str) -> None:
    """Revoke an API token: every request with it is refused from now on.

    \b
    Example:
        skillgap token revoke 3f2a9c0d1e4b5a67
    """
    with state.store() as store:
        revoked = tokens.revoke_token(store, state.env.clock, token_id)
    console().print(f"Revoked API token {revoked.id} ({revoked.name}).")
