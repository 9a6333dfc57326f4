"""The requirement rows of the gap engine: one row per requirement of each person's role,
at a horizon (``GapColumns``) or dated after the analysis date (``FutureColumns``).

Building them is an expansion (people -> their role's profile rows) and a join of the
holdings to the rows (a scatter through the profile's slot table; a search of the sorted
pair keys for timeline rows, where a competency may recur); ``patch_*`` redo one person's
rows in place, which is what makes a one-person update take microseconds instead of a full
recompute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skillgap.analysis.engine_build import F64, I8, I64, SHIFT, Profile, Timeline
from skillgap.analysis.engine_compute import (
    Holdings,
    Rows,
    expand,
    held_rows,
    judge,
    lookup,
    readiness,
)
from skillgap.analysis.inventory import View

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class GapColumns:
    """One row per requirement of each person at a horizon (mutable: patched per person)."""

    rows: Rows
    comp: I64
    required: F64
    weight: F64
    held: F64
    gap: F64
    coverage: F64
    status: I8
    weighted_gap: F64
    readiness: F64  # per person
    assessed: Mask  # per person


@dataclass(frozen=True, eq=False)
class FutureColumns:
    """One row per requirement dated after the analysis date, per person holding the role.

    ``increment`` is the part of the row's gap not already open at an earlier horizon."""

    rows: Rows
    comp: I64
    required: F64
    weight: F64
    horizon: I64
    previous: F64
    held: F64
    gap: F64
    increment: F64


def gap_columns(role_of: I64, profile: Profile, held: Holdings, view: View) -> GapColumns:
    rows = expand(role_of, profile.ptr)
    comp = profile.comp[rows.source_row]
    weight = profile.weight[rows.source_row]
    required = profile.required[rows.source_row]
    levels = held_rows(held, view, rows, comp, role_of, profile)
    j = judge(required, levels)
    return GapColumns(
        rows=rows,
        comp=comp,
        required=required,
        weight=weight,
        held=levels,
        gap=j.gap,
        coverage=j.coverage,
        status=j.status,
        weighted_gap=weight * j.gap,
        readiness=readiness(rows, weight, j.coverage),
        assessed=np.diff(rows.ptr) > 0,
    )


def future_columns(role_of: I64, line: Timeline, held: Holdings, view: View) -> FutureColumns:
    rows = expand(role_of, line.ptr)
    comp = line.comp[rows.source_row]
    required = line.required[rows.source_row]
    previous = line.previous[rows.source_row]
    levels = lookup(held, view, (rows.person << SHIFT) | comp)
    gap, increment = increments(required, previous, levels)
    return FutureColumns(
        rows=rows,
        comp=comp,
        required=required,
        weight=line.weight[rows.source_row],
        horizon=line.horizon[rows.source_row],
        previous=previous,
        held=levels,
        gap=gap,
        increment=increment,
    )


def increments(required: F64, previous: F64, held: F64) -> tuple[F64, F64]:
    """A future row's gap, and the part of it not already open at an earlier horizon:
    gap - max(0, previous - held), where ``previous`` is the highest level required before
    (the gaps before were at most that much, and the largest of them is counted there)."""
    held0 = np.where(np.isnan(held), 0.0, held)
    gap = np.maximum(required - held0, 0.0)
    before = np.where(np.isnan(previous), 0.0, np.maximum(previous - held0, 0.0))
    return gap, np.maximum(gap - before, 0.0)


def patch_gaps(table: GapColumns, index: int, mine: Holdings, view: View) -> None:
    """Recompute person ``index``'s rows and readiness from their own holdings."""
    lo, hi = int(table.rows.ptr[index]), int(table.rows.ptr[index + 1])
    if lo == hi:
        return
    held = lookup(mine, view, (index << SHIFT) | table.comp[lo:hi])
    j = judge(table.required[lo:hi], held)
    weight = table.weight[lo:hi]
    table.held[lo:hi] = held
    table.gap[lo:hi] = j.gap
    table.coverage[lo:hi] = j.coverage
    table.status[lo:hi] = j.status
    table.weighted_gap[lo:hi] = weight * j.gap
    weights = weight.tolist()
    covered = sum(w * c for w, c in zip(weights, j.coverage.tolist(), strict=True))
    table.readiness[index] = 100.0 * covered / sum(weights)


def patch_future(table: FutureColumns, index: int, mine: Holdings, view: View) -> None:
    lo, hi = int(table.rows.ptr[index]), int(table.rows.ptr[index + 1])
    if lo == hi:
        return
    held = lookup(mine, view, (index << SHIFT) | table.comp[lo:hi])
    gap, increment = increments(table.required[lo:hi], table.previous[lo:hi], held)
    table.held[lo:hi] = held
    table.gap[lo:hi] = gap
    table.increment[lo:hi] = increment
