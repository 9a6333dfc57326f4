"""People as terminal text: import results, lists, one person."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.domain import Person
from skillgap.services.people import PeopleResult, PersonView


def render_import(result: PeopleResult, console: Console) -> None:
    console.print(
        f"People: {result.added} added, {result.updated} updated, {result.unchanged} unchanged"
        + (f", {len(result.deactivated)} marked inactive" if result.deactivated else "")
        + "."
    )
    if result.rejected:
        console.print(
            f"[yellow]{result.rejected} rows rejected[/], written with their reasons to "
            f"{escape(str(result.rejects_file))}."
        )
    for warning in result.warnings:
        console.print(f"[yellow]Warning:[/] {escape(warning)}")


def render_people(people: list[Person], console: Console) -> None:
    if not people:
        console.print("No people match.")
        return
    table = Table(title=f"People ({len(people)})", title_justify="left")
    for column in ("Id", "Name", "Department", "Team", "Role", "Manager", "Active"):
        table.add_column(column)
    for p in people:
        table.add_row(
            escape(p.employee_id),
            escape(p.name),
            escape(p.department or "-"),
            escape(p.team or "-"),
            escape(p.role_id or "-"),
            escape(p.manager_id or "-"),
            "yes" if p.active else "no",
        )
    console.print(table)


def render_person(view: PersonView, console: Console) -> None:
    p = view.person
    console.print(
        f"[bold]{escape(p.name)}[/] ({escape(p.employee_id)})"
        + ("" if p.active else " [red]inactive[/]")
    )
    lines = [
        ("E-mail", ", ".join(p.emails) or "-"),
        ("Department", p.department or "-"),
        ("Team", p.team or "-"),
        ("Role", f"{view.role_name} ({p.role_id})" if view.role_name else p.role_id or "-"),
        ("Hired", p.hire_date.isoformat() if p.hire_date else "-"),
        ("Reports to", " > ".join(f"{m.name} ({m.employee_id})" for m in view.managers) or "-"),
        ("Direct reports", ", ".join(r.name for r in view.reports) or "-"),
        ("Evidence", f"{view.awards} credentials, {view.ratings} ratings"),
        *sorted(p.attributes.items()),
    ]
    for label, value in lines:
        console.print(f"{escape(label) + ':':<16}{escape(value)}")
