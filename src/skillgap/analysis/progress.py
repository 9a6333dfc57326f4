"""Progress: what a snapshot records, and what changed between snapshots.

``snapshot_rows`` applies the rules of ``skillgap summary`` and ``skillgap gaps`` (the
evidence of ``explain.person_evidence``, ``gaps.person_gap`` in the verified and the
best-available view) to every person assessed, so a snapshot holds the figures those
commands showed on the day. It reads them from the gap engine's columns, one model per
snapshot as the summary does (``summary.build_model``, ``summary.person_readiness``): a
snapshot follows every import, and a loop per person took tens of seconds at 100,000.
``compare`` and ``progress`` then read snapshots only, never the workspace as it is now:
history stays what it was when roles, frameworks or rules change.

A gap is a requirement whose held level (in the chosen view) is below the level required.
Between two snapshots, for the people in both, a gap *closed* when it is open before and not
after, and *opened* the other way round; each change says why (the level held rose or fell,
the requirement changed, the requirement came or went with a role or a horizon) and gives
the levels required and held before and after. People who joined or left the people
assessed (hired, a role given, made inactive) are listed apart: their gaps neither close
nor open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from skillgap.analysis.explain import next_horizon
from skillgap.analysis.inventory import View
from skillgap.analysis.summary import WorkspaceData, build_model, person_readiness
from skillgap.domain import CompetencyRef
from skillgap.domain.snapshots import (
    Cause,
    GapChange,
    PersonChange,
    RequirementLine,
    Snapshot,
    SnapshotRow,
    SnapshotTotals,
)
from skillgap.errors import NotFoundError

# --- what a snapshot records ----------------------------------------------------------------


def snapshot_rows(data: WorkspaceData, as_of: date) -> list[SnapshotRow]:
    """One row per person assessed as ``skillgap summary`` assesses them on ``as_of``:
    active, holding a role the workspace knows. Read from one gap engine model (as the
    summary), both views, now and at each role's next horizon."""
    model, _ = build_model(data, as_of)
    verified = model.person_gaps(View.VERIFIED)
    best = model.person_gaps(View.BEST_AVAILABLE)
    now = (person_readiness(verified), person_readiness(best))
    ahead = [next_horizon(role, as_of) for role in model.roles]
    later = {
        h: (
            person_readiness(model.person_gaps(View.VERIFIED, h)),
            person_readiness(model.person_gaps(View.BEST_AVAILABLE, h)),
        )
        for h in sorted({h for h in ahead if h is not None})
    }
    requirements = [role.requirements_at(as_of) for role in model.roles]
    ptr: list[int] = verified.ptr.tolist()
    required: list[float] = verified.required.tolist()
    held_verified: list[float] = verified.held.tolist()
    held_best: list[float] = best.held.tolist()
    rows = []
    for index, (person, role) in enumerate(zip(model.people, model.role_of.tolist(), strict=True)):
        if role < 0:
            continue
        lo = ptr[index]
        lines = tuple(
            RequirementLine(
                competency=req.competency,
                importance=req.importance,
                required=required[j],
                held_verified=_level(held_verified[j]),
                held_best=_level(held_best[j]),
            )
            for j, req in enumerate(requirements[role], lo)
        )
        horizon = ahead[role]
        then = later.get(horizon) if horizon is not None else None
        rows.append(
            SnapshotRow(
                person_id=person.employee_id,
                department=person.department,
                team=person.team,
                role_id=model.roles[role].id,
                readiness_verified=float(now[0][index]),
                readiness_best=float(now[1][index]),
                horizon=horizon,
                horizon_readiness_verified=None if then is None else float(then[0][index]),
                horizon_readiness_best=None if then is None else float(then[1][index]),
                lines=lines,
            )
        )
    return rows


def _level(held: float) -> float | None:
    return None if held != held else held  # NaN: nothing held in the view


# --- between two snapshots ------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessChange:
    """Mean readiness of a person, a department or the organisation before and after
    (None where nobody in it was assessed)."""

    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Period:
    """What changed from one snapshot to the next (``before`` and ``after`` without rows)."""

    before: Snapshot
    after: Snapshot
    view: View
    closed: tuple[GapChange, ...]
    opened: tuple[GapChange, ...]
    joined: tuple[str, ...]  # people assessed after, not before
    left: tuple[str, ...]  # people assessed before, not after
    people: tuple[ReadinessChange, ...]  # people in both whose readiness changed
    departments: tuple[ReadinessChange, ...]
    organisation: ReadinessChange

    def closed_by(self, cause: Cause) -> int:
        return sum(1 for c in self.closed if c.cause is cause)


def compare(before: Snapshot, after: Snapshot, view: View = View.VERIFIED) -> Period:
    """The gaps closed and opened, and the readiness changes, from ``before`` to ``after``."""
    verified = view is View.VERIFIED
    old = {r.person_id: r for r in before.rows}
    new = {r.person_id: r for r in after.rows}
    closed: list[GapChange] = []
    opened: list[GapChange] = []
    people: list[ReadinessChange] = []
    for pid in sorted(old.keys() & new.keys()):
        change = person_change(old[pid], new[pid], verified)
        closed.extend(change.closed)
        opened.extend(change.opened)
        if change.readiness_before is not None:
            people.append(ReadinessChange(pid, change.readiness_before, change.readiness_after))
    return Period(
        before=before.header(),
        after=after.header(),
        view=view,
        closed=tuple(sorted(closed, key=_change_order)),
        opened=tuple(sorted(opened, key=_change_order)),
        joined=tuple(sorted(new.keys() - old.keys())),
        left=tuple(sorted(old.keys() - new.keys())),
        people=tuple(people),
        departments=_departments(before, after, verified),
        organisation=ReadinessChange(
            "organisation", before.totals.readiness(verified), after.totals.readiness(verified)
        ),
    )


def person_change(was: SnapshotRow, now: SnapshotRow, verified: bool) -> PersonChange:
    """One person's changes between their row of one snapshot (``was``) and of the next
    (``now``), in one view: the rule of ``compare``, person by person."""
    return _person_changes(was, now, (verified,))[0]


def period_changes(before: Snapshot, after: Snapshot) -> Iterator[PersonChange]:
    """Every change from ``before`` to ``after`` (with their rows), in both views, of the
    people in both: what a period stores (``SnapshotRepository.put_period``). People with
    nothing changed in a view are left out of it."""
    old = {r.person_id: r for r in before.rows}
    for now in after.rows:
        was = old.get(now.person_id)
        if was is None:
            continue
        for change in _person_changes(was, now, (True, False)):
            if change.closed or change.opened or change.readiness_before is not None:
                yield change


Lines = list[tuple[RequirementLine | None, RequirementLine | None]]


def _person_changes(
    was: SnapshotRow, now: SnapshotRow, views: tuple[bool, ...]
) -> list[PersonChange]:
    pairs = _paired(was.lines, now.lines)
    found = []
    for verified in views:
        closed: list[GapChange] = []
        opened: list[GapChange] = []
        for a, b in pairs:
            open_a = a is not None and a.is_open(verified)
            open_b = b is not None and b.is_open(verified)
            if open_a != open_b:
                line = b if b is not None else a
                assert line is not None
                change = _change(was, now, line.competency, a, b, verified)
                (opened if open_b else closed).append(change)
        before, after = was.readiness(verified), now.readiness(verified)
        moved = was.assessed and now.assessed and before != after
        found.append(
            PersonChange(
                person_id=now.person_id,
                verified=verified,
                readiness_before=before if moved else None,
                readiness_after=after if moved else None,
                closed=tuple(sorted(closed, key=_by_competency)),
                opened=tuple(sorted(opened, key=_by_competency)),
            )
        )
    return found


def _paired(before: tuple[RequirementLine, ...], after: tuple[RequirementLine, ...]) -> Lines:
    """The lines of two rows by competency (None where one has none). Most often both list
    the same requirements in the same order (the role's), and they are zipped: looking
    every line up by competency took most of a period's time at 100,000 people."""
    if len(before) == len(after) and all(
        x.competency is y.competency or x.competency == y.competency
        for x, y in zip(before, after, strict=True)
    ):
        return list(zip(before, after, strict=True))
    by_before = {line.competency: line for line in before}
    by_after = {line.competency: line for line in after}
    return [(by_before.get(r), by_after.get(r)) for r in by_before.keys() | by_after.keys()]


def _by_competency(change: GapChange) -> CompetencyRef:
    return change.competency


def _change(
    was: SnapshotRow,
    now: SnapshotRow,
    ref: CompetencyRef,
    a: RequirementLine | None,
    b: RequirementLine | None,
    verified: bool,
) -> GapChange:
    held_a = a.held(verified) if a else None
    held_b = b.held(verified) if b else None
    if b is None:
        cause = Cause.NO_LONGER_REQUIRED
    elif a is None:
        cause = Cause.NEWLY_REQUIRED
    elif not b.is_open(verified):  # closed
        rose = (held_b or 0.0) > (held_a or 0.0)
        cause = Cause.LEVEL_ROSE if rose else Cause.REQUIREMENT_LOWERED
    else:  # opened
        fell = (held_b or 0.0) < (held_a or 0.0)
        cause = Cause.LEVEL_FELL if fell else Cause.REQUIREMENT_RAISED
    line = b or a
    assert line is not None
    return GapChange(
        person_id=now.person_id,
        department=now.department,
        role_id=now.role_id,
        competency=ref,
        importance=line.importance,
        required_before=a.required if a else None,
        required_after=b.required if b else None,
        held_before=held_a,
        held_after=held_b,
        cause=cause,
    )


def _change_order(change: GapChange) -> tuple[str, str, CompetencyRef]:
    return (change.department or "", change.person_id, change.competency)


def _departments(before: Snapshot, after: Snapshot, verified: bool) -> tuple[ReadinessChange, ...]:
    was, now = by_department(before.rows), by_department(after.rows)
    return tuple(
        ReadinessChange(
            name,
            was[name].readiness(verified) if name in was else None,
            now[name].readiness(verified) if name in now else None,
        )
        for name in sorted(was.keys() | now.keys())
    )


def by_department(rows: Iterable[SnapshotRow]) -> dict[str, SnapshotTotals]:
    """Totals per department ("(none)" for people without one), by name."""
    grouped: dict[str, list[SnapshotRow]] = defaultdict(list)
    for row in rows:
        grouped[row.department or NO_DEPARTMENT].append(row)
    return {name: SnapshotTotals.of(grouped[name]) for name in sorted(grouped)}


NO_DEPARTMENT = "(none)"


# --- over time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessPoint:
    """One snapshot in the series: its totals and each department's (without rows)."""

    snapshot: Snapshot
    departments: dict[str, SnapshotTotals]


@dataclass(frozen=True)
class Progress:
    """Snapshots dated on or after ``since`` (all, when None), in snapshot order: the readiness
    series, the change over each period between consecutive snapshots, and ``overall``,
    from the first to the last (None with fewer than two snapshots)."""

    since: date | None
    department: str | None
    view: View
    series: tuple[ReadinessPoint, ...]
    periods: tuple[Period, ...]
    overall: Period | None


def progress(
    snapshots: Iterable[Snapshot],
    *,
    since: date | None = None,
    department: str | None = None,
    view: View = View.VERIFIED,
) -> Progress:
    """Compare the snapshots (with their rows) dated on or after ``since``, restricted to
    ``department`` if given. ``snapshots`` come in snapshot order (as-of date, then id:
    as the store lists them) and are read one at a time: only the first,
    the previous and the current one are held."""
    series: list[ReadinessPoint] = []
    periods: list[Period] = []
    first: Snapshot | None = None
    previous: Snapshot | None = None
    departments: set[str] = set()
    for snapshot in snapshots:
        if since is not None and snapshot.as_of < since:
            continue
        if previous is not None and snapshot.order < previous.order:
            raise ValueError(f"snapshot {snapshot.id!r} comes out of order")
        if department is not None:
            departments.update(snapshot.departments)
            snapshot = snapshot.only(department)
        series.append(ReadinessPoint(snapshot.header(), by_department(snapshot.rows)))
        if previous is not None:
            periods.append(compare(previous, snapshot, view))
        first = first or snapshot
        previous = snapshot
    if department is not None and series and department not in departments:
        known = ", ".join(sorted(departments)) or "none"
        raise NotFoundError(
            f"no department {department!r} in the snapshots compared (departments: {known})"
        )
    overall = None
    if first is not None and previous is not None and len(series) > 1:
        overall = periods[0] if len(periods) == 1 else compare(first, previous, view)
    return Progress(since, department, view, tuple(series), tuple(periods), overall)
