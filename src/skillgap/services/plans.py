"""Learning plans: a person's cheapest (or fastest) set of catalog items closing their gaps,
a team's, department's or the organisation's allocation of a training budget, and
tracking a saved plan against the credentials people actually earn.

Needs are a person's gaps in the verified view (a skill only claimed still needs proof),
against their role (or a target role), now and at each of the role's future horizons: a
future need is kept when the horizon asks for more than today does, with the horizon as the
date it is needed by. Offers are the catalog judged by the quality rubric
(``analysis.catalog``): only items whose credential would count close a gap. An item is done
when the person holds a valid credential of the achievement it ends in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from skillgap.analysis.allocation import (
    AllocationResult,
    PersonNeeds,
    TrainingPriority,
    allocate,
    training_priorities,
)
from skillgap.analysis.catalog import JudgedItem, judge_items
from skillgap.analysis.context import SkillContext
from skillgap.analysis.explain import person_evidence
from skillgap.analysis.gaps import PersonGap, person_gap
from skillgap.analysis.inventory import View
from skillgap.analysis.plans import Need, Offer, PlanRequest, PlanResult, plan_person
from skillgap.analysis.summary import build_model
from skillgap.clock import Clock
from skillgap.domain import Award, Person, Role
from skillgap.domain.governance import AuditEntry
from skillgap.domain.plans import Objective, Plan, PlanScope
from skillgap.errors import NotFoundError, ValidationError
from skillgap.services.pathways import held_awards
from skillgap.services.quality import assessment_notes, current_rubric
from skillgap.services.summary import workspace_data
from skillgap.services.workspace import snapshot_date
from skillgap.store import Store, Workspace

DEFAULT_HOURS_PER_WEEK = 4.0


@dataclass(frozen=True)
class PersonPlan:
    plan: Plan
    result: PlanResult
    person: Person
    role: Role
    readiness: float  # verified readiness against the role now, before the plan
    items: Mapping[str, JudgedItem]
    context: SkillContext
    saved: bool


def person_needs(person: Person, role: Role, gaps: Iterable[PersonGap]) -> tuple[Need, ...]:
    """The open items of each profile (now first, then horizons in order) as needs; a
    horizon's need is kept only when it asks for more than an earlier profile."""
    needs: list[Need] = []
    asked: dict[object, float] = {}
    for gap in gaps:
        for item in gap.items:
            ref = item.requirement.competency
            if item.gap <= 0 or item.required <= asked.get(ref, -1.0):
                asked[ref] = max(asked.get(ref, -1.0), item.required)
                continue
            asked[ref] = item.required
            needs.append(
                Need(
                    competency=ref,
                    required=item.required,
                    held=item.held,
                    weight=item.requirement.importance.weight,
                    needed_by=gap.horizon,
                )
            )
    return tuple(needs)


def offers(judged: Mapping[str, JudgedItem], held: Iterable[str] = ()) -> tuple[Offer, ...]:
    """The catalog as the planner sees it; ``held``: achievement ids the person holds."""
    have = set(held)
    return tuple(
        Offer(
            item_id=j.item.id,
            cost=j.item.cost,
            hours=j.item.hours,
            levels=dict(j.levels),
            prerequisites=j.item.prerequisites,
            done=j.item.achievement_id is not None and j.item.achievement_id in have,
        )
        for j in judged.values()
    )


def plan_for_person(
    store: Store,
    clock: Clock,
    person_id: str,
    *,
    target_role: str | None = None,
    budget: float | None = None,
    deadline: date | None = None,
    objective: Objective = Objective.COST,
    future: bool = True,
    hours_per_week: float = DEFAULT_HOURS_PER_WEEK,
    time_limit: float = 2.0,
    actor: str = "",
    save: bool = True,
) -> PersonPlan:
    """The cheapest (or fastest) items closing the person's gaps for their role or
    ``target_role``, now and (``future``) at the role's horizons, within a budget and by a
    deadline; saved (and audited) unless ``save`` is false."""
    now = clock.now()
    with store.transaction() as ws:
        person = _person(ws, person_id)
        role = _role_for(ws, person, target_role)
        as_of = snapshot_date(ws) or now.date()
        start = max(as_of, now.date())  # gaps as of the analysis date; learning from today
        if deadline is not None and deadline <= start:
            raise ValidationError(
                f"the deadline {deadline.isoformat()} is not after the plan's start "
                f"{start.isoformat()}"
            )
        context = SkillContext.of(ws.frameworks.list(), ws.scales.list())
        rubric = current_rubric(ws)
        awards = ws.awards.for_person(person.employee_id)
        evidence = person_evidence(
            person,
            awards,
            {a.id: a for a in ws.achievements.list()},
            {i.id: i for i in ws.issuers.list()},
            ws.observations.for_person(person.employee_id),
            context,
            as_of,
            rubric,
            notes=assessment_notes(ws),
        )
        judged = judge_items(ws.catalog.list(), context, rubric, ws.pathways.list())
        held = held_awards(awards, now).awards
        horizons = [h for h in role.horizons if h > as_of] if future else []
        gaps = [
            person_gap(person, role, evidence.inventory, context, view=View.VERIFIED, horizon=h)
            for h in [None, *horizons]
        ]
        request = PlanRequest(
            person_id=person.employee_id,
            needs=person_needs(person, role, gaps),
            offers=offers(judged, held),
            objective=objective,
            budget=budget,
            deadline=deadline,
            as_of=start,
            hours_per_week=hours_per_week,
            time_limit=time_limit,
        )
        result = plan_person(request)
        plan = Plan(
            id=_next_id(ws) if save else "unsaved",
            scope=PlanScope.PERSON,
            subject=person.employee_id,
            created_at=now,
            created_by=actor or "unknown",
            as_of=as_of,
            objective=objective,
            solver=result.solver,
            lines=result.lines,
            open_gaps=result.open_gaps,
            budget=budget,
            deadline=deadline,
            target_role=role.id,
            horizon=horizons[-1] if horizons else None,
            hours_per_week=hours_per_week,
            note=result.note,
        )
        if save:
            ws.plans.add(plan)
            _audit(ws, now, plan, {"role": role.id, "own_role": role.id == person.role_id})
    return PersonPlan(plan, result, person, role, gaps[0].readiness, judged, context, save)


@dataclass(frozen=True)
class GroupPlan:
    plan: Plan
    result: AllocationResult
    people: int
    priorities: tuple[TrainingPriority, ...]
    items: Mapping[str, JudgedItem]
    context: SkillContext
    saved: bool


def plan_for_group(
    store: Store,
    clock: Clock,
    scope: PlanScope,
    subject: str,
    *,
    budget: float,
    deadline: date | None = None,
    future: bool = True,
    hours_per_week: float = DEFAULT_HOURS_PER_WEEK,
    time_limit: float = 10.0,
    actor: str = "",
    save: bool = True,
) -> GroupPlan:
    """The allocation of ``budget`` across the group's people and catalog items that closes
    the most importance-weighted gap (verified view), with each choice's reasoning."""
    now = clock.now()
    with store.transaction() as ws:
        data = workspace_data(ws)
        as_of = snapshot_date(ws) or now.date()
        members = _members(data.people, scope, subject)
        model, _ = build_model(data, as_of)
        context = model.context
        judged = judge_items(ws.catalog.list(), context, data.rubric, ws.pathways.list())
        base = offers(judged)
        roles = {r.id: r for r in data.roles}
        awards_of: dict[str, list[Award]] = defaultdict(list)
        for award in data.awards:  # one read, not one query per person
            if award.person_id is not None:
                awards_of[award.person_id].append(award)
        held_by = {p.employee_id: held_awards(awards_of[p.employee_id], now) for p in members}
    achieved = {j.item.id: j.item.achievement_id for j in judged.values() if j.item.achievement_id}
    people = []
    for person in members:
        role = roles[person.role_id or ""]
        horizons = [h for h in role.horizons if h > as_of] if future else []
        gaps = [model.person_gap(person.employee_id, View.VERIFIED, h) for h in [None, *horizons]]
        have = held_by[person.employee_id].awards
        done = frozenset(item for item, a in achieved.items() if a in have)
        people.append(PersonNeeds(person.employee_id, person_needs(person, role, gaps), done))
    result = allocate(
        people,
        base,
        budget,
        as_of=max(as_of, now.date()),
        deadline=deadline,
        hours_per_week=hours_per_week,
        time_limit=time_limit,
    )
    plan = Plan(
        id="unsaved",
        scope=scope,
        subject=subject,
        created_at=now,
        created_by=actor or "unknown",
        as_of=as_of,
        objective=Objective.GAP,
        solver=result.solver,
        lines=result.lines,
        open_gaps=result.open_gaps,
        budget=budget,
        deadline=deadline,
        hours_per_week=hours_per_week,
        note=result.note,
    )
    if save:
        with store.transaction() as ws:
            plan = Plan(**{**plan.__dict__, "id": _next_id(ws)})
            ws.plans.add(plan)
            _audit(ws, now, plan, {"people": len(people), "budget": budget})
    return GroupPlan(
        plan, result, len(people), training_priorities(people, base), judged, context, save
    )


def organisation_priorities(store: Store, clock: Clock, top: int = 3) -> list[TrainingPriority]:
    """The organisation's training priorities with the cost of closing each (no budget)."""
    now = clock.now()
    with store.transaction() as ws:
        data = workspace_data(ws)
        as_of = snapshot_date(ws) or now.date()
        model, _ = build_model(data, as_of)
        judged = judge_items(ws.catalog.list(), model.context, data.rubric, ws.pathways.list())
    members = _members(data.people, PlanScope.ORGANISATION, "")
    roles = {r.id: r for r in data.roles}
    people = [
        PersonNeeds(
            p.employee_id,
            person_needs(
                p,
                roles[p.role_id or ""],
                [model.person_gap(p.employee_id, View.VERIFIED, None)],
            ),
        )
        for p in members
    ]
    return list(training_priorities(people, offers(judged))[:top])


def _members(people: Sequence[Person], scope: PlanScope, subject: str) -> list[Person]:
    """The active people with a role in the scope, by id."""
    field = {PlanScope.TEAM: "team", PlanScope.DEPARTMENT: "department"}.get(scope)
    found = [
        p
        for p in people
        if p.active and p.role_id and (field is None or getattr(p, field) == subject)
    ]
    if scope is PlanScope.PERSON:
        raise ValidationError("a group plan is for a team, a department or the organisation")
    if not found and field is not None:
        raise NotFoundError(f"no {field} {subject!r} with people holding a role")
    return sorted(found, key=lambda p: p.employee_id)


def _person(ws: Workspace, person_id: str) -> Person:
    person = ws.people.find(person_id)
    if person is None:
        raise NotFoundError(
            f"no person with employee id {person_id!r} (see `skillgap people list`)"
        )
    return person


def _role_for(ws: Workspace, person: Person, target: str | None) -> Role:
    wanted = target or person.role_id
    if wanted is None:
        raise ValidationError(
            f"{person.name} ({person.employee_id}) has no role: name one with --target-role"
        )
    role = ws.roles.find(wanted)
    if role is None:
        raise NotFoundError(f"no role {wanted!r} (see `skillgap roles list`)")
    return role


def _next_id(ws: Workspace) -> str:
    taken = {p.id for p in ws.plans.list()}
    n = len(taken) + 1
    while f"P{n:04d}" in taken:
        n += 1
    return f"P{n:04d}"


def _audit(ws: Workspace, at: datetime, plan: Plan, extra: Mapping[str, object]) -> None:
    ws.audit.append(
        AuditEntry(
            at=at,
            actor=plan.created_by,
            action="plan",
            subject=f"{plan.scope}:{plan.subject}",
            details={
                "plan": plan.id,
                "objective": plan.objective.value,
                "budget": plan.budget,
                "deadline": plan.deadline.isoformat() if plan.deadline else None,
                "solver": plan.solver.value,
                "items": len(plan.lines),
                "cost": plan.cost,
                **{k: v for k, v in extra.items()},
            },
        )
    )
