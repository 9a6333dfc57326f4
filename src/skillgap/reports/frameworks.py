"""Frameworks as terminal text: import results, the list, one framework, search hits."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.search import SearchHit
from skillgap.domain import Framework
from skillgap.services.frameworks import FrameworkSummary, ImportResult

SHOWN = 10  # examples listed per kind of change


def render_import(result: ImportResult, console: Console) -> None:
    d = result.diff
    verb = "Imported" if result.written else "Would import (nothing written)"
    console.print(
        f"{verb} {escape(result.name)} as framework [bold]{result.framework}[/] version "
        f"{escape(result.version)}: {result.competencies} competencies, "
        f"{result.occupations} occupations."
    )
    if d.old_version is not None:
        console.print(
            f"Changes since version {escape(d.old_version)}: {len(d.added)} added, "
            f"{len(d.removed)} removed, {len(d.relabelled)} relabelled, {len(d.moved)} moved"
            + (f", {len(d.returned)} back from retirement" if d.returned else "")
            + "."
        )
        _examples(console, "added", list(d.added))
        _examples(console, "removed (kept, marked retired)", list(d.removed))
        _examples(
            console, "relabelled", [f"{r.code}: {r.old!r} -> {r.new!r}" for r in d.relabelled]
        )
        _examples(console, "moved", [f"{m.code}: {m.old} -> {m.new}" for m in d.moved])
    if result.scale_change:
        old, new = result.scale_change
        console.print(f"[yellow]Scale changes[/] from {old} to {new}: stored levels are read anew.")
    for code, users in result.still_used.items():
        console.print(f"[yellow]Still used[/] {escape(code)} (removed): {escape(', '.join(users))}")
    if result.warnings:
        console.print(f"[yellow]{len(result.warnings)} warnings about the source data:[/]")
        for warning in result.warnings:
            console.print(f"  - {escape(warning)}")


def _examples(console: Console, what: str, items: list[str]) -> None:
    if not items:
        return
    more = f" (and {len(items) - SHOWN} more)" if len(items) > SHOWN else ""
    console.print(f"  {what}: {escape(', '.join(items[:SHOWN]))}{more}")


def render_list(frameworks: list[FrameworkSummary], console: Console) -> None:
    if not frameworks:
        console.print("No frameworks yet: try `skillgap framework import PATH --format ...`.")
        return
    table = Table(title="Frameworks", title_justify="left")
    for column in ("Id", "Name", "Version", "Competencies", "Retired", "Groups", "Occupations"):
        table.add_column(column, justify="right" if column[0] in "CRGO" else "left")
    for f in frameworks:
        table.add_row(
            f.id,
            escape(f.name),
            escape(f.version),
            str(f.competencies),
            str(f.retired),
            str(f.groups),
            str(f.occupations),
        )
    console.print(table)


def render_framework(summary: FrameworkSummary, framework: Framework, console: Console) -> None:
    console.print(
        f"[bold]{escape(framework.name)}[/] ({framework.id}) version {escape(framework.version)}"
        f" - {summary.competencies} competencies ({summary.retired} retired), "
        f"{summary.groups} groups, {summary.occupations} occupations; scale {summary.scale}"
    )
    if framework.description:
        console.print(escape(framework.description))
    counts: dict[str | None, int] = {}
    for comp in framework.competencies:
        if not comp.retired:
            top = framework.top_group(comp.code)
            key = top.code if top else None
            counts[key] = counts.get(key, 0) + 1
    table = Table(title="Capabilities (top-level groups)", title_justify="left")
    table.add_column("Group")
    table.add_column("Name")
    table.add_column("Competencies", justify="right")
    for group in framework.groups:
        if group.parent is None:
            table.add_row(group.code, escape(group.name), str(counts.get(group.code, 0)))
    if counts.get(None):
        table.add_row("-", "(no group)", str(counts[None]))
    console.print(table)


def render_hits(hits: list[SearchHit], console: Console) -> None:
    if not hits:
        console.print("No competency matches.")
        return
    table = Table(title_justify="left")
    for column in ("Score", "Competency", "Name", "Matched"):
        table.add_column(column, justify="right" if column == "Score" else "left")
    for hit in hits:
        table.add_row(
            f"{hit.score:.0f}",
            str(hit.competency.ref),
            escape(hit.competency.name),
            escape(hit.matched),
        )
    console.print(table)
