"""Gaps of groups, priorities and bench strength, and one person's gaps, as formula-safe
CSV: the rows of ``reports.organisation``'s data flattened into one sheet, a ``table`` column
saying which list a row is from.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from skillgap.formats.collect import safe_cell
from skillgap.reports.organisation import Row, bench_data, priorities_data, scope_data
from skillgap.services.organisation import BenchStrength, Priorities, ScopeGaps
from skillgap.services.organisation_scope import Frame


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


__all__ = ["bench_csv", "person_csv", "priorities_csv", "scope_csv"]
