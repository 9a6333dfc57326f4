"""Mapper for occupations (from ESCO, O*NET, NICE) and the skills each lists."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from skillgap.domain import CompetencyRef, Occupation, OccupationSkill, Relation
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, Where, children, insert_rows


class OccupationMapper(Mapper[Occupation]):
    what, table, key = "occupation", t.occupations, "id"

    def insert(self, conn: Connection, items: Sequence[Occupation]) -> None:
        insert_rows(
            conn,
            t.occupations,
            [
                {
                    "id": o.id,
                    "framework_id": o.framework,
                    "code": o.code,
                    "title": o.title,
                    "description": o.description,
                    "uri": o.uri,
                    "alt_titles": list(o.alt_titles),
                    "level_scale": o.level_scale,
                    "extra": o.extra or None,
                }
                for o in items
            ],
        )
        insert_rows(
            conn,
            t.occupation_skills,
            [
                {
                    "occupation_id": o.id,
                    "position": i,
                    "framework_id": s.competency.framework,
                    "competency_code": s.competency.code,
                    "relation": s.relation.value,
                    "importance": s.importance,
                    "level": s.level,
                }
                for o in items
                for i, s in enumerate(o.skills)
            ],
        )

    def load(self, conn: Connection, where: Where = None) -> list[Occupation]:
        parents = self._parents(conn, where)
        skills = children(conn, t.occupation_skills, "occupation_id", [p.id for p in parents])
        return [
            Occupation(
                framework=p.framework_id,
                code=p.code,
                title=p.title,
                description=p.description,
                uri=p.uri,
                alt_titles=tuple(p.alt_titles),
                level_scale=p.level_scale,
                extra=p.extra or {},
                skills=tuple(
                    OccupationSkill(
                        CompetencyRef(s.framework_id, s.competency_code),
                        Relation(s.relation),
                        s.importance,
                        s.level,
                    )
                    for s in skills[p.id]
                ),
            )
            for p in parents
        ]

    def delete_for_framework(self, conn: Connection, framework_id: str) -> int:
        owned = t.occupations.c.framework_id == framework_id
        ids = t.occupations.select().with_only_columns(t.occupations.c.id).where(owned)
        skills = t.occupation_skills
        conn.execute(skills.delete().where(skills.c.occupation_id.in_(ids)))
        return conn.execute(t.occupations.delete().where(owned)).rowcount
