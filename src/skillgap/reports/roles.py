"""Roles as terminal text: the list, and one profile now and at each horizon side by side."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.domain import Requirement
from skillgap.services.roles import OccupationMatch, RoleProfile, RoleSummary


def render_roles(roles: list[RoleSummary], console: Console) -> None:
    if not roles:
        console.print(
            "No roles yet: try `skillgap roles import` or `skillgap roles from-occupation`."
        )
        return
    table = Table(title="Roles", title_justify="left")
    for column in ("Id", "Name", "Family", "Needs now", "Horizons", "Held by"):
        table.add_column(column, justify="right" if column in ("Needs now", "Held by") else "left")
    for r in roles:
        horizons = ", ".join(h.isoformat() for h in r.horizons) or "-"
        table.add_row(
            r.id,
            escape(r.name),
            escape(r.family),
            str(r.requirements_now),
            horizons,
            str(r.holders),
        )
    console.print(table)


def render_profile(profile: RoleProfile, console: Console) -> None:
    role = profile.role
    console.print(f"[bold]{escape(role.name)}[/] ({role.id}), held by {profile.holders} people")
    if role.description:
        console.print(escape(role.description))
    table = Table(title_justify="left")
    table.add_column("Competency")
    table.add_column("Capability")
    table.add_column("Now")
    for horizon in profile.horizons:
        table.add_column(f"By {horizon.isoformat()}")
    for row in profile.rows:
        ref = next(r for r in row if r is not None).competency
        name, capability = str(ref), "-"
        if ref.framework in profile.context.frameworks:
            framework = profile.context.frameworks[ref.framework]
            if framework.has(ref.code):
                name = framework.competency(ref.code).name
                group = framework.top_group(ref.code)
                capability = group.name if group else "-"
        cells = [
            _cell(profile, req, previous) for req, previous in zip(row, (None, *row), strict=False)
        ]
        table.add_row(escape(name), escape(capability), *cells)
    console.print(table)


def _cell(profile: RoleProfile, req: Requirement | None, previous: Requirement | None) -> str:
    if req is None:
        return "-"
    label = str(req.level)
    framework = profile.context.frameworks.get(req.competency.framework)
    if framework is not None:
        label = f"{req.level} {framework.scale.level(req.level).label}"
    text = f"{escape(label)} ({req.importance.value})"
    changed = previous is not None and previous is not req
    new = previous is None and req.horizon is not None
    return f"[bold]{text}[/]" if changed or new else text


def render_occupations(found: list[OccupationMatch], console: Console) -> None:
    if not found:
        console.print("No occupation matches.")
        return
    table = Table(title_justify="left")
    for column in ("Framework", "Code", "Title", "Skills"):
        table.add_column(column, justify="right" if column == "Skills" else "left")
    for o in found:
        table.add_row(o.framework, escape(o.code), escape(o.title), str(o.skills))
    console.print(table)
