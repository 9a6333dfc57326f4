"""Mapper for snapshots: a header row (with the totals), a row per person, a row per
requirement line.

A snapshot of a large organisation is millions of lines (100,000 people x 20 requirements),
so rows are written in chunks as they are produced (never all as dicts at once), with COPY
on PostgreSQL and the driver's own executemany on SQLite; they are read back in one query
per table and put in order in Python (code-point order of person ids on every backend,
whatever the database's collation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from skillgap.domain import CompetencyRef, Importance
from skillgap.domain.snapshots import RequirementLine, Snapshot, SnapshotRow, SnapshotTotals
from skillgap.store import tables as t

#: Rows sent to the database per statement (or per COPY write).
CHUNK = 5_000

_PEOPLE = [c.name for c in t.snapshot_people.columns]
_LINES = [c.name for c in t.snapshot_lines.columns]


class SnapshotMapper:
    what = "snapshot"

    def exists(self, conn: Connection, key: str) -> bool:
        query = sa.select(t.snapshots.c.id).where(t.snapshots.c.id == key)
        return conn.execute(query).first() is not None

    def insert(self, conn: Connection, snapshot: Snapshot) -> None:
        conn.execute(t.snapshots.insert().values(_header_row(snapshot)))
        bulk_insert(
            conn, t.snapshot_people, _PEOPLE, (_person_row(snapshot.id, r) for r in snapshot.rows)
        )
        bulk_insert(conn, t.snapshot_lines, _LINES, _line_rows(snapshot))

    def headers(self, conn: Connection, since: date | None = None) -> list[Snapshot]:
        """Every snapshot dated on or after ``since``, without rows, in snapshot order."""
        query = sa.select(t.snapshots)
        if since is not None:
            query = query.where(t.snapshots.c.as_of >= since)
        found = [_header(r) for r in conn.execute(query)]
        return sorted(found, key=lambda s: s.order)

    def load(self, conn: Connection, key: str) -> Snapshot | None:
        found = conn.execute(sa.select(t.snapshots).where(t.snapshots.c.id == key)).first()
        if found is None:
            return None
        header = _header(found)
        return Snapshot(
            header.id, header.taken_at, header.as_of, header.reason, header.totals, _rows(conn, key)
        )

    def for_person(
        self,
        conn: Connection,
        person_id: str,
        since: date | None,
        headers: Sequence[Snapshot] | None = None,
    ) -> tuple[Snapshot, ...]:
        """The headers of ``headers(since)`` (or those given), each with ``person_id``'s row
        only (read by primary key: snapshot id, then person id): three queries, however
        many snapshots, two when the headers are given."""
        if headers is None:
            headers = self.headers(conn, since)
        rows: dict[str, tuple[SnapshotRow, ...]] = {}
        for start in range(0, len(headers), CHUNK):
            part = [h.id for h in headers[start : start + CHUNK]]
            rows |= _rows_of(conn, part, person_id)
        return tuple(replace(header, rows=rows.get(header.id, ())) for header in headers)

    def count(self, conn: Connection) -> int:
        query = sa.select(sa.func.count()).select_from(t.snapshots)
        return int(conn.execute(query).scalar_one())


def _header_row(s: Snapshot) -> dict[str, Any]:
    totals = s.totals
    return {
        "id": s.id,
        "taken_at": s.taken_at,
        "as_of": s.as_of,
        "reason": s.reason,
        "people": totals.people,
        "assessed": totals.assessed,
        "readiness_verified": totals.readiness_verified,
        "readiness_best": totals.readiness_best,
        "ahead_verified": totals.ahead_verified,
        "ahead_best": totals.ahead_best,
        "open_verified": totals.open_verified,
        "open_best": totals.open_best,
    }


def _header(r: sa.Row[Any]) -> Snapshot:
    totals = SnapshotTotals(
        people=r.people,
        assessed=r.assessed,
        readiness_verified=r.readiness_verified,
        readiness_best=r.readiness_best,
        ahead_verified=r.ahead_verified,
        ahead_best=r.ahead_best,
        open_verified=r.open_verified,
        open_best=r.open_best,
    )
    return Snapshot(r.id, r.taken_at, r.as_of, r.reason, totals)


def _person_row(snapshot_id: str, r: SnapshotRow) -> tuple[Any, ...]:
    return (
        snapshot_id,
        r.person_id,
        r.department,
        r.team,
        r.role_id,
        r.readiness_verified,
        r.readiness_best,
        r.horizon,
        r.horizon_readiness_verified,
        r.horizon_readiness_best,
    )


def _line_rows(s: Snapshot) -> Iterator[tuple[Any, ...]]:
    for row in s.rows:
        for position, line in enumerate(row.lines):
            yield (
                s.id,
                row.person_id,
                position,
                line.competency.framework,
                line.competency.code,
                line.importance.value,
                line.required,
                line.held_verified,
                line.held_best,
            )


def bulk_insert(
    conn: Connection, table: sa.Table, columns: list[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) a chunk at a time."""
    assert columns == [c.name for c in table.columns]
    if conn.dialect.name == "postgresql":
        _copy(conn, table, columns, rows)
        return
    it = iter(rows)
    if conn.dialect.name == "sqlite":
        # The driver's own executemany: SQLAlchemy's per-row processing would take most of
        # the time. Dates go in as SQLAlchemy writes them on SQLite (ISO text).
        dates = [i for i, c in enumerate(table.columns) if isinstance(c.type, sa.Date)]
        compiled = table.insert().compile(dialect=conn.dialect, column_keys=columns)
        assert list(compiled.positiontup or ()) == columns  # "?" placeholders, in this order
        while chunk := list(islice(it, CHUNK)):
            conn.exec_driver_sql(str(compiled), [_iso(row, dates) for row in chunk])
        return
    while chunk := list(islice(it, CHUNK)):
        conn.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in chunk])


def _iso(row: tuple[Any, ...], dates: list[int]) -> tuple[Any, ...]:
    if not dates:
        return row
    values = list(row)
    for i in dates:
        if isinstance(values[i], date):
            values[i] = values[i].isoformat()
    return tuple(values)


def _copy(
    conn: Connection, table: sa.Table, columns: list[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """COPY on the connection's own transaction (psycopg 3), ten times faster than INSERT."""
    names = ", ".join(f'"{c}"' for c in columns)
    raw: Any = conn.connection.dbapi_connection  # psycopg.Connection, in this transaction
    cursor = raw.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def _rows(conn: Connection, key: str, person_id: str | None = None) -> tuple[SnapshotRow, ...]:
    """The snapshot's rows with their lines (``person_id``: that person's only)."""
    return _rows_of(conn, [key], person_id).get(key, ())


def _rows_of(
    conn: Connection, keys: Sequence[str], person_id: str | None = None
) -> dict[str, tuple[SnapshotRow, ...]]:
    """The rows of the snapshots ``keys`` with their lines, by snapshot id (``person_id``:
    that person's only): two queries for any number of snapshots (up to ``CHUNK``)."""
    refs: dict[tuple[str, str], CompetencyRef] = {}  # one object per competency, not per line
    importance = {i.value: i for i in Importance}
    lines: dict[tuple[str, str], list[RequirementLine]] = {}
    c = t.snapshot_lines.c
    if person_id is not None:  # a person's page: statements built once (see _PERSON_LINES)
        query: Any = _PERSON_LINES
        fetched: Iterable[Any] = conn.execute(query, {"keys": list(keys), "person": person_id})
    else:
        query = sa.select(*_LINE_COLUMNS).where(_one_of(c.snapshot_id, keys)).order_by(*_ORDER)
        fetched = _raw(conn, query)
    # In key order: each person's lines come together, by position (the primary key's
    # order, so the database reads its index in order and sorts nothing).
    last: tuple[str, str] | None = None
    mine: list[RequirementLine] = []
    for key, pid, _, fw, code, weight, required, verified, best in fetched:
        if last is None or pid != last[1] or key != last[0]:
            last = (key, pid)
            mine = lines[last] = []
        ref = refs.get((fw, code))
        if ref is None:
            ref = refs[(fw, code)] = CompetencyRef(fw, code)
        mine.append(RequirementLine(ref, importance[weight], required, verified, best))
    p = t.snapshot_people.c
    if person_id is not None:
        rows: Iterable[Any] = conn.execute(_PERSON_ROWS, {"keys": list(keys), "person": person_id})
    else:
        rows = _fetched(conn, sa.select(t.snapshot_people).where(_one_of(p.snapshot_id, keys)))
    found: dict[str, list[SnapshotRow]] = defaultdict(list)
    for r in rows:
        found[r.snapshot_id].append(
            SnapshotRow(
                person_id=r.person_id,
                department=r.department,
                team=r.team,
                role_id=r.role_id,
                readiness_verified=r.readiness_verified,
                readiness_best=r.readiness_best,
                horizon=r.horizon,
                horizon_readiness_verified=r.horizon_readiness_verified,
                horizon_readiness_best=r.horizon_readiness_best,
                lines=tuple(lines.get((r.snapshot_id, r.person_id), ())),
            )
        )
    return {key: tuple(sorted(rows, key=lambda r: r.person_id)) for key, rows in found.items()}


_LINE_COLUMNS = (
    t.snapshot_lines.c.snapshot_id,
    t.snapshot_lines.c.person_id,
    t.snapshot_lines.c.position,
    t.snapshot_lines.c.framework_id,
    t.snapshot_lines.c.competency_code,
    t.snapshot_lines.c.importance,
    t.snapshot_lines.c.required,
    t.snapshot_lines.c.held_verified,
    t.snapshot_lines.c.held_best,
)
#: One person's lines and rows of some snapshots, built once: SQLAlchemy then finds their
#: compiled form at once (building the statement per page cost about a third of the read).
_ORDER = (
    t.snapshot_lines.c.snapshot_id,
    t.snapshot_lines.c.person_id,
    t.snapshot_lines.c.position,
)
_PERSON_LINES = (
    sa.select(*_LINE_COLUMNS)
    .where(
        t.snapshot_lines.c.snapshot_id.in_(sa.bindparam("keys", expanding=True)),
        t.snapshot_lines.c.person_id == sa.bindparam("person"),
    )
    .order_by(*_ORDER)
)
_PERSON_ROWS = sa.select(t.snapshot_people).where(
    t.snapshot_people.c.snapshot_id.in_(sa.bindparam("keys", expanding=True)),
    t.snapshot_people.c.person_id == sa.bindparam("person"),
)


def _one_of(column: sa.ColumnElement[Any], keys: Sequence[str]) -> sa.ColumnElement[bool]:
    """``column = key`` for one key (the statement a whole snapshot's load has always
    been), ``column IN (...)`` for several."""
    return column == keys[0] if len(keys) == 1 else column.in_(keys)


def _raw(conn: Connection, query: sa.Select[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` as the driver gives them, many at a time, on the connection's
    own transaction: for columns that need no conversion (no dates), as a snapshot's
    millions of lines (SQLAlchemy's rows took a sixth of a snapshot's load)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(CHUNK):
            yield from batch
    finally:
        cursor.close()


def _fetched(conn: Connection, query: sa.Select[Any]) -> Iterator[Any]:
    """The rows of ``query``, fetched many at a time (iterating a result fetches one row
    per driver call: three times slower for a snapshot's two million lines)."""
    result = conn.execute(query)
    while batch := result.fetchmany(CHUNK):
        yield from batch
