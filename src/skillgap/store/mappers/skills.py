"""Mappers for scales, frameworks and roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from skillgap.domain import (
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    Level,
    ProficiencyScale,
    Requirement,
    Role,
    SkillKind,
)
from skillgap.errors import ConflictError
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, Where, children, chunks, insert_rows


class ScaleMapper(Mapper[ProficiencyScale]):
    what, table, key = "scale", t.scales, "id"

    def insert(self, conn: Connection, items: Sequence[ProficiencyScale]) -> None:
        insert_rows(
            conn,
            t.scales,
            [{"id": s.id, "name": s.name, "description": s.description} for s in items],
        )
        insert_rows(
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
        levels = children(conn, t.scale_levels, "scale_id", [p.id for p in parents])
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
        self._store_scales(conn, items)
        insert_rows(conn, t.frameworks, [_framework_row(f) for f in items])
        insert_rows(conn, t.capability_groups, [r for f in items for r in _group_rows(f)])
        insert_rows(conn, t.competencies, [r for f in items for r in _competency_rows(f)])

    def update(self, conn: Connection, item: Framework) -> None:
        """Replace the stored framework: its row, its groups, and its competencies (updated in
        place; a stored competency the new version no longer lists is deleted, which the
        database refuses while anything still refers to it)."""
        self._store_scales(conn, [item])
        f, c = t.frameworks, t.competencies
        conn.execute(f.update().where(f.c.id == item.id).values(_framework_row(item)))
        conn.execute(
            t.capability_groups.delete().where(t.capability_groups.c.framework_id == item.id)
        )
        insert_rows(conn, t.capability_groups, _group_rows(item))
        stored = set(conn.execute(sa.select(c.c.code).where(c.c.framework_id == item.id)).scalars())
        rows = _competency_rows(item)
        changed = [r for r in rows if r["code"] in stored]
        if changed:
            key = sa.and_(
                c.c.framework_id == sa.bindparam("k_fw"), c.c.code == sa.bindparam("k_code")
            )
            values: dict[str, Any] = {
                name: sa.bindparam(name)
                for name in changed[0]
                if name not in ("framework_id", "code")
            }
            conn.execute(
                c.update().where(key).values(values),
                [{**r, "k_fw": r["framework_id"], "k_code": r["code"]} for r in changed],
            )
        insert_rows(conn, c, [r for r in rows if r["code"] not in stored])
        gone = stored - {r["code"] for r in rows}
        for part in chunks(sorted(gone)):
            conn.execute(c.delete().where(c.c.framework_id == item.id, c.c.code.in_(part)))

    def _store_scales(self, conn: Connection, items: Sequence[Framework]) -> None:
        # Each framework brings its scale: stored with the first framework that brings it,
        # and every other framework naming that scale id must bring the same levels.
        scales = ScaleMapper()
        known: dict[str, ProficiencyScale] = {}
        for framework in items:
            scale = framework.scale
            if scale.id not in known:
                stored = scales.load(conn, t.scales.c.id == scale.id)
                if not stored:
                    scales.insert(conn, [scale])
                known[scale.id] = stored[0] if stored else scale
            if known[scale.id] != scale:
                raise ConflictError(
                    f"framework {framework.id!r} brings scale {scale.id!r}, which differs from "
                    "the scale of that id already stored"
                )

    def load(self, conn: Connection, where: Where = None) -> list[Framework]:
        parents = self._parents(conn, where)
        ids = [p.id for p in parents]
        scale_ids = {p.scale_id for p in parents}
        scales = {s.id: s for s in ScaleMapper().load(conn, t.scales.c.id.in_(scale_ids))}
        groups = children(conn, t.capability_groups, "framework_id", ids)
        comps = children(conn, t.competencies, "framework_id", ids)
        return [
            Framework(
                id=p.id,
                name=p.name,
                version=p.version,
                description=p.description,
                source=p.source,
                scale=scales[p.scale_id],
                uri=p.uri,
                extra=p.extra or {},
                groups=tuple(
                    CapabilityGroup(g.code, g.name, g.description, g.parent, g.uri, g.extra or {})
                    for g in groups[p.id]
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
                        skill_type=c.skill_type or "",
                        reuse_level=c.reuse_level or "",
                        retired=bool(c.retired),
                        extra=c.extra or {},
                    )
                    for c in comps[p.id]
                ),
            )
            for p in parents
        ]


def _framework_row(f: Framework) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "version": f.version,
        "description": f.description,
        "source": f.source,
        "scale_id": f.scale.id,
        "uri": f.uri,
        "extra": f.extra or None,
    }


def _group_rows(f: Framework) -> list[dict[str, Any]]:
    return [
        {
            "framework_id": f.id,
            "code": g.code,
            "position": i,
            "name": g.name,
            "description": g.description,
            "parent": g.parent,
            "uri": g.uri,
            "extra": g.extra or None,
        }
        for i, g in enumerate(f.groups)
    ]


def _competency_rows(f: Framework) -> list[dict[str, Any]]:
    return [
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
            "skill_type": c.skill_type or None,
            "reuse_level": c.reuse_level or None,
            "retired": c.retired,
            "extra": c.extra or None,
        }
        for i, c in enumerate(f.competencies)
    ]


class RoleMapper(Mapper[Role]):
    what, table, key = "role", t.roles, "id"

    def insert(self, conn: Connection, items: Sequence[Role]) -> None:
        insert_rows(conn, t.roles, [_role_row(r) for r in items])
        insert_rows(conn, t.requirements, [row for r in items for row in _requirement_rows(r)])

    def update(self, conn: Connection, item: Role) -> None:
        conn.execute(t.roles.update().where(t.roles.c.id == item.id).values(_role_row(item)))
        conn.execute(t.requirements.delete().where(t.requirements.c.role_id == item.id))
        insert_rows(conn, t.requirements, _requirement_rows(item))

    def load(self, conn: Connection, where: Where = None) -> list[Role]:
        parents = self._parents(conn, where)
        reqs = children(conn, t.requirements, "role_id", [p.id for p in parents])
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


def _role_row(r: Role) -> dict[str, Any]:
    return {"id": r.id, "name": r.name, "description": r.description, "family": r.family}


def _requirement_rows(r: Role) -> list[dict[str, Any]]:
    return [
        {
            "role_id": r.id,
            "position": i,
            "framework_id": q.competency.framework,
            "competency_code": q.competency.code,
            "level": q.level,
            "importance": q.importance.value,
            "horizon": q.horizon,
        }
        for i, q in enumerate(r.requirements)
    ]
