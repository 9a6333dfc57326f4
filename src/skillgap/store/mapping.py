"""Domain aggregates <-> rows: one mapper per aggregate, used by the SQL store.

Each mapper inserts a batch of aggregates (parent rows, then child rows) and loads
aggregates matching a condition on the parent table, fetching children in one query each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    CapabilityGroup,
    Check,
    CheckStatus,
    Competency,
    CompetencyRef,
    Evidence,
    ExpiryPolicy,
    Framework,
    Importance,
    Issuer,
    IssuerTier,
    Level,
    Observation,
    Person,
    ProficiencyScale,
    Requirement,
    Role,
    SkillKind,
    SourceKind,
    VerificationReport,
    VerificationStatus,
)
from skillgap.errors import ConflictError
from skillgap.store import tables as t

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

    def _parents(self, conn: Connection, where: Where) -> list[sa.Row[Any]]:
        query = sa.select(self.table).order_by(self.table.c[self.key])
        if where is not None:
            query = query.where(where)
        return list(conn.execute(query))


def _insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def _children(
    conn: Connection, table: sa.Table, fk: str, keys: list[str]
) -> dict[str, list[sa.Row[Any]]]:
    grouped: dict[str, list[sa.Row[Any]]] = defaultdict(list)
    if not keys:
        return grouped
    order = [table.c[fk]] + ([table.c.position] if "position" in table.c else [])
    for row in conn.execute(sa.select(table).where(table.c[fk].in_(keys)).order_by(*order)):
        grouped[row._mapping[fk]].append(row)
    return grouped


class ScaleMapper(Mapper[ProficiencyScale]):
    what, table, key = "scale", t.scales, "id"

    def insert(self, conn: Connection, items: Sequence[ProficiencyScale]) -> None:
        _insert(
            conn,
            t.scales,
            [{"id": s.id, "name": s.name, "description": s.description} for s in items],
        )
        _insert(
            conn,
            t.scale_levels,
            [
                {
                    "scale_id": s.id,
                    "value": lv.value,
                    "label": lv.label,
                    "canonical": lv.canonical,
                    "descriptor": lv.descriptor,
                }
                for s in items
                for lv in s.levels
            ],
        )

    def load(self, conn: Connection, where: Where = None) -> list[ProficiencyScale]:
        parents = self._parents(conn, where)
        levels = _children(conn, t.scale_levels, "scale_id", [p.id for p in parents])
        return [
            ProficiencyScale(
                id=p.id,
                name=p.name,
                description=p.description,
                levels=tuple(
                    Level(lv.value, lv.label, lv.canonical, lv.descriptor)
                    for lv in sorted(levels[p.id], key=lambda r: r.value)
                ),
            )
            for p in parents
        ]


class FrameworkMapper(Mapper[Framework]):
    what, table, key = "framework", t.frameworks, "id"

    def insert(self, conn: Connection, items: Sequence[Framework]) -> None:
        scales = ScaleMapper()
        for scale in {f.scale.id: f.scale for f in items}.values():
            stored = scales.load(conn, t.scales.c.id == scale.id)
            if not stored:
                scales.insert(conn, [scale])
            elif stored[0] != scale:
                raise ConflictError(
                    f"a framework brings scale {scale.id!r}, which differs from the scale of "
                    "that id already stored"
                )
        _insert(
            conn,
            t.frameworks,
            [
                {
                    "id": f.id,
                    "name": f.name,
                    "version": f.version,
                    "description": f.description,
                    "source": f.source,
                    "scale_id": f.scale.id,
                }
                for f in items
            ],
        )
        _insert(
            conn,
            t.capability_groups,
            [
                {
                    "framework_id": f.id,
                    "code": g.code,
                    "position": i,
                    "name": g.name,
                    "description": g.description,
                    "parent": g.parent,
                }
                for f in items
                for i, g in enumerate(f.groups)
            ],
        )
        _insert(
            conn,
            t.competencies,
            [
                {
                    "framework_id": f.id,
                    "code": c.code,
                    "position": i,
                    "name": c.name,
                    "description": c.description,
                    "group_code": c.group,
                    "kind": c.kind.value,
                    "uri": c.uri,
                    "alt_labels": list(c.alt_labels),
                }
                for f in items
                for i, c in enumerate(f.competencies)
            ],
        )

    def load(self, conn: Connection, where: Where = None) -> list[Framework]:
        parents = self._parents(conn, where)
        ids = [p.id for p in parents]
        scales = {
            s.id: s
            for s in ScaleMapper().load(conn, t.scales.c.id.in_({p.scale_id for p in parents}))
        }
        groups = _children(conn, t.capability_groups, "framework_id", ids)
        comps = _children(conn, t.competencies, "framework_id", ids)
        return [
            Framework(
                id=p.id,
                name=p.name,
                version=p.version,
                description=p.description,
                source=p.source,
                scale=scales[p.scale_id],
                groups=tuple(
                    CapabilityGroup(g.code, g.name, g.description, g.parent) for g in groups[p.id]
                ),
                competencies=tuple(
                    Competency(
                        framework=p.id,
                        code=c.code,
                        name=c.name,
                        description=c.description,
                        group=c.group_code,
                        kind=SkillKind(c.kind),
                        uri=c.uri,
                        alt_labels=tuple(c.alt_labels),
                    )
                    for c in comps[p.id]
                ),
            )
            for p in parents
        ]


class RoleMapper(Mapper[Role]):
    what, table, key = "role", t.roles, "id"

    def insert(self, conn: Connection, items: Sequence[Role]) -> None:
        _insert(
            conn,
            t.roles,
            [
                {"id": r.id, "name": r.name, "description": r.description, "family": r.family}
                for r in items
            ],
        )
        _insert(
            conn,
            t.requirements,
            [
                {
                    "role_id": r.id,
                    "position": i,
                    "framework_id": q.competency.framework,
                    "competency_code": q.competency.code,
                    "level": q.level,
                    "importance": q.importance.value,
                    "horizon": q.horizon,
                }
                for r in items
                for i, q in enumerate(r.requirements)
            ],
        )

    def load(self, conn: Connection, where: Where = None) -> list[Role]:
        parents = self._parents(conn, where)
        reqs = _children(conn, t.requirements, "role_id", [p.id for p in parents])
        return [
            Role(
                id=p.id,
                name=p.name,
                description=p.description,
                family=p.family,
                requirements=tuple(
                    Requirement(
                        CompetencyRef(q.framework_id, q.competency_code),
                        q.level,
                        Importance(q.importance),
                        q.horizon,
                    )
                    for q in reqs[p.id]
                ),
            )
            for p in parents
        ]


class PersonMapper(Mapper[Person]):
    what, table, key = "person", t.people, "employee_id"

    def insert(self, conn: Connection, items: Sequence[Person]) -> None:
        _insert(
            conn,
            t.people,
            [
                {
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
                for p in items
            ],
        )
        _insert(
            conn,
            t.person_emails,
            [
                {"email": e, "employee_id": p.employee_id, "position": i}
                for p in items
                for i, e in enumerate(p.emails)
            ],
        )

    def load(self, conn: Connection, where: Where = None) -> list[Person]:
        parents = self._parents(conn, where)
        emails = _children(conn, t.person_emails, "employee_id", [p.employee_id for p in parents])
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
            )
            for p in parents
        ]


class IssuerMapper(Mapper[Issuer]):
    what, table, key = "issuer", t.issuers, "id"

    def insert(self, conn: Connection, items: Sequence[Issuer]) -> None:
        _insert(
            conn,
            t.issuers,
            [
                {"id": i.id, "name": i.name, "url": i.url, "email": i.email, "tier": i.tier.value}
                for i in items
            ],
        )

    def load(self, conn: Connection, where: Where = None) -> list[Issuer]:
        return [
            Issuer(r.id, r.name, r.url, r.email, IssuerTier(r.tier))
            for r in self._parents(conn, where)
        ]


class AchievementMapper(Mapper[Achievement]):
    what, table, key = "achievement", t.achievements, "id"

    def insert(self, conn: Connection, items: Sequence[Achievement]) -> None:
        _insert(
            conn,
            t.achievements,
            [
                {
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
                for a in items
            ],
        )
        _insert(
            conn,
            t.alignments,
            [
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
                for a in items
                for i, al in enumerate(a.alignments)
            ],
        )

    def load(self, conn: Connection, where: Where = None) -> list[Achievement]:
        parents = self._parents(conn, where)
        aligns = _children(conn, t.alignments, "achievement_id", [p.id for p in parents])
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
        _insert(
            conn,
            t.awards,
            [
                {
                    "id": a.id,
                    "achievement_id": a.achievement_id,
                    "recipient": a.recipient,
                    "person_id": a.person_id,
                    "issued_on": a.issued_on,
                    "expires_on": a.expires_on,
                    "evidence": [
                        {"name": e.name, "url": e.url, "narrative": e.narrative} for e in a.evidence
                    ],
                    "verification": report_to_json(a.verification) if a.verification else None,
                    "source": a.source,
                }
                for a in items
            ],
        )

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
            )
            for r in self._parents(conn, where)
        ]


class ObservationMapper(Mapper[Observation]):
    what, table, key = "observation", t.observations, "id"

    def insert(self, conn: Connection, items: Sequence[Observation]) -> None:
        _insert(
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
        return [
            Observation(
                id=r.id,
                person_id=r.person_id,
                competency=CompetencyRef(r.framework_id, r.competency_code),
                level=r.level,
                scale_id=r.scale_id,
                source=SourceKind(r.source),
                observed_on=r.observed_on,
                confidence=r.confidence,
                provenance=r.provenance,
                award_id=r.award_id,
            )
            for r in self._parents(conn, where)
        ]
