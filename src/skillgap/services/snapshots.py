"""Snapshots and progress: record the organisation's gaps on a date, and show what changed.

A snapshot is taken by hand (``skillgap snapshot``), by the demo, and at the end of every
import that changed something (people, ratings, credentials), inside the import's own
transaction: the import and the snapshot of its result are stored together or not at all.
The figures are those of ``skillgap summary`` and ``skillgap gaps``: the same data loading
(``services.summary.workspace_data``) and the same rules (``analysis.progress``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

from skillgap.analysis import progress as analysis
from skillgap.analysis.context import SkillContext
from skillgap.analysis.inventory import View
from skillgap.clock import Clock, SystemClock
from skillgap.domain import CompetencyRef
from skillgap.domain.snapshots import MANUAL, PersonChange, Snapshot, SnapshotRow
from skillgap.errors import ConflictError, NotFoundError
from skillgap.services.summary import skill_context, workspace_data
from skillgap.services.workspace import snapshot_date
from skillgap.store import Store, Workspace

#: Snapshot ids: "S" and a zero-padded number, so id order is the order they were taken in
#: (the order of snapshots of one date: see ``Snapshot.order``).
ID_FORMAT = "S{:06d}"
_ATTEMPTS = 5  # ids taken meanwhile by another process's snapshot


@dataclass(frozen=True)
class SnapshotTaken:
    snapshot: Snapshot  # with its rows
    previous: Snapshot | None  # the latest snapshot before this one, without rows
    change: analysis.Period | None  # from ``previous`` to this one, verified view


def take_snapshot(
    store: Store, clock: Clock, as_of: date | None = None, reason: str = MANUAL
) -> SnapshotTaken:
    """Snapshot the workspace as of ``as_of`` (default: the workspace's snapshot date, else
    today, as ``skillgap summary``), and compare it with the latest snapshot before it."""
    with store.transaction() as ws:
        previous = ws.snapshots.latest()
        snapshot = record_snapshot(ws, clock, as_of, reason, previous)
    if snapshot is None:
        raise NotFoundError(
            "no active person in the workspace holds a known role: nothing to snapshot "
            "(load people with roles: skillgap demo, or skillgap load FOLDER)"
        )
    change = analysis.compare(previous, snapshot) if previous is not None else None
    return SnapshotTaken(snapshot, previous.header() if previous else None, change)


def record_snapshot(
    ws: Workspace,
    clock: Clock | None,
    as_of: date | None = None,
    reason: str = MANUAL,
    previous: Snapshot | None = None,
) -> Snapshot | None:
    """Snapshot the workspace inside the caller's transaction (imports call this at their
    end, ``clock`` None meaning the system clock), and store the periods it begins and ends
    (``store_periods``; ``previous``: the latest snapshot, with its rows, when the caller
    has it). Nothing is stored, and None returned, when nobody is assessed (no active
    person holds a known role, e.g. people imported before their roles)."""
    clock = clock or SystemClock()
    when = as_of or snapshot_date(ws) or clock.now().date()
    rows = analysis.snapshot_rows(workspace_data(ws), when)
    if not rows:
        return None
    unnumbered = Snapshot.of("-", clock.now(), when, reason, rows)
    number = ws.snapshots.count() + 1
    for attempt in range(_ATTEMPTS):
        snapshot = replace(unnumbered, id=ID_FORMAT.format(number + attempt))
        try:
            ws.snapshots.add(snapshot)
        except ConflictError:
            continue
        store_periods(ws, [snapshot, *([previous] if previous else [])])
        return snapshot
    raise ConflictError(
        f"could not number the snapshot: ids {ID_FORMAT.format(number)} to "
        f"{ID_FORMAT.format(number + _ATTEMPTS - 1)} are taken"
    )


def store_periods(ws: Workspace, loaded: Iterable[Snapshot] = ()) -> int:
    """Store what changed, person by person, over each period between consecutive snapshots
    that is not stored yet, or was stored against another snapshot than the one now before
    it (a snapshot dated earlier than the latest comes between two). ``loaded``: snapshots
    the caller holds with their rows, not read again. Returns the number of periods stored.

    Normally one (the new snapshot's); after an upgrade from a skillgap without stored
    periods, every period, once: each snapshot is read once, two at a time."""
    headers = ws.snapshots.list()
    stored = ws.snapshots.periods()
    missing = [(a, b) for a, b in pairwise(headers) if stored.get(b.id) != a.id]
    held = {s.id: s for s in loaded}
    last: Snapshot | None = None
    for a, b in missing:
        before = held.get(a.id) or (last if last and last.id == a.id else ws.snapshots.get(a.id))
        last = held.get(b.id) or ws.snapshots.get(b.id)
        ws.snapshots.put_period(a.id, b.id, analysis.period_changes(before, last))
    return len(missing)


def list_snapshots(store: Store, since: date | None = None) -> list[Snapshot]:
    """The snapshots dated on or after ``since`` (all when None), without rows, oldest
    first."""
    with store.transaction() as ws:
        return ws.snapshots.list(since)


@dataclass(frozen=True)
class ProgressReport:
    progress: analysis.Progress
    people: dict[str, str]  # the names of the people the changes name (workspace now)
    competencies: dict[CompetencyRef, str]  # the names of the competencies they name


def progress(
    store: Store,
    since: date | None = None,
    department: str | None = None,
    *,
    view: View = View.VERIFIED,
) -> ProgressReport:
    """Gaps closed and opened, and readiness over time, across the snapshots dated on or
    after ``since`` (all when None), for ``department`` or everyone. Snapshots are read one
    at a time, so a long history of a large organisation needs memory for three of them."""
    with store.transaction() as ws:
        headers = ws.snapshots.list(since)
        snapshots = (ws.snapshots.get(header.id) for header in headers)
        result = analysis.progress(snapshots, since=since, department=department, view=view)
        changes = [
            c
            for period in (*result.periods, *([result.overall] if result.overall else []))
            for c in (*period.closed, *period.opened)
        ]
        people = _names(ws, {c.person_id for c in changes})
        context = skill_context(ws)
    competencies = {c.competency: _name(context, c.competency) for c in changes}
    return ProgressReport(result, people, competencies)


@dataclass(frozen=True)
class PersonPeriod:
    before: Snapshot  # without rows
    after: Snapshot
    change: PersonChange  # something changed: a gap closed or opened, or readiness moved


@dataclass(frozen=True)
class PersonProgress:
    person_id: str
    name: str
    view: View
    since: date | None
    periods: tuple[PersonPeriod, ...]  # the periods in which something changed for them
    competencies: dict[CompetencyRef, str]  # the names of the competencies they name


def person_progress(
    store: Store, person_id: str, *, view: View = View.VERIFIED, since: date | None = None
) -> PersonProgress:
    """What changed for one person over each period between consecutive snapshots dated on
    or after ``since``: the rules of ``progress``, read from the periods stored when the
    snapshots were taken (one read, however many snapshots); a period not stored is
    computed from the person's rows of its two snapshots. ``NotFoundError`` for a person
    the workspace does not hold."""
    verified = view is View.VERIFIED
    with store.transaction() as ws:
        person = ws.people.find(person_id)
        if person is None:
            raise NotFoundError(
                f"no person with employee id {person_id!r} (see `skillgap people list`)"
            )
        headers = ws.snapshots.list(since)
        pairs = list(pairwise(headers))
        stored = ws.snapshots.person_periods(person_id, verified) if pairs else {}
        rows: dict[str, SnapshotRow] = {}
        if any(b.id not in stored or stored[b.id].before != a.id for a, b in pairs):
            mine = ws.snapshots.for_person(person_id, since)
            rows = {s.id: s.rows[0] for s in mine if s.rows}
        periods = []
        for a, b in pairs:
            kept = stored.get(b.id)
            if kept is not None and kept.before == a.id:
                change = kept.change
            else:  # not stored, or stored again since the headers were read: the rows
                was, now = rows.get(a.id), rows.get(b.id)
                change = analysis.person_change(was, now, verified) if was and now else None
            if change and (change.closed or change.opened or change.readiness_before is not None):
                periods.append(PersonPeriod(a, b, change))
        refs = {g.competency for p in periods for g in (*p.change.closed, *p.change.opened)}
        context = skill_context(ws) if refs else None
    names = {ref: _name(context, ref) for ref in refs} if context else {}
    return PersonProgress(person_id, person.name, view, since, tuple(periods), names)


def _names(ws: Workspace, ids: set[str]) -> dict[str, str]:
    """The names of ``ids`` (an id the workspace no longer holds stands for itself)."""
    if len(ids) > 100:  # one read of everyone beats thousands of lookups
        names = {p.employee_id: p.name for p in ws.people.list()}
        return {pid: names.get(pid, pid) for pid in ids}
    found = {pid: ws.people.find(pid) for pid in ids}
    return {pid: person.name if person else pid for pid, person in found.items()}


def _name(context: SkillContext, ref: CompetencyRef) -> str:
    framework = context.frameworks.get(ref.framework)
    if framework is None or not framework.has(ref.code):
        return str(ref)  # dropped since the snapshot: history keeps the reference
    return framework.competency(ref.code).name
