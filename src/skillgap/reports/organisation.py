"""Gaps of groups, priorities and bench strength as JSON-ready data, which the CSV
(``reports.organisation_csv``) and the terminal tables (``reports.organisation_terminal``)
are drawn from.

The data functions are the one source: ``--format json`` prints them, the CSV is the same
rows flattened into one sheet (a ``table`` column says which list a row is from) and the
terminal tables read them, so the three can never disagree. Row fields keep the engine's
names and units (``engine_tables``: coverage 0-1, readiness 0-100, canonical 0-5 levels).
A suppressed row keeps its identifying fields (group, competency, horizon), with ``null``
figures and its ``suppressed`` reason code; visible rows have ``"suppressed": null``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from skillgap.analysis.context import SkillContext
from skillgap.domain import CapabilityGroup, CompetencyRef
from skillgap.services.organisation import BenchStrength, Priorities, ScopeGaps
from skillgap.services.organisation_scope import Frame, Privacy, Reason, Suppressed

Row = dict[str, Any]
#: Fields that say what a row is about: kept in a suppressed row's marker.
_IDENTITY = ("group", "horizon", "competency", "name", "framework", "capability", "capability_code")
_NEVER = ("holder",)  # aggregates never name people (the service already drops it)


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


__all__ = ["bench_data", "priorities_data", "row_data", "scope_data"]
