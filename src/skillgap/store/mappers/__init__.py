"""Domain aggregates <-> rows: one mapper per aggregate, used by the SQL store.

Each mapper inserts a batch of aggregates (parent rows, then child rows) and loads the
aggregates matching a condition on the parent table, fetching children in one query each.
Lists come ordered by id in code-point order on every backend (``COLLATE "C"`` on
PostgreSQL, whose default collation may sort otherwise).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

T = TypeVar("T")
Where = sa.ColumnElement[bool] | None


class Mapper(Generic[T]):
    what: str
    table: sa.Table
    key: str

    def key_of(self, item: T) -> str:
        return str(getattr(item, self.key))

    def insert(self, conn: Connection, items: Sequence[T]) -> None:
        raise NotImplementedError

    def load(self, conn: Connection, where: Where = None) -> list[T]:
        raise NotImplementedError

    def update(self, conn: Connection, item: T) -> None:
        """Replace the stored aggregate with the same id (for replaceable aggregates)."""
        raise NotImplementedError(f"{self.what} cannot be replaced")

    def _parents(self, conn: Connection, where: Where) -> list[sa.Row[Any]]:
        return list(conn.execute(ordered(self.table, self.key, conn, list(self.table.c), where)))


def ordered(
    table: sa.Table,
    key: str,
    conn: Connection,
    columns: Sequence[sa.ColumnElement[Any]],
    where: Where,
) -> sa.Select[Any]:
    """``columns`` of ``table``'s rows (those matching ``where``), by ``key`` in code-point
    order on every backend."""
    by: sa.ColumnElement[Any] = table.c[key]
    if conn.dialect.name == "postgresql":
        by = by.collate("C")
    query = sa.select(*columns).order_by(by)
    return query if where is None else query.where(where)


def fetched(conn: Connection, query: sa.Select[Any], size: int = 5_000) -> Iterator[Any]:
    """The rows of ``query``, fetched many at a time (iterating a result fetches one row
    per driver call)."""
    result = conn.execute(query)
    while batch := result.fetchmany(size):
        yield from batch


#: Keys bound per IN (...) query: PostgreSQL allows at most 65,535 parameters a statement.
CHUNK = 10_000


def chunks(keys: Sequence[str]) -> list[Sequence[str]]:
    return [keys[i : i + CHUNK] for i in range(0, len(keys), CHUNK)]


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def children(
    conn: Connection, table: sa.Table, fk: str, keys: list[str]
) -> dict[str, list[sa.Row[Any]]]:
    grouped: dict[str, list[sa.Row[Any]]] = defaultdict(list)
    if not keys:
        return grouped
    order = [table.c[fk]] + ([table.c.position] if "position" in table.c else [])
    for part in chunks(keys):
        query = sa.select(table).where(table.c[fk].in_(part)).order_by(*order)
        for row in conn.execute(query):
            grouped[row._mapping[fk]].append(row)
    return grouped
