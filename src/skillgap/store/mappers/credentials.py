"""Mappers for issuers, achievements and awards (with their verification reports)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    Check,
    CheckStatus,
    CompetencyRef,
    Evidence,
    ExpiryPolicy,
    Issuer,
    IssuerTier,
    VerificationReport,
    VerificationStatus,
)
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, Where, children, insert_rows


class IssuerMapper(Mapper[Issuer]):
    what, table, key = "issuer", t.issuers, "id"

    def insert(self, conn: Connection, items: Sequence[Issuer]) -> None:
        insert_rows(
            conn,
            t.issuers,
            [
                {"id": i.id, "name": i.name, "url": i.url, "email": i.email, "tier": i.tier.value}
                for i in items
            ],
        )

    def update(self, conn: Connection, item: Issuer) -> None:
        """A reviewer set the issuer's tier (or its profile changed); its id stays."""
        row = {"name": item.name, "url": item.url, "email": item.email, "tier": item.tier.value}
        conn.execute(t.issuers.update().where(t.issuers.c.id == item.id).values(row))

    def load(self, conn: Connection, where: Where = None) -> list[Issuer]:
        return [
            Issuer(r.id, r.name, r.url, r.email, IssuerTier(r.tier))
            for r in self._parents(conn, where)
        ]


class AchievementMapper(Mapper[Achievement]):
    what, table, key = "achievement", t.achievements, "id"

    def insert(self, conn: Connection, items: Sequence[Achievement]) -> None:
        insert_rows(conn, t.achievements, [_achievement_row(a) for a in items])
        insert_rows(conn, t.alignments, [row for a in items for row in _alignment_rows(a)])

    def update(self, conn: Connection, item: Achievement) -> None:
        """A reviewer set the assessment type or decided an alignment: the row is updated in
        place (awards refer to it) and its alignments are written again."""
        achievements, alignments = t.achievements, t.alignments
        conn.execute(alignments.delete().where(alignments.c.achievement_id == item.id))
        row = _achievement_row(item)
        conn.execute(achievements.update().where(achievements.c.id == item.id).values(row))
        insert_rows(conn, alignments, _alignment_rows(item))

    def load(self, conn: Connection, where: Where = None) -> list[Achievement]:
        parents = self._parents(conn, where)
        aligns = children(conn, t.alignments, "achievement_id", [p.id for p in parents])
        return [
            Achievement(
                id=p.id,
                name=p.name,
                issuer_id=p.issuer_id,
                description=p.description,
                criteria=p.criteria,
                achievement_type=p.achievement_type,
                assessment=AssessmentType(p.assessment),
                alignments=tuple(
                    Alignment(
                        target_name=a.target_name,
                        competency=(
                            CompetencyRef(a.framework_id, a.competency_code)
                            if a.framework_id is not None
                            else None
                        ),
                        level=a.level,
                        target_url=a.target_url,
                        status=AlignmentStatus(a.status),
                    )
                    for a in aligns[p.id]
                ),
                expiry=ExpiryPolicy(p.valid_for_days),
                stackable_into=tuple(p.stackable_into),
            )
            for p in parents
        ]


def _achievement_row(a: Achievement) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "issuer_id": a.issuer_id,
        "description": a.description,
        "criteria": a.criteria,
        "achievement_type": a.achievement_type,
        "assessment": a.assessment.value,
        "valid_for_days": a.expiry.valid_for_days,
        "stackable_into": list(a.stackable_into),
    }


def _alignment_rows(a: Achievement) -> list[dict[str, Any]]:
    return [
        {
            "achievement_id": a.id,
            "position": i,
            "target_name": al.target_name,
            "framework_id": al.competency.framework if al.competency else None,
            "competency_code": al.competency.code if al.competency else None,
            "level": al.level,
            "target_url": al.target_url,
            "status": al.status.value,
        }
        for i, al in enumerate(a.alignments)
    ]


def report_to_json(report: VerificationReport) -> dict[str, Any]:
    return {
        "status": report.status.value,
        "checked_at": report.checked_at.isoformat(),
        "format": report.format,
        "checks": [
            {"name": c.name, "status": c.status.value, "message": c.message} for c in report.checks
        ],
    }


def report_from_json(data: dict[str, Any]) -> VerificationReport:
    return VerificationReport(
        status=VerificationStatus(data["status"]),
        checked_at=datetime.fromisoformat(data["checked_at"]),
        format=data["format"],
        checks=tuple(
            Check(c["name"], CheckStatus(c["status"]), c["message"]) for c in data["checks"]
        ),
    )


class AwardMapper(Mapper[Award]):
    what, table, key = "award", t.awards, "id"

    def insert(self, conn: Connection, items: Sequence[Award]) -> None:
        insert_rows(conn, t.awards, [_award_row(a) for a in items])

    def update(self, conn: Connection, item: Award) -> None:
        """An award verified again: its report, text and match change; its id stays."""
        awards = t.awards
        conn.execute(awards.update().where(awards.c.id == item.id).values(_award_row(item)))

    def load(self, conn: Connection, where: Where = None) -> list[Award]:
        return [
            Award(
                id=r.id,
                achievement_id=r.achievement_id,
                recipient=r.recipient,
                issued_on=r.issued_on,
                person_id=r.person_id,
                expires_on=r.expires_on,
                evidence=tuple(Evidence(e["name"], e["url"], e["narrative"]) for e in r.evidence),
                verification=report_from_json(r.verification) if r.verification else None,
                source=r.source,
                format=r.format or "",
                document=r.document or "",
            )
            for r in self._parents(conn, where)
        ]


def _award_row(a: Award) -> dict[str, Any]:
    return {
        "id": a.id,
        "achievement_id": a.achievement_id,
        "recipient": a.recipient,
        "person_id": a.person_id,
        "issued_on": a.issued_on,
        "expires_on": a.expires_on,
        "evidence": [{"name": e.name, "url": e.url, "narrative": e.narrative} for e in a.evidence],
        "verification": report_to_json(a.verification) if a.verification else None,
        "source": a.source,
        "format": a.format,
        "document": a.document,
    }
