"""Talent decisions from verified evidence only: internal candidates for a role, promotion
readiness, hiring needs (build or buy), pay and recognition rules, and tracking a saved plan.

skillgap never decides: each call about individuals returns its reasons and is written to
the audit log (who ran it, when, with which rules and parameters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from skillgap.analysis.candidates import CandidateTable, rank_candidates
from skillgap.analysis.catalog import judge_items
from skillgap.analysis.context import SkillContext
from skillgap.analysis.engine_filters import people_mask
from skillgap.analysis.hiring import HiringNeed, hiring_needs, late_gaps
from skillgap.analysis.inventory import View
from skillgap.analysis.plans import Need, PlanRequest, PlanResult, plan_person
from skillgap.analysis.policy import RuleOutcome, counted_credentials, evaluate
from skillgap.analysis.summary import build_model
from skillgap.clock import Clock
from skillgap.domain import CompetencyRef, Person, Role
from skillgap.domain.governance import AuditEntry, PolicyRule
from skillgap.domain.plans import Objective, OpenGap, Plan, PlanLine, PlanScope
from skillgap.errors import NotFoundError, ValidationError
from skillgap.formats.policy import read_policy_file
from skillgap.services.pathways import held_awards
from skillgap.services.plans import offers, person_needs
from skillgap.services.summary import workspace_data
from skillgap.services.workspace import snapshot_date
from skillgap.store import Store, Workspace
from skillgap.store.intent import writes

PLAN_TIME_LIMIT = 1.0
MAX_AUDIT_DAYS = 36_525  # a hundred years: the whole log  # seconds per candidate's plan


@dataclass(frozen=True)
class Candidates:
    role: Role
    as_of: date
    table: CandidateTable
    plans: Mapping[str, PlanResult]  # per listed candidate: the plan closing what they lack
    context: SkillContext


def candidates(
    store: Store,
    clock: Clock,
    role_id: str,
    *,
    department: str | None = None,
    team: str | None = None,
    attributes: Mapping[str, str] | None = None,
    exclude_holders: bool = True,
    limit: int = 10,
    with_plans: bool = True,
    actor: str,
) -> Candidates:
    """People ranked by verified readiness for ``role_id``, with what each lacks and the
    cheapest plan that would close it; filtered by department, team and HR attributes."""
    now = clock.now()
    with store.transaction() as ws:
        role = _role(ws, role_id)
        data = workspace_data(ws)
        as_of = snapshot_date(ws) or now.date()
        judged = judge_items(ws.catalog.list(), SkillContext.of(data.frameworks, data.scales),
                             data.rubric, ws.pathways.list())  # fmt: skip
        model, _ = build_model(data, as_of)
        mask = None
        if department or team or attributes:
            mask = people_mask(model, department=department, team=team, attributes=attributes)
        table = rank_candidates(
            model,
            role,
            view=View.VERIFIED,
            people_filter=mask,
            exclude_holders=exclude_holders,
            limit=limit,
        )
        rows = table.rows()
        plans: dict[str, PlanResult] = {}
        if with_plans:
            for row in rows:
                pid = row.person.employee_id
                gaps = (
                    [model.person_gap(pid, View.VERIFIED, None)]
                    if role.id == row.person.role_id
                    else []
                )
                needs = person_needs(row.person, role, gaps) if gaps else _lack_needs(table, pid)
                have = held_awards(ws.awards.for_person(pid), now).awards
                plans[pid] = plan_person(
                    PlanRequest(
                        pid,
                        needs,
                        offers(judged, have),
                        Objective.COST,
                        as_of=max(as_of, now.date()),
                        time_limit=PLAN_TIME_LIMIT,
                    )
                )
        entry = AuditEntry(
            at=now,
            actor=actor,
            action="candidates",
            subject=f"role:{role.id}",
            details={
                "view": "verified",
                "filters": {"department": department, "team": team, **(attributes or {})},
                "exclude_holders": exclude_holders,
                "listed": [
                    {"person": r.person.employee_id, "readiness": round(r.readiness, 1)}
                    for r in rows
                ],
                "in_scope": table.total,
            },
        )
    audited(store, entry)
    return Candidates(role, as_of, table, plans, model.context)


def audited(store: Store, entry: AuditEntry) -> AuditEntry:
    """``entry`` written to the audit log, in a unit of its own that means to write (the
    reads before it are long and take no write lock) and is committed before the result
    is shown: what is not in the log is not shown."""
    with writes(), store.transaction() as ws:
        return ws.audit.append(entry)


def _lack_needs(table: CandidateTable, person_id: str) -> tuple[Need, ...]:
    """What a candidate lacks for a role they do not hold, as needs of today."""
    return tuple(
        Need(
            competency=lack.competency,
            required=lack.required,
            held=lack.held,
            weight=lack.importance.weight,
        )
        for lack in table.lacks(person_id)
    )


@dataclass(frozen=True)
class HiringNeeds:
    as_of: date
    needs: tuple[HiringNeed, ...]
    people_planned: int
    context: SkillContext


def hiring_needs_report(
    store: Store, clock: Clock, *, role_id: str | None = None, actor: str
) -> HiringNeeds:
    """For every active person with a role (or the holders of ``role_id``): their cheapest
    plan without budget; each gap that plan leaves open, or closes only after the date the
    role needs it by, becomes a hiring need of the role (build or buy)."""
    now = clock.now()
    with store.transaction() as ws:
        data = workspace_data(ws)
        as_of = snapshot_date(ws) or now.date()
        model, _ = build_model(data, as_of)
        context = model.context
        judged = judge_items(ws.catalog.list(), context, data.rubric, ws.pathways.list())
        roles = {r.id: r for r in data.roles}
        if role_id is not None and role_id not in roles:
            raise NotFoundError(f"no role {role_id!r} (see `skillgap roles list`)")
        people = [
            p
            for p in data.people
            if p.active and p.role_id in roles and (role_id is None or p.role_id == role_id)
        ]
        held = {
            p.employee_id: held_awards(ws.awards.for_person(p.employee_id), now) for p in people
        }
        found: list[tuple[Person, Role, OpenGap, date | None]] = []
        for person in people:
            role = roles[person.role_id or ""]
            dates = [None, *(h for h in role.horizons if h > as_of)]
            gaps = [model.person_gap(person.employee_id, View.VERIFIED, h) for h in dates]
            result = plan_person(
                PlanRequest(
                    person.employee_id,
                    person_needs(person, role, gaps),
                    offers(judged, held[person.employee_id].awards),
                    Objective.COST,
                    as_of=max(as_of, now.date()),
                    time_limit=PLAN_TIME_LIMIT,
                )
            )
            plan = _as_plan(result, person.employee_id, now, actor)
            for when, gap in zip(dates, gaps, strict=True):
                need_by = when or as_of
                for open_gap in late_gaps(gap, plan, need_by):
                    found.append((person, role, open_gap, when))
        needs = hiring_needs(_first_per_competency(found), context=context)
        entry = AuditEntry(
            at=now,
            actor=actor,
            action="hiring needs",
            subject=f"role:{role_id or '*'}",
            details={"needs": [{"role": n.role.id, "people": list(n.people)} for n in needs]},
        )
    audited(store, entry)
    return HiringNeeds(as_of, tuple(needs), len(people), context)


def _first_per_competency(
    found: Sequence[tuple[Person, Role, OpenGap, date | None]],
) -> list[tuple[Person, Role, OpenGap, date | None]]:
    """A person short of a competency now and at a horizon counts once, at the earliest."""
    seen: set[tuple[str, CompetencyRef]] = set()
    kept = []
    for entry in found:
        key = (entry[0].employee_id, entry[2].competency)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def _as_plan(result: PlanResult, person_id: str, now: datetime, actor: str) -> Plan:
    return Plan(
        id="draft",
        scope=PlanScope.PERSON,
        subject=person_id,
        created_at=now,
        created_by=actor,
        as_of=result.as_of,
        objective=Objective.COST,
        solver=result.solver,
        lines=result.lines,
        open_gaps=result.open_gaps,
    )


# --- pay and recognition rules ---------------------------------------------------------------


def import_policy(store: Store, path: Path, *, replace: bool = True) -> tuple[PolicyRule, ...]:
    """Store the file's rules (one transaction); ``replace``: remove rules it does not hold."""
    rules = read_policy_file(path)
    with store.transaction() as ws:
        keep = {r.id for r in rules}
        for rule in rules:
            ws.policies.put(rule)
        if replace:
            for old in ws.policies.list():
                if old.id not in keep:
                    ws.policies.remove(old.id)
    return rules


def list_policy(store: Store) -> list[PolicyRule]:
    with store.transaction() as ws:
        return ws.policies.list()


@dataclass(frozen=True)
class PolicyCheck:
    as_of: date
    outcomes: tuple[RuleOutcome, ...]
    audit_id: int | None


def check_policy(
    store: Store, clock: Clock, *, rule_id: str | None = None, actor: str
) -> PolicyCheck:
    """Who qualifies under each rule (or one) and why, from counted credentials only.
    Lists, never decides; the run is recorded in the audit log with the rules applied."""
    now = clock.now()
    with store.transaction() as ws:
        rules = ws.policies.list()
        if rule_id is not None:
            rules = [r for r in rules if r.id == rule_id]
            if not rules:
                raise NotFoundError(f"no policy rule {rule_id!r} (see `skillgap policy show`)")
        if not rules:
            raise ValidationError(
                "the workspace has no policy rules: `skillgap policy import FILE`"
            )
        data = workspace_data(ws)
        as_of = snapshot_date(ws) or now.date()
        model, outcomes = build_model(data, as_of)
        credentials = counted_credentials(outcomes, model.context)
        results = evaluate(rules, data.people, data.roles, model.context, credentials, as_of=as_of)
        check = AuditEntry(
            at=now,
            actor=actor,
            action="policy check",
            subject="rules:" + ",".join(r.id for r in rules),
            details={
                "as_of": as_of.isoformat(),
                "rules": [r.id for r in rules],
                "qualified": {
                    o.rule.id: [q.person.employee_id for q in o.qualified] for o in results
                },
            },
        )
    entry = audited(store, check)
    return PolicyCheck(as_of, tuple(results), entry.id)


def audit_log(
    store: Store, *, action: str | None = None, days: int | None = None, limit: int = 50,
    clock: Clock,
) -> list[AuditEntry]:  # fmt: skip
    if days is not None and not 1 <= days <= MAX_AUDIT_DAYS:
        raise ValidationError(f"days must be from 1 to {MAX_AUDIT_DAYS}, not {days}")
    since = clock.now() - timedelta(days=days) if days is not None else None
    with store.transaction() as ws:
        return ws.audit.list(action=action, since=since, limit=limit)


# --- plan vs done -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineStatus:
    line: PlanLine
    done_on: date | None  # when the credential the item ends in was issued
    trackable: bool  # the item ends in a credential skillgap can see

    def state(self, today: date) -> str:
        if self.done_on is not None:
            return "done"
        if not self.trackable:
            return "not trackable"
        return "overdue" if self.line.due < today else "planned"


@dataclass(frozen=True)
class PlanStatus:
    plan: Plan
    today: date
    lines: tuple[LineStatus, ...]

    @property
    def done(self) -> int:
        return sum(1 for s in self.lines if s.done_on is not None)

    @property
    def spent(self) -> float:
        return round(sum(s.line.cost for s in self.lines if s.done_on is not None), 2)

    def projected(self) -> dict[CompetencyRef, date | None]:
        """Per gap the plan closes: when the last line closing it is done (actual) or due
        (projected); None when an overdue line holds it up (no honest projection)."""
        when: dict[CompetencyRef, date | None] = {}
        for s in self.lines:
            for ref in s.line.closes:
                mine = (
                    s.done_on if s.done_on else (s.line.due if s.line.due >= self.today else None)
                )
                old = when.get(ref, self.plan.as_of)
                when[ref] = None if mine is None or old is None else max(old, mine)
        return when


def plan_status(store: Store, clock: Clock, plan_id: str) -> PlanStatus:
    now = clock.now()
    with store.transaction() as ws:
        plan = ws.plans.find(plan_id)
        if plan is None:
            raise NotFoundError(f"no plan {plan_id!r} (see `skillgap plans list`)")
        items = {i.id: i for i in ws.catalog.list()}
        held: dict[str, dict[str, list[tuple[str, datetime]]]] = {}
        statuses = []
        for line in plan.lines:
            if line.person_id not in held:
                awards = held_awards(ws.awards.for_person(line.person_id), now).awards
                held[line.person_id] = {k: list(v) for k, v in awards.items()}
            item = items.get(line.item_id)
            achievement = item.achievement_id if item else None
            found = held[line.person_id].get(achievement or "", [])
            done = min((d for _, d in found), default=None)
            statuses.append(
                LineStatus(line, done.date() if done else None, achievement is not None)
            )
    return PlanStatus(plan, now.date(), tuple(statuses))


def list_plans(store: Store, *, person_id: str | None = None) -> list[Plan]:
    with store.transaction() as ws:
        if person_id is not None:
            return ws.plans.for_subject(PlanScope.PERSON, person_id)
        return ws.plans.list()


def _role(ws: Workspace, role_id: str) -> Role:
    role = ws.roles.find(role_id)
    if role is None:
        raise NotFoundError(f"no role {role_id!r} (see `skillgap roles list`)")
    return role
