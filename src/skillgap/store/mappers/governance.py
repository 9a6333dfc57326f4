"""Mappers for pay and recognition rules (one row each, lists as JSON), and the audit log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from skillgap.domain import AssessmentType, Importance, IssuerTier
from skillgap.domain.governance import AuditEntry, Effect, PolicyRule
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, Where, insert_rows
from skillgap.store.mappers.catalog import refs_from_json, refs_to_json
from skillgap.store.memory_extra import details_text


class PolicyMapper(Mapper[PolicyRule]):
    what, table, key = "policy rule", t.policies, "id"

    def insert(self, conn: Connection, items: Sequence[PolicyRule]) -> None:
        insert_rows(conn, t.policies, [_policy_row(p) for p in items])

    def update(self, conn: Connection, item: PolicyRule) -> None:
        table = t.policies
        conn.execute(table.update().where(table.c.id == item.id).values(_policy_row(item)))

    def load(self, conn: Connection, where: Where = None) -> list[PolicyRule]:
        return [
            PolicyRule(
                id=r.id,
                name=r.name,
                effect=Effect(r.effect),
                description=r.description,
                importance=tuple(Importance(i) for i in r.importance),
                meets_level=r.meets_level,
                include_future=r.include_future,
                min_quality=r.min_quality,
                min_assessment=(
                    None if r.min_assessment is None else AssessmentType(r.min_assessment)
                ),
                issuer_tiers=tuple(IssuerTier(i) for i in r.issuer_tiers),
                competencies=refs_from_json(r.competencies),
                min_count=r.min_count,
                amount=r.amount,
            )
            for r in self._parents(conn, where)
        ]


def _policy_row(p: PolicyRule) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "effect": p.effect.value,
        "description": p.description,
        "importance": [i.value for i in p.importance],
        "meets_level": p.meets_level,
        "include_future": p.include_future,
        "min_quality": p.min_quality,
        "min_assessment": None if p.min_assessment is None else p.min_assessment.value,
        "issuer_tiers": [i.value for i in p.issuer_tiers],
        "competencies": refs_to_json(p.competencies),
        "min_count": p.min_count,
        "amount": p.amount,
    }


class SqlAuditLog:
    """The append-only audit log (the ``AuditLog`` port itself: entries are not aggregates
    with a key): the database numbers the entries."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def append(self, entry: AuditEntry) -> AuditEntry:
        text = details_text(entry.details)
        row = {
            "at": entry.at,
            "actor": entry.actor,
            "action": entry.action,
            "subject": entry.subject,
            "details": text,
        }
        inserted = self._conn.execute(t.audit_log.insert().values(row)).inserted_primary_key
        assert inserted is not None
        return replace(entry, id=int(inserted[0]), details=json.loads(text))

    def list(
        self, *, action: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        c = t.audit_log.c
        query = sa.select(t.audit_log).order_by(c.id.desc())
        if action is not None:
            query = query.where(c.action == action)
        if since is not None:
            query = query.where(c.at >= since)
        if limit is not None:
            query = query.limit(max(limit, 0))
        return [
            AuditEntry(r.at, r.actor, r.action, r.subject, json.loads(r.details), r.id)
            for r in self._conn.execute(query)
        ]

    def count(self) -> int:
        query = sa.select(sa.func.count()).select_from(t.audit_log)
        return int(self._conn.execute(query).scalar_one())
