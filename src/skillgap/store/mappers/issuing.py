"""Mapper for the credentials the organisation issued (one row each, no children)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from skillgap.issuing import IssuedCredential
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, Where, insert_rows


class IssuedCredentialMapper(Mapper[IssuedCredential]):
    what, table, key = "issued credential", t.issued_credentials, "id"

    def insert(self, conn: Connection, items: Sequence[IssuedCredential]) -> None:
        insert_rows(conn, t.issued_credentials, [_row(item) for item in items])

    def update(self, conn: Connection, item: IssuedCredential) -> None:
        """A revocation: the record stays, its revocation fields change."""
        table = t.issued_credentials
        conn.execute(table.update().where(table.c.id == item.id).values(_row(item)))

    def load(self, conn: Connection, where: Where = None) -> list[IssuedCredential]:
        return [
            IssuedCredential(
                id=r.id,
                award_id=r.award_id,
                person_id=r.person_id,
                achievement_id=r.achievement_id,
                status_index=r.status_index,
                format=r.format,
                issued_on=r.issued_on,
                document=r.document,
                expires_on=r.expires_on,
                revoked=r.revoked,
                revoked_on=r.revoked_on,
                revocation_reason=r.revocation_reason,
            )
            for r in self._parents(conn, where)
        ]

    def next_index(self, conn: Connection) -> int:
        highest = conn.execute(sa.select(sa.func.max(t.issued_credentials.c.status_index)))
        value = highest.scalar_one_or_none()
        return 0 if value is None else int(value) + 1

    def index_owner(self, conn: Connection, index: int) -> str | None:
        c = t.issued_credentials.c
        owner = conn.execute(sa.select(c.id).where(c.status_index == index)).scalar_one_or_none()
        return None if owner is None else str(owner)


def _row(item: IssuedCredential) -> dict[str, Any]:
    return {
        "id": item.id,
        "award_id": item.award_id,
        "person_id": item.person_id,
        "achievement_id": item.achievement_id,
        "status_index": item.status_index,
        "format": item.format,
        "issued_on": item.issued_on,
        "expires_on": item.expires_on,
        "revoked": item.revoked,
        "revoked_on": item.revoked_on,
        "revocation_reason": item.revocation_reason,
        "document": item.document,
    }
