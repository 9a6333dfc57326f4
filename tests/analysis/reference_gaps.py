"""A plain-loop reference for the gap engine: the rules of ``analysis.inventory`` and
``analysis.gaps`` applied one person and one requirement at a time, no numpy.

It is deliberately the obvious implementation (``person_gap`` per person and horizon,
dictionaries for every roll-up), so that the engine's vectorised arithmetic is checked
against something a reader can verify by eye. Rows are returned as dictionaries keyed the
way the engine's rows can be keyed, with the same field names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from skillgap.analysis.context import SkillContext
from skillgap.analysis.gaps import GapStatus, PersonGap, person_gap
from skillgap.analysis.inventory import Inventory, View, build_inventory
from skillgap.domain import CompetencyRef, Importance, Observation, Person, Role
from skillgap.errors import NotFoundError

Key = Callable[[Person], str | None]
Row = dict[str, Any]


@dataclass(frozen=True)
class Org:
    people: tuple[Person, ...]
    roles: tuple[Role, ...]
    context: SkillContext
    observations: tuple[Observation, ...]
    as_of: date


class Reference:
    def __init__(self, org: Org) -> None:
        self.org = org
        self.active = [p for p in org.people if p.active]
        ids = {p.employee_id for p in self.active}
        self.roles = {r.id: r for r in org.roles}
        counted = [o for o in org.observations if o.observed_on <= org.as_of and o.person_id in ids]
        self.inventory: Inventory = build_inventory(counted, org.context)
        self.with_role = [p for p in self.active if p.role_id in self.roles]
        self.future = sorted({h for r in org.roles for h in r.horizons if h > org.as_of})

    def gaps(self, view: View, horizon: date | None = None) -> dict[str, PersonGap]:
        at = horizon or self.org.as_of
        return {
            p.employee_id: person_gap(
                p,
                self.roles[p.role_id or ""],
                self.inventory,
                self.org.context,
                view=view,
                horizon=at,
            )
            for p in self.with_role
        }

    def _label(self, key: Key | None, person: Person) -> str:
        return "organisation" if key is None else key(person) or "(none)"

    def _sizes(self, key: Key | None) -> dict[str, int]:
        sizes: dict[str, int] = defaultdict(int)
        if key is None:  # the organisation is a group even when it has nobody
            sizes["organisation"] = 0
        for p in self.active:
            sizes[self._label(key, p)] += 1
        return sizes

    def by_competency(
        self, view: View, key: Key | None, horizon: date | None = None
    ) -> dict[tuple[str, CompetencyRef], Row]:
        sizes = self._sizes(key)
        rows: dict[tuple[str, CompetencyRef], Row] = {}
        for gap in self.gaps(view, horizon).values():
            group = self._label(key, gap.person)
            for item in gap.items:
                w = item.requirement.importance.weight
                row = rows.setdefault(
                    (group, item.requirement.competency),
                    {"group_size": sizes[group], "people_in_scope": 0, "people_meeting": 0,
                     "w": 0.0, "wcov": 0.0, "total_gap": 0.0, "total_weighted_gap": 0.0},
                )  # fmt: skip
                row["people_in_scope"] += 1
                row["people_meeting"] += item.status is GapStatus.MET
                row["w"] += w
                row["wcov"] += w * item.coverage
                row["total_gap"] += item.gap
                row["total_weighted_gap"] += item.weighted_gap
        for row in rows.values():
            row["coverage"] = row.pop("wcov") / row.pop("w")
        return rows

    def capability(self, ref: CompetencyRef) -> tuple[str, str] | None:
        try:
            group = self.org.context.capability(ref)
        except NotFoundError:
            return None
        return (ref.framework, group.code) if group else None

    def by_capability(
        self, view: View, key: Key | None, horizon: date | None = None
    ) -> dict[tuple[str, tuple[str, str] | None], Row]:
        sizes = self._sizes(key)
        rows: dict[tuple[str, tuple[str, str] | None], Row] = {}
        for gap in self.gaps(view, horizon).values():
            group = self._label(key, gap.person)
            people: dict[tuple[str, str] | None, bool] = {}
            for item in gap.items:
                cap = self.capability(item.requirement.competency)
                w = item.requirement.importance.weight
                row = rows.setdefault(
                    (group, cap),
                    {"group_size": sizes[group], "people_in_scope": 0, "people_meeting": 0,
                     "requirements": 0, "requirements_met": 0, "w": 0.0, "wcov": 0.0,
                     "total_gap": 0.0, "total_weighted_gap": 0.0},
                )  # fmt: skip
                met = item.status is GapStatus.MET
                people[cap] = people.get(cap, True) and met
                row["requirements"] += 1
                row["requirements_met"] += met
                row["w"] += w
                row["wcov"] += w * item.coverage
                row["total_gap"] += item.gap
                row["total_weighted_gap"] += item.weighted_gap
            for cap, meets in people.items():
                rows[(group, cap)]["people_in_scope"] += 1
                rows[(group, cap)]["people_meeting"] += meets
        for row in rows.values():
            row["coverage"] = row.pop("wcov") / row.pop("w")
        return rows

    def by_group(self, view: View, key: Key | None, horizon: date | None = None) -> dict[str, Row]:
        gaps = self.gaps(view, horizon)
        rows: dict[str, Row] = {
            group: {"group_size": size, "people_with_role": 0, "readiness": [],
                    "total_weighted_gap": 0.0}
            for group, size in self._sizes(key).items()
        }  # fmt: skip
        for p in self.with_role:
            row = rows[self._label(key, p)]
            gap = gaps[p.employee_id]
            row["people_with_role"] += 1
            if gap.assessed:
                row["readiness"].append(gap.readiness)
            row["total_weighted_gap"] += sum(i.weighted_gap for i in gap.items)
        for row in rows.values():
            found = row.pop("readiness")
            row["people_assessed"] = len(found)
            row["mean_readiness"] = sum(found) / len(found) if found else 100.0
        return rows

    def bench(self, level: float, view: View) -> dict[CompetencyRef, int]:
        counts: dict[CompetencyRef, int] = defaultdict(int)
        for p in self.active:
            for ref, holding in self.inventory.of(p.employee_id).items():
                reading = holding.reading(view)
                if reading is not None and reading.level >= level:
                    counts[ref] += 1
        return dict(counts)

    def single_points(
        self, importance: Importance, members: set[str] | None = None
    ) -> list[tuple[Any, ...]]:
        """With ``members``: the group's, from the roles its members hold, counting them."""
        group = [p for p in self.active if members is None or p.employee_id in members]
        held_roles = {p.role_id for p in group}
        need: dict[CompetencyRef, float] = {}
        roles_of: dict[CompetencyRef, set[str]] = defaultdict(set)
        for role in self.org.roles:
            if members is not None and role.id not in held_roles:
                continue
            for req in role.requirements:
                if req.importance.weight >= importance.weight:
                    level = self.org.context.canonical(req.competency, req.level)
                    need[req.competency] = min(level, need.get(req.competency, level))
                    roles_of[req.competency].add(role.id)
        found = []
        for ref, level in need.items():
            holders = []
            for p in group:
                holding = self.inventory.holding(p.employee_id, ref)
                if holding and holding.verified and holding.verified.level >= level:
                    holders.append(p.employee_id)
            requiring = sum(1 for p in group if p.role_id in roles_of[ref])
            if len(holders) <= 1:
                holder = holders[0] if holders else None
                found.append((ref, level, len(roles_of[ref]), requiring, len(holders), holder))
        return sorted(found, key=lambda s: (s[4], s[0]))

    def future_gaps(
        self, view: View, key: Key | None
    ) -> dict[tuple[str, date, CompetencyRef], Row]:
        sizes = self._sizes(key)
        rows: dict[tuple[str, date, CompetencyRef], Row] = {}
        for horizon in self.future:
            for gap in self.gaps(view, horizon).values():
                group = self._label(key, gap.person)
                for item in gap.items:
                    if item.requirement.horizon != horizon:
                        continue
                    row = rows.setdefault(
                        (group, horizon, item.requirement.competency),
                        {"group_size": sizes[group], "people_in_scope": 0, "people_short": 0,
                         "total_gap": 0.0, "total_weighted_gap": 0.0},
                    )  # fmt: skip
                    row["people_in_scope"] += 1
                    row["people_short"] += item.gap > 0
                    row["total_gap"] += item.gap
                    row["total_weighted_gap"] += item.weighted_gap
        return rows

    def priorities(
        self, view: View, half_life_days: float = 365.0, people: Sequence[str] | None = None
    ) -> dict[tuple[CompetencyRef, date | None], Row]:
        """Per person and competency, the gap at each horizon beyond the largest gap the
        person already had for it at an earlier one, summed per (competency, horizon)."""
        at_horizon = {h: self.gaps(view, h) for h in self.future}
        sums: dict[tuple[CompetencyRef, date | None], Row] = {}

        def add(ref: CompetencyRef, when: date | None, weight: int, need: float) -> None:
            row = sums.setdefault(
                (ref, when), {"people_required": 0, "people_short": 0, "total": 0.0, "wsum": 0.0}
            )
            row["people_required"] += 1
            row["people_short"] += need > 0
            row["total"] += need
            row["wsum"] += weight * need

        for pid, now in self.gaps(view).items():
            if people is not None and pid not in people:
                continue
            largest: dict[CompetencyRef, float] = {}
            for item in now.items:
                add(item.requirement.competency, None, item.requirement.importance.weight, item.gap)
                largest[item.requirement.competency] = item.gap
            for horizon in self.future:
                for item in at_horizon[horizon][pid].items:
                    ref = item.requirement.competency
                    if item.requirement.horizon == horizon:
                        need = max(0.0, item.gap - largest.get(ref, 0.0))
                        add(ref, horizon, item.requirement.importance.weight, need)
                    largest[ref] = max(largest.get(ref, 0.0), item.gap)
        result = {}
        for (ref, when), row in sums.items():
            if not row["people_short"]:
                continue
            days = (when - self.org.as_of).days if when else 0
            urgency = 0.5 ** (days / half_life_days)
            result[(ref, when)] = {
                "people_required": row["people_required"],
                "people_short": row["people_short"],
                "gap_size": row["total"] / row["people_short"],
                "importance": row["wsum"] / row["total"],
                "urgency": urgency,
                "weighted_gap": row["wsum"],
                "score": row["wsum"] * urgency,
            }
        return result
