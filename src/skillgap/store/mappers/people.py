"""Mappers for people and observations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from skillgap.domain import CompetencyRef, Observation, Person, SourceKind
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, Where, children, fetched, insert_rows, ordered


class PersonMapper(Mapper[Person]):
    what, table, key = "person", t.people, "employee_id"

    def insert(self, conn: Connection, items: Sequence[Person]) -> None:
        insert_rows(conn, t.people, [_person_row(p) for p in items])
        insert_rows(conn, t.person_emails, [row for p in items for row in _email_rows(p)])
        insert_rows(conn, t.person_identifiers, [row for p in items for row in _id_rows(p)])

    def update(self, conn: Connection, item: Person) -> None:
        people, emails, ids = t.people, t.person_emails, t.person_identifiers
        key = item.employee_id
        conn.execute(people.update().where(people.c.employee_id == key).values(_person_row(item)))
        conn.execute(emails.delete().where(emails.c.employee_id == key))
        conn.execute(ids.delete().where(ids.c.employee_id == key))
        insert_rows(conn, emails, _email_rows(item))
        insert_rows(conn, ids, _id_rows(item))

    def load(self, conn: Connection, where: Where = None) -> list[Person]:
        parents = self._parents(conn, where)
        keys = [p.employee_id for p in parents]
        emails = children(conn, t.person_emails, "employee_id", keys)
        identifiers = children(conn, t.person_identifiers, "employee_id", keys)
        return [
            Person(
                employee_id=p.employee_id,
                name=p.name,
                emails=tuple(e.email for e in emails[p.employee_id]),
                department=p.department,
                team=p.team,
                manager_id=p.manager_id,
                role_id=p.role_id,
                active=p.active,
                hire_date=p.hire_date,
                attributes=dict(p.attributes),
                identifiers=tuple(i.identifier for i in identifiers[p.employee_id]),
            )
            for p in parents
        ]


def _person_row(p: Person) -> dict[str, Any]:
    return {
        "employee_id": p.employee_id,
        "name": p.name,
        "department": p.department,
        "team": p.team,
        "manager_id": p.manager_id,
        "role_id": p.role_id,
        "active": p.active,
        "hire_date": p.hire_date,
        "attributes": dict(p.attributes),
    }


def _email_rows(p: Person) -> list[dict[str, Any]]:
    return [
        {"email": e, "employee_id": p.employee_id, "position": i} for i, e in enumerate(p.emails)
    ]


def _id_rows(p: Person) -> list[dict[str, Any]]:
    return [
        {"identifier": i, "employee_id": p.employee_id, "position": n}
        for n, i in enumerate(p.identifiers)
    ]


class ObservationMapper(Mapper[Observation]):
    what, table, key = "observation", t.observations, "id"

    def insert(self, conn: Connection, items: Sequence[Observation]) -> None:
        insert_rows(
            conn,
            t.observations,
            [
                {
                    "id": o.id,
                    "person_id": o.person_id,
                    "framework_id": o.competency.framework,
                    "competency_code": o.competency.code,
                    "level": o.level,
                    "scale_id": o.scale_id,
                    "source": o.source.value,
                    "observed_on": o.observed_on,
                    "confidence": o.confidence,
                    "provenance": o.provenance,
                    "award_id": o.award_id,
                }
                for o in items
            ],
        )

    def load(self, conn: Connection, where: Where = None) -> list[Observation]:
        # A whole organisation's ratings are millions of rows (the server's model reads
        # them all after a change): the date is read as the stored text and parsed by
        # date.fromisoformat rather than by SQLAlchemy's per-row processor, one
        # CompetencyRef is made per competency and one SourceKind lookup per row.
        c = self.table.c
        columns: list[sa.ColumnElement[Any]] = [c.id, c.person_id, c.framework_id]
        columns += [c.competency_code, c.level, c.scale_id]
        columns += [c.source, sa.type_coerce(c.observed_on, sa.String).label("observed_on")]
        columns += [c.confidence, c.provenance, c.award_id]
        refs: dict[tuple[str, str], CompetencyRef] = {}
        sources = {s.value: s for s in SourceKind}
        out = []
        for oid, pid, fw, code, level, scale, source, on, confidence, note, award in fetched(
            conn, ordered(self.table, self.key, conn, columns, where)
        ):
            ref = refs.get((fw, code))
            if ref is None:
                ref = refs[(fw, code)] = CompetencyRef(fw, code)
            out.append(
                Observation(
                    id=oid,
                    person_id=pid,
                    competency=ref,
                    level=level,
                    scale_id=scale,
                    source=sources[source],
                    observed_on=on if isinstance(on, date) else date.fromisoformat(on),
                    confidence=confidence,
                    provenance=note,
                    award_id=award,
                )
            )
        return out
