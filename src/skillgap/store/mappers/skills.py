"""Mappers for scales, frameworks and roles."""

from __future__ import annotations

from collections.abc import Sequence

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
from skillgap.store.mappers import Mapper, Where, children, insert_rows


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
        insert_rows(
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
        insert_rows(
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
        insert_rows(
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
        insert_rows(
            conn,
            t.roles,
            [
                {"id": r.id, "name": r.name, "description": r.description, "family": r.family}
                for r in items
            ],
        )
        insert_rows(
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
