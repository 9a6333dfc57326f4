"""Users and API tokens as terminal text and JSON-ready data (the API's bodies too). A
password hash or token digest is never rendered; a new token's secret is shown once."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.domain.users import ApiToken, User
from skillgap.services.tokens import NewToken


def user_data(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role.value,
        "person_id": user.person_id,
        "active": user.active,
        "created_at": user.created_at.isoformat(),
    }


def token_data(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "role": token.role.value,
        "person_id": token.person_id,
        "created_at": token.created_at.isoformat(),
        "created_by": token.created_by,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        "active": token.active,
    }


def render_users(users: list[User], console: Console) -> None:
    if not users:
        console.print("No users yet: skillgap user add --admin EMAIL makes the first one.")
        return
    table = Table(title=f"Users ({len(users)})", title_justify="left")
    for column in ("E-mail", "Name", "Role", "Person", "Active", "Created"):
        table.add_column(column, overflow="fold")
    for u in users:
        table.add_row(
            escape(u.id),
            escape(u.name),
            u.role.value,
            escape(u.person_id or "-"),
            "yes" if u.active else "[red]no[/]",
            u.created_at.date().isoformat(),
        )
    console.print(table)


def render_user(user: User, what: str, console: Console) -> None:
    """One line after a change: "Added user ann@example.org (admin)."."""
    person = f", person {escape(user.person_id)}" if user.person_id else ""
    state = "" if user.active else ", inactive"
    console.print(f"{what} user {escape(user.id)} ({user.role.value}{person}{state}).")


def render_tokens(tokens: list[ApiToken], console: Console) -> None:
    if not tokens:
        console.print("No API tokens.")
        return
    table = Table(title=f"API tokens ({len(tokens)})", title_justify="left")
    for column in ("Id", "Name", "Role", "Person", "Created", "By", "Status"):
        table.add_column(column, overflow="fold")
    for t in tokens:
        status = "active" if t.active else f"[red]revoked {t.revoked_at:%Y-%m-%d}[/]"
        table.add_row(
            t.id,
            escape(t.name),
            t.role.value,
            escape(t.person_id or "-"),
            t.created_at.date().isoformat(),
            escape(t.created_by),
            status,
        )
    console.print(table)


def render_new_token(made: NewToken, console: Console) -> None:
    t = made.token
    person = f" for person {escape(t.person_id)}" if t.person_id else ""
    console.print(f"Created API token {t.id} ({escape(t.name)}): role {t.role.value}{person}.")
    console.print("The token (shown this once; store it now, it cannot be shown again):")
    console.print(made.secret, soft_wrap=True, markup=False, highlight=False)
    console.print("Use it as: Authorization: Bearer <token>")
