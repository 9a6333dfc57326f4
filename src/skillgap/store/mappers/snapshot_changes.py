"""Mapper for snapshot periods: a row per period (its last snapshot, and the one before it
it was computed against) and a row per person and view whose gaps or readiness changed in
it, the gaps that closed and opened as JSON lists (read whole, never queried inside).

Rows are written in bulk (COPY on PostgreSQL), as a snapshot's own rows; a person's changes
are read with one statement built once, by the primary key (person id first).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from skillgap.domain import CompetencyRef, Importance
from skillgap.domain.snapshots import (
    Cause,
    GapChange,
    PersonChange,
    StoredPeriod,
    StoredPeriods,
    twice,
)
from skillgap.errors import ValidationError
from skillgap.store import tables as t
from skillgap.store.mappers.snapshots import bulk_insert

_COLUMNS = [c.name for c in t.snapshot_changes.columns]
_IMPORTANCE = {i.value: i for i in Importance}
_CAUSE = {c.value: c for c in Cause}


class PeriodMapper:
    def put(
        self, conn: Connection, before: str, after: str, changes: Iterable[PersonChange]
    ) -> None:
        """Replace the period ending at ``after`` (the caller's savepoint makes it whole).
        Its row goes first: on PostgreSQL a transaction storing the same period meanwhile
        holds it, so this one waits, then fails on inserting it (``IntegrityError``, before
        any change is copied) rather than on a change the other one copied."""
        c, p = t.snapshot_changes.c, t.snapshot_periods.c
        conn.execute(t.snapshot_periods.delete().where(p.snapshot_id == after))
        conn.execute(t.snapshot_changes.delete().where(c.snapshot_id == after))
        conn.execute(t.snapshot_periods.insert().values(snapshot_id=after, previous_id=before))
        bulk_insert(conn, t.snapshot_changes, _COLUMNS, _rows(before, after, changes))

    def periods(self, conn: Connection) -> dict[str, str]:
        p = t.snapshot_periods.c
        return {
            r.snapshot_id: r.previous_id
            for r in conn.execute(sa.select(p.snapshot_id, p.previous_id))
        }

    def for_person(
        self, conn: Connection, person_id: str, verified: bool
    ) -> dict[str, StoredPeriod]:
        """Every period with the person's changes in the view: one constant statement, the
        driver's own (a person's page reads it on every view), each period's changes found
        by primary key."""
        sql = _PERSON_QMARK if conn.dialect.paramstyle == "qmark" else _PERSON_FORMAT
        found = conn.exec_driver_sql(sql, (person_id, verified))
        return {
            r[0]: StoredPeriod(r[1], None if r[7] is None else _change(person_id, verified, r[2:]))
            for r in found
        }

    def everyone(self, conn: Connection, most: int) -> StoredPeriods | None:
        """Every period with everyone's changes (one statement), each change kept as its
        row's values, decoded when a person's are asked for; None over ``most`` changes."""
        count = sa.select(sa.func.count()).select_from(t.snapshot_changes)
        if conn.execute(count).scalar_one() > most:
            return None
        periods: dict[str, tuple[str, dict[tuple[str, bool], Any]]] = {}
        for r in conn.exec_driver_sql(_EVERYONE):
            changes = periods.setdefault(r[0], (r[1], {}))[1]
            if r[2] is not None:
                changes[(r[2], bool(r[3]))] = tuple(r[4:])
        return StoredPeriods(periods, _change)


def _rows(before: str, after: str, changes: Iterable[PersonChange]) -> Iterator[tuple[Any, ...]]:
    seen: set[tuple[str, bool]] = set()
    for change in changes:
        key = (change.person_id, change.verified)
        if key in seen:  # refused before the copy ends (the memory twin refuses it too)
            raise ValidationError(twice(before, after, change))
        seen.add(key)
        some = change.closed[0] if change.closed else change.opened[0] if change.opened else None
        yield (
            change.person_id,
            after,
            change.verified,
            some.department if some else None,
            some.role_id if some else None,
            change.readiness_before,
            change.readiness_after,
            _text(change.closed),
            _text(change.opened),
        )


def _text(changes: Sequence[GapChange]) -> str:
    return json.dumps(
        [
            [
                c.competency.framework,
                c.competency.code,
                c.importance.value,
                c.required_before,
                c.required_after,
                c.held_before,
                c.held_after,
                c.cause.value,
            ]
            for c in changes
        ],
        allow_nan=False,
    )


def _change(person_id: str, verified: bool, values: Any) -> PersonChange:
    """A person's change from its row's values, department to opened."""
    department, role_id, readiness_before, readiness_after, closed, opened = values
    return PersonChange(
        person_id=person_id,
        verified=verified,
        readiness_before=readiness_before,
        readiness_after=readiness_after,
        closed=_gaps(person_id, department, role_id, closed),
        opened=_gaps(person_id, department, role_id, opened),
    )


def _gaps(
    person_id: str, department: str | None, role_id: str | None, text: str
) -> tuple[GapChange, ...]:
    items = json.loads(text)
    if not items:
        return ()
    assert role_id is not None  # written with every row that has gaps (_rows)
    return tuple(
        GapChange(
            person_id=person_id,
            department=department,
            role_id=role_id,
            competency=CompetencyRef(framework, code),
            importance=_IMPORTANCE[importance],
            required_before=required_before,
            required_after=required_after,
            held_before=held_before,
            held_after=held_after,
            cause=_CAUSE[cause],
        )
        for (
            framework,
            code,
            importance,
            required_before,
            required_after,
            held_before,
            held_after,
            cause,
        ) in items
    )


_PERSON_QMARK = (  # SQLite; the columns in the order _change reads them
    "SELECT p.snapshot_id, p.previous_id, c.department, c.role_id, c.readiness_before, "
    "c.readiness_after, c.closed, c.opened FROM snapshot_periods p LEFT JOIN "
    "snapshot_changes c ON c.person_id = ? AND c.snapshot_id = p.snapshot_id "
    "AND c.verified = ?"
)
_PERSON_FORMAT = _PERSON_QMARK.replace("?", "%s")  # psycopg
_EVERYONE = (
    "SELECT p.snapshot_id, p.previous_id, c.person_id, c.verified, c.department, c.role_id, "
    "c.readiness_before, c.readiness_after, c.closed, c.opened FROM snapshot_periods p "
    "LEFT JOIN snapshot_changes c ON c.snapshot_id = p.snapshot_id"
)
