"""Mappers for the learning catalog, pathways, pathway awards and saved plans.

A catalog item's outcomes and prerequisites are child rows (prerequisites with a foreign key
to the item they need); a pathway's steps are one JSON column (a step means nothing apart
from its pathway, and the units refer to catalog items or to any credential). A plan's lines
and open gaps are child rows, each naming the person it is for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from skillgap.domain import AssessmentType, CompetencyRef, IssuerTier
from skillgap.domain.catalog import CatalogItem, ItemKind, Outcome
from skillgap.domain.pathways import (
    AwardMode,
    AwardState,
    Pathway,
    PathwayAward,
    Step,
    StepRule,
    Unit,
    UnitKind,
)
from skillgap.domain.plans import Objective, OpenGap, Plan, PlanLine, PlanScope, Solver
from skillgap.store import tables as t
from skillgap.store.mappers import Mapper, Where, children, insert_rows


def refs_to_json(refs: Sequence[CompetencyRef]) -> list[list[str]]:
    return [[ref.framework, ref.code] for ref in refs]


def refs_from_json(data: Sequence[Sequence[str]]) -> tuple[CompetencyRef, ...]:
    return tuple(CompetencyRef(framework, code) for framework, code in data)


class CatalogItemMapper(Mapper[CatalogItem]):
    what, table, key = "catalog item", t.catalog_items, "id"
    #: child rows owned by an item (removed with it)
    owned = (t.catalog_outcomes.c.item_id, t.catalog_prerequisites.c.item_id)

    def insert(self, conn: Connection, items: Sequence[CatalogItem]) -> None:
        insert_rows(conn, t.catalog_items, [_item_row(i) for i in items])
        insert_rows(conn, t.catalog_outcomes, [r for i in items for r in _outcome_rows(i)])
        insert_rows(conn, t.catalog_prerequisites, [r for i in items for r in _needs_rows(i)])

    def update(self, conn: Connection, item: CatalogItem) -> None:
        for column in self.owned:
            conn.execute(column.table.delete().where(column == item.id))
        items = t.catalog_items
        conn.execute(items.update().where(items.c.id == item.id).values(_item_row(item)))
        insert_rows(conn, t.catalog_outcomes, _outcome_rows(item))
        insert_rows(conn, t.catalog_prerequisites, _needs_rows(item))

    def load(self, conn: Connection, where: Where = None) -> list[CatalogItem]:
        parents = self._parents(conn, where)
        keys = [p.id for p in parents]
        outcomes = children(conn, t.catalog_outcomes, "item_id", keys)
        needs = children(conn, t.catalog_prerequisites, "item_id", keys)
        return [
            CatalogItem(
                id=p.id,
                name=p.name,
                provider=p.provider,
                kind=ItemKind(p.kind),
                internal=p.internal,
                outcomes=tuple(
                    Outcome(CompetencyRef(o.framework_id, o.competency_code), o.level)
                    for o in outcomes[p.id]
                ),
                hours=p.hours,
                cost=p.cost,
                issuer_tier=IssuerTier(p.issuer_tier),
                assessment=AssessmentType(p.assessment),
                prerequisites=tuple(n.needs_id for n in needs[p.id]),
                valid_for_days=p.valid_for_days,
                achievement_id=p.achievement_id,
                url=p.url,
                description=p.description,
            )
            for p in parents
        ]

    def graph(self, conn: Connection) -> dict[str, tuple[str, ...]]:
        """Every item's id -> the ids of the items it needs."""
        found: dict[str, list[str]] = {
            row.id: [] for row in conn.execute(sa.select(t.catalog_items.c.id))
        }
        c = t.catalog_prerequisites.c
        for row in conn.execute(sa.select(c.item_id, c.needs_id).order_by(c.item_id, c.position)):
            found[row.item_id].append(row.needs_id)
        return {key: tuple(needs) for key, needs in found.items()}


def _item_row(i: CatalogItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "name": i.name,
        "provider": i.provider,
        "kind": i.kind.value,
        "internal": i.internal,
        "hours": i.hours,
        "cost": i.cost,
        "issuer_tier": i.issuer_tier.value,
        "assessment": i.assessment.value,
        "valid_for_days": i.valid_for_days,
        "achievement_id": i.achievement_id,
        "url": i.url,
        "description": i.description,
    }


def _outcome_rows(i: CatalogItem) -> list[dict[str, Any]]:
    return [
        {
            "item_id": i.id,
            "position": n,
            "framework_id": o.competency.framework,
            "competency_code": o.competency.code,
            "level": o.level,
        }
        for n, o in enumerate(i.outcomes)
    ]


def _needs_rows(i: CatalogItem) -> list[dict[str, Any]]:
    return [
        {"item_id": i.id, "position": n, "needs_id": needed}
        for n, needed in enumerate(i.prerequisites)
    ]


class PathwayMapper(Mapper[Pathway]):
    what, table, key = "pathway", t.pathways, "id"

    def insert(self, conn: Connection, items: Sequence[Pathway]) -> None:
        insert_rows(conn, t.pathways, [_pathway_row(p) for p in items])

    def update(self, conn: Connection, item: Pathway) -> None:
        table = t.pathways
        conn.execute(table.update().where(table.c.id == item.id).values(_pathway_row(item)))

    def load(self, conn: Connection, where: Where = None) -> list[Pathway]:
        return [
            Pathway(
                id=r.id,
                name=r.name,
                steps=tuple(_step(s) for s in r.steps),
                awards=r.awards,
                mode=AwardMode(r.mode),
                description=r.description,
            )
            for r in self._parents(conn, where)
        ]

    def using_item(self, conn: Connection, item_id: str) -> list[str]:
        """The ids of the pathways with the catalog item as a unit, in id order."""
        unit = Unit(UnitKind.ITEM, item_id)
        return [p.id for p in self.load(conn) if unit in p.units]


def _pathway_row(p: Pathway) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "awards": p.awards,
        "mode": p.mode.value,
        "description": p.description,
        "steps": [
            {
                "id": s.id,
                "name": s.name,
                "units": [{"kind": u.kind.value, "id": u.id} for u in s.units],
                "rule": s.rule.value,
                "count": s.count,
                "after": list(s.after),
            }
            for s in p.steps
        ],
    }


def _step(data: dict[str, Any]) -> Step:
    return Step(
        id=data["id"],
        name=data["name"],
        units=tuple(Unit(UnitKind(u["kind"]), u["id"]) for u in data["units"]),
        rule=StepRule(data["rule"]),
        count=data["count"],
        after=tuple(data["after"]),
    )


class PathwayAwardMapper(Mapper[PathwayAward]):
    what, table, key = "pathway award", t.pathway_awards, "id"

    def insert(self, conn: Connection, items: Sequence[PathwayAward]) -> None:
        insert_rows(conn, t.pathway_awards, [_award_row(a) for a in items])

    def update(self, conn: Connection, item: PathwayAward) -> None:
        """A reviewer decided, or the credential was issued: the row changes in place."""
        table = t.pathway_awards
        conn.execute(table.update().where(table.c.id == item.id).values(_award_row(item)))

    def load(self, conn: Connection, where: Where = None) -> list[PathwayAward]:
        return [
            PathwayAward(
                id=r.id,
                pathway_id=r.pathway_id,
                person_id=r.person_id,
                achievement_id=r.achievement_id,
                completed_at=r.completed_at,
                units=tuple(r.units),
                state=AwardState(r.state),
                decided_by=r.decided_by,
                decided_at=r.decided_at,
                issued_id=r.issued_id,
                note=r.note,
            )
            for r in self._parents(conn, where)
        ]

    def first_for(self, conn: Connection, pathway_id: str) -> str | None:
        """The first (by id) award of the pathway, if any."""
        found = self.load(conn, t.pathway_awards.c.pathway_id == pathway_id)
        return found[0].id if found else None


def _award_row(a: PathwayAward) -> dict[str, Any]:
    return {
        "id": a.id,
        "pathway_id": a.pathway_id,
        "person_id": a.person_id,
        "achievement_id": a.achievement_id,
        "completed_at": a.completed_at,
        "units": list(a.units),
        "state": a.state.value,
        "decided_by": a.decided_by,
        "decided_at": a.decided_at,
        "issued_id": a.issued_id,
        "note": a.note,
    }


class PlanMapper(Mapper[Plan]):
    what, table, key = "plan", t.plans, "id"

    def insert(self, conn: Connection, items: Sequence[Plan]) -> None:
        insert_rows(conn, t.plans, [_plan_row(p) for p in items])
        insert_rows(conn, t.plan_lines, [r for p in items for r in _line_rows(p)])
        insert_rows(conn, t.plan_open_gaps, [r for p in items for r in _gap_rows(p)])

    def load(self, conn: Connection, where: Where = None) -> list[Plan]:
        parents = self._parents(conn, where)
        keys = [p.id for p in parents]
        lines = children(conn, t.plan_lines, "plan_id", keys)
        gaps = children(conn, t.plan_open_gaps, "plan_id", keys)
        return [
            Plan(
                id=p.id,
                scope=PlanScope(p.scope),
                subject=p.subject,
                created_at=p.created_at,
                created_by=p.created_by,
                as_of=p.as_of,
                objective=Objective(p.objective),
                solver=Solver(p.solver),
                lines=tuple(
                    PlanLine(
                        person_id=r.person_id,
                        item_id=r.item_id,
                        closes=refs_from_json(r.closes),
                        cost=r.cost,
                        hours=r.hours,
                        start=r.start,
                        due=r.due,
                        reason=r.reason,
                    )
                    for r in lines[p.id]
                ),
                open_gaps=tuple(
                    OpenGap(
                        person_id=r.person_id,
                        competency=CompetencyRef(r.framework_id, r.competency_code),
                        required=r.required,
                        held=r.held,
                        weight=r.weight,
                        reason=r.reason,
                    )
                    for r in gaps[p.id]
                ),
                budget=p.budget,
                deadline=p.deadline,
                target_role=p.target_role,
                horizon=p.horizon,
                hours_per_week=p.hours_per_week,
                note=p.note,
            )
            for p in parents
        ]


def _plan_row(p: Plan) -> dict[str, Any]:
    return {
        "id": p.id,
        "scope": p.scope.value,
        "subject": p.subject,
        "created_at": p.created_at,
        "created_by": p.created_by,
        "as_of": p.as_of,
        "objective": p.objective.value,
        "solver": p.solver.value,
        "budget": p.budget,
        "deadline": p.deadline,
        "target_role": p.target_role,
        "horizon": p.horizon,
        "hours_per_week": p.hours_per_week,
        "note": p.note,
    }


def _line_rows(p: Plan) -> list[dict[str, Any]]:
    return [
        {
            "plan_id": p.id,
            "position": n,
            "person_id": line.person_id,
            "item_id": line.item_id,
            "closes": refs_to_json(line.closes),
            "cost": line.cost,
            "hours": line.hours,
            "start": line.start,
            "due": line.due,
            "reason": line.reason,
        }
        for n, line in enumerate(p.lines)
    ]


def _gap_rows(p: Plan) -> list[dict[str, Any]]:
    return [
        {
            "plan_id": p.id,
            "position": n,
            "person_id": gap.person_id,
            "framework_id": gap.competency.framework,
            "competency_code": gap.competency.code,
            "required": gap.required,
            "held": gap.held,
            "weight": gap.weight,
            "reason": gap.reason,
        }
        for n, gap in enumerate(p.open_gaps)
    ]
