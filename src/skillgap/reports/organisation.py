"""Gaps of groups, priorities and bench strength as rich tables, JSON-ready data and CSV.

The data functions are the one source: ``--format json`` prints them, the CSV is the same
rows flattened into one sheet (a ``table`` column says which list a row is from) and the
terminal tables read them, so the three can never disagree. Row fields keep the engine's
names and units (``engine_tables``: coverage 0-1, readiness 0-100, canonical 0-5 levels).
A suppressed row keeps its identifying fields (group, competency, horizon), with ``null``
figures and its ``suppressed`` reason code; visible rows have ``"suppressed": null``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.analysis.context import SkillContext
from skillgap.domain import CapabilityGroup, CompetencyRef
from skillgap.formats.collect import safe_cell
from skillgap.reports.explain import view_name
from skillgap.services.organisation import (
    BenchStrength,
    Frame,
    Priorities,
    Privacy,
    Reason,
    ScopeGaps,
    ScopeKind,
    Suppressed,
)

Row = dict[str, Any]
#: Fields that say what a row is about: kept in a suppressed row's marker.
_IDENTITY = ("group", "horizon", "competency", "name", "framework", "capability", "capability_code")
_NEVER = ("holder",)  # aggregates never name people (the service already drops it)


# --- JSON-ready data ------------------------------------------------------------------------


def competency_name(context: SkillContext, ref: CompetencyRef) -> str:
    framework = context.frameworks.get(ref.framework)
    if framework is None or not framework.has(ref.code):
        return str(ref)
    return framework.competency(ref.code).name


def capability_name(context: SkillContext, ref: CompetencyRef) -> str | None:
    framework = context.frameworks.get(ref.framework)
    if framework is None or not framework.has(ref.code):
        return None
    group = framework.top_group(ref.code)
    return group.name if group else None


def _capability(group: CapabilityGroup | None) -> Row:
    """A capability group's columns: ``capability`` is a name, as in a competency's row."""
    if group is None:
        return {"capability": "(no capability group)", "capability_code": None}
    return {"capability": group.name, "capability_code": group.code}


def row_data(row: Any, context: SkillContext) -> Row:
    """An engine row (or a service line) as plain data: a competency becomes its ref, name
    and capability name; a capability group its name and code; floats are rounded; the
    derived ``people_short`` and ``mean_weighted_gap`` are added where the row has them."""
    out: Row = {}
    for f in fields(row):
        value = getattr(row, f.name)
        if f.name in _NEVER:
            continue
        if isinstance(value, CompetencyRef):
            name = competency_name(context, value)
            out.update(competency=str(value), name=name, capability=capability_name(context, value))
        elif isinstance(value, CapabilityGroup) or f.name == "capability":
            out.update(_capability(value))
        elif isinstance(value, date):
            out[f.name] = value.isoformat()
        elif isinstance(value, float):
            out[f.name] = round(value, 3)
        else:
            out[f.name] = value
    for derived in ("people_short", "mean_weighted_gap"):
        if derived not in out and hasattr(row, derived):
            out[derived] = round(float(getattr(row, derived)), 3)
    return out


def _rows(rows: Iterable[Any], context: SkillContext) -> list[Row]:
    """Rows and suppressed markers alike: a marker gets the visible rows' columns, empty."""
    found = list(rows)
    sample = next((r for r in found if not isinstance(r, Suppressed)), None)
    columns = list(row_data(sample, context)) if sample is not None else []
    out = []
    for row in found:
        if isinstance(row, Suppressed):
            out.append(_marker(row, columns, context))
        else:
            out.append({**row_data(row, context), "suppressed": None})
    return out


def _marker(s: Suppressed, columns: Sequence[str], context: SkillContext) -> Row:
    known: Row = {"group": s.group, "horizon": s.horizon.isoformat() if s.horizon else None}
    if s.competency is not None:
        known.update(
            competency=str(s.competency),
            name=competency_name(context, s.competency),
            capability=capability_name(context, s.competency),
        )
    if s.capability is not None:
        known.update(_capability(s.capability))
    keys = columns or [k for k in _IDENTITY if known.get(k) is not None]
    return {**{k: known.get(k) for k in keys}, "suppressed": s.reason.value}


def hidden_text(reason: Reason, privacy: Privacy) -> str:
    if reason is Reason.SMALL_GROUP:
        return f"a group of fewer than {privacy.min_group_size} people"
    return f"computed from fewer than {privacy.min_group_size} people"


def _header(f: Frame) -> Row:
    return {
        "scope": {"kind": f.scope.kind.value, "name": f.group},
        "organisation": f.organisation,
        "as_of": f.as_of.isoformat(),
        "view": f.view.value,
        "min_group_size": f.privacy.min_group_size,
        "admin": f.privacy.admin,
        "people": f.people,
        "suppressed": f.hidden.reason.value if f.hidden else None,
    }


def scope_data(r: ScopeGaps) -> Row:
    """``skillgap gaps --role/--team/--department/--org --format json``."""
    ctx = r.frame.context
    return {
        **_header(r.frame),
        "at": r.at.isoformat(),
        "horizons": [h.isoformat() for h in r.horizons],
        "readiness": _rows([r.readiness], ctx)[0],
        "competencies": _rows(r.competencies, ctx),
        "capabilities": _rows(r.capabilities, ctx),
        "breakdown": None
        if r.breakdown is None
        else {"by": r.breakdown.value, "groups": _rows(r.groups, ctx)},
        "future_gaps": None if r.future is None else _rows(r.future, ctx),
        "single_points_of_failure": None
        if r.single_points is None
        else [row_data(s, ctx) for s in r.single_points],
    }


def priorities_data(p: Priorities) -> Row:
    """``skillgap priorities --format json``: each need with its components and the
    sentence explaining its score."""
    ctx = p.frame.context
    return {
        **_header(p.frame),
        "horizon": p.horizon.isoformat() if isinstance(p.horizon, date) else p.horizon.value,
        "half_life_days": p.half_life_days,
        "needs": p.needs,
        "priorities": [
            {"rank": i, **row_data(row, ctx), "explanation": row.explain()}
            for i, row in enumerate(p.rows, 1)
        ],
        "hidden": [_marker(s, (), ctx) for s in p.suppressed if s.competency is not None],
    }


def bench_data(b: BenchStrength) -> Row:
    """``skillgap bench-strength --format json``."""
    return {**_header(b.frame), "bench": [row_data(line, b.frame.context) for line in b.rows]}


# --- CSV ------------------------------------------------------------------------------------


def csv_text(tables: Mapping[str, Iterable[Row]]) -> str:
    """Rows of several lists as one formula-safe CSV sheet: a ``table`` column, then the
    union of the rows' keys in order of first appearance; ``None`` is an empty cell."""
    rows = [{"table": name, **row} for name, found in tables.items() for row in found]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value) if isinstance(value, str) else str(value)


def scope_csv(r: ScopeGaps) -> str:
    data = scope_data(r)
    breakdown = data["breakdown"] or {"by": "group", "groups": []}
    return csv_text(
        {
            "readiness": [data["readiness"]] if data["readiness"] else [],
            "competency": data["competencies"],
            "capability": data["capabilities"],
            breakdown["by"]: breakdown["groups"],
            "future": data["future_gaps"] or [],
            "single-point-of-failure": data["single_points_of_failure"] or [],
        }
    )


def _whole(f: Frame) -> list[Row]:
    return [{"group": f.group, "suppressed": f.hidden.reason.value}] if f.hidden else []


def priorities_csv(p: Priorities) -> str:
    data = priorities_data(p)
    return csv_text(
        {"priority": data["priorities"], "hidden": data["hidden"], "scope": _whole(p.frame)}
    )


def bench_csv(b: BenchStrength) -> str:
    return csv_text({"bench": bench_data(b)["bench"], "scope": _whole(b.frame)})


def person_csv(data: Mapping[str, Any]) -> str:
    """One person's gaps (``reports.gaps.gaps_data``): a row per requirement, now and at
    the horizon."""
    who = {"employee_id": data["person"]["employee_id"], "role": data["role"]["id"]}
    profiles = {"now": data["now"], "horizon": data.get("at_horizon")}
    return csv_text(
        {
            name: [{**who, "date": p["date"], **req} for req in p["requirements"]]
            for name, p in profiles.items()
            if p
        }
    )


# --- terminal -------------------------------------------------------------------------------

#: A column: its header, and its cell for a visible row. The first ``labels`` columns of a
#: table identify the row and are shown for hidden rows too.
Column = tuple[str, Callable[[Row], str]]


def _render(
    console: Console,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row],
    labels: int,
    empty: str = "none",
) -> int:
    """Prints a table of ``rows``; returns how many were hidden."""
    table = Table(title=title, title_justify="left")
    for i, (header, _) in enumerate(columns):
        table.add_column(header, justify="left" if i < labels else "right", overflow="fold")
    for row in rows:
        cells = [escape(cell(row)) for _, cell in columns[:labels]]
        if row.get("suppressed"):
            cells += ["[dim]hidden[/]", *[""] * (len(columns) - labels - 1)]
        else:
            cells += [escape(cell(row)) for _, cell in columns[labels:]]
        table.add_row(*cells)
    if not rows:
        table.add_row(empty, *[""] * (len(columns) - 1))
    console.print(table)
    return sum(1 for row in rows if row.get("suppressed"))


def _get(key: str, form: str = "{}") -> Callable[[Row], str]:
    return lambda row: "-" if row.get(key) is None else form.format(row[key])


def _percent(key: str) -> Callable[[Row], str]:
    return lambda row: f"{100 * row[key]:.0f}%"


NAME, CAPABILITY = ("Competency", _get("name")), ("Capability", _get("capability"))
IN_SCOPE = ("In scope", _get("people_in_scope"))
MEAN_GAP = ("Mean w. gap", _get("mean_weighted_gap", "{:.2f}"))
SHORT = ("Short", _get("people_short"))
MEETING, COVERAGE = ("Meeting", _get("people_meeting")), ("Coverage", _percent("coverage"))
TOTAL_GAP = ("Total w. gap", _get("total_weighted_gap", "{:g}"))


def _title(f: Frame, what: str) -> str:
    scope = "" if f.scope.kind is ScopeKind.ORGANISATION else f" ({f.scope.kind.value})"
    return (
        f"[bold]{escape(what + f.group)}[/]{scope}: {f.people} active people; as of "
        f"{f.as_of.isoformat()}, {view_name(f.view)} view."
    )


def _not_shown(f: Frame, console: Console) -> bool:
    if f.hidden:
        console.print(
            f"Not shown: {hidden_text(f.hidden.reason, f.privacy)} (minimum group size "
            f"{f.privacy.min_group_size}; an administrator may pass --admin)."
        )
    return f.hidden is not None


def render_scope(r: ScopeGaps, console: Console) -> None:
    data, f = scope_data(r), r.frame
    console.print(_title(f, ""))
    profile = "today's profiles" if r.at == f.as_of else f"the {r.at.isoformat()} profiles"
    console.print(f"Compared with {profile}, with the levels held on {f.as_of.isoformat()}.")
    if _not_shown(f, console):
        return
    ready = data["readiness"]
    if ready and not ready["suppressed"]:
        console.print(
            f"Readiness: [bold]{ready['mean_readiness']:.0f}%[/] (importance-weighted, mean "
            f"over {ready['people_assessed']} people assessed); total weighted gap "
            f"{ready['total_weighted_gap']:g}."
        )
    later = [h.isoformat() for h in r.horizons if h > r.at]
    if later and r.future is None:
        console.print(f"Later horizons of these roles: {', '.join(later)} (--horizon future).")
    console.print()
    columns = [NAME, CAPABILITY, IN_SCOPE, MEETING, COVERAGE, MEAN_GAP, TOTAL_GAP]
    hidden = _render(console, "Per competency", columns, data["competencies"], labels=2)
    hidden += _render(
        console,
        "Per capability group",
        [
            CAPABILITY,
            IN_SCOPE,
            ("Meeting all", _get("people_meeting")),
            ("Met / required", lambda row: f"{row['requirements_met']} / {row['requirements']}"),
            COVERAGE,
            MEAN_GAP,
        ],
        data["capabilities"],
        labels=1,
    )
    if data["breakdown"]:
        by = data["breakdown"]["by"]
        hidden += _render(
            console,
            f"Per {by}",
            [
                (by.capitalize(), _get("group")),
                ("People", _get("group_size")),
                ("Assessed", _get("people_assessed")),
                ("Readiness", _get("mean_readiness", "{:.0f}%")),
                TOTAL_GAP,
            ],
            data["breakdown"]["groups"],
            labels=1,
        )
    if data["future_gaps"] is not None:
        hidden += _render(
            console,
            f"Future gaps (requirements dated after {f.as_of.isoformat()}, levels held now)",
            [("Horizon", _get("horizon")), NAME, IN_SCOPE, SHORT, TOTAL_GAP],
            data["future_gaps"],
            labels=2,
        )
    if data["single_points_of_failure"] is not None:
        _render(
            console,
            "Single points of failure (critical competencies verified in at most one person)",
            [
                NAME,
                CAPABILITY,
                ("Level", _get("level", "{:g}")),
                ("Roles", _get("roles")),
                ("People requiring", _get("people_requiring")),
                ("Holders", _get("holders")),
            ],
            data["single_points_of_failure"],
            labels=2,
        )
    if hidden:
        console.print(_hidden_note(hidden, "row", f.privacy))


def _hidden_note(count: int, what: str, privacy: Privacy) -> str:
    return (
        f"{count} {what}{'' if count == 1 else 's'} hidden: in a group of fewer than "
        f"{privacy.min_group_size} people, or computed from fewer people than that (an "
        "administrator may pass --admin)."
    )


def render_priorities(p: Priorities, console: Console) -> None:
    data, f = priorities_data(p), p.frame
    console.print(_title(f, "Training priorities: "))
    console.print(
        "Score = importance x people short x mean gap x urgency; urgency halves every "
        f"{p.half_life_days:g} days until the need arises."
    )
    if _not_shown(f, console):
        return
    _render(
        console,
        f"Top {len(p.rows)} of {p.needs} needs",
        [
            ("#", _get("rank")),
            NAME,
            ("When", lambda row: row["horizon"] or "now"),
            ("Short / need", lambda row: f"{row['people_short']} / {row['people_required']}"),
            ("Mean gap", _get("gap_size", "{:.2f}")),
            ("Importance", _get("importance", "{:.2f}")),
            ("Urgency", _get("urgency", "{:.2f}")),
            ("Score", _get("score", "{:.1f}")),
        ],
        data["priorities"],
        labels=3,
        empty="no gaps",
    )
    if data["hidden"]:
        console.print(_hidden_note(len(data["hidden"]), "more need", f.privacy))


def render_bench(b: BenchStrength, console: Console) -> None:
    console.print(_title(b.frame, "Bench strength: "))
    console.print("People holding each level on verified evidence, anywhere in the organisation.")
    if _not_shown(b.frame, console):
        return
    _render(
        console,
        "Thinnest bench first",
        [
            NAME,
            CAPABILITY,
            ("Level", _get("level", "{:g}+")),
            ("People holding it", _get("people")),
            ("Needed by", _get("required_by")),
        ],
        bench_data(b)["bench"],
        labels=2,
    )


__all__ = [
    "bench_csv",
    "bench_data",
    "person_csv",
    "priorities_csv",
    "priorities_data",
    "render_bench",
    "render_priorities",
    "render_scope",
    "row_data",
    "scope_csv",
    "scope_data",
]
