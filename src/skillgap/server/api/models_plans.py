"""The bodies of the catalog, pathway, plan and talent routes (issue 6) as Pydantic models.
Answers are the data ``skillgap.reports`` gives the CLI's ``--json`` (``reports.catalog``,
``reports.plans``, ``reports.talent``), validated as they are; requests are the options of
``skillgap plan``."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from skillgap.server.api.models import Open

# --- the catalog ---------------------------------------------------------------------------


class OutcomeOut(BaseModel):
    competency: str = Field(description="FRAMEWORK:CODE")
    level: int


class CatalogItemOut(Open):
    id: str
    name: str
    provider: str
    kind: str
    internal: bool
    outcomes: list[OutcomeOut] = Field(description="what the item evidences, and at what level")
    hours: float
    cost: float
    issuer_tier: str
    assessment: str
    prerequisites: list[str]
    valid_for_days: int | None
    achievement_id: str | None = Field(description="the credential it ends in (null: none)")
    url: str | None
    credible: bool = Field(description="its credential would count as proof of the levels")
    quality: dict[str, Any] = Field(description="the rubric's profile of that credential")


class CatalogImportOut(BaseModel):
    added: list[str]
    updated: list[str]
    removed: list[str]
    warnings: list[str]
    credible: int = Field(description="imported items whose credential would count as proof")


# --- pathways ------------------------------------------------------------------------------


class PathwaySummaryOut(BaseModel):
    id: str
    name: str
    mode: str = Field(description="automatic (issued at once) or review (queued)")
    awards: str | None = Field(description="the achievement completing it earns")
    steps: int


class UnitOut(BaseModel):
    unit: str = Field(description="item:ID or achievement:ID")
    name: str


class StepOut(Open):
    id: str
    name: str
    rule: str = Field(description="all, any or n-of")
    needed: int
    after: list[str]
    units: list[UnitOut]


class PathwayOut(Open):
    id: str
    name: str
    description: str
    awards: str | None
    mode: str
    steps: list[StepOut]


class ProgressRowOut(Open):
    person: str
    pathway: str
    steps_complete: int
    steps_total: int
    percent: int
    complete: bool
    next_step: str | None
    next_units: list[str] = Field(description="the cheapest units completing the next step")


class PathwayProgressOut(Open):
    as_of: str
    rows: list[ProgressRowOut]
    steps: list[dict[str, Any]] | None = Field(
        default=None, description="one person on one pathway: step by step, unit by unit"
    )


class DefinedOut(BaseModel):
    id: str
    name: str


class PathwaysImportOut(BaseModel):
    pathways: list[str]
    replaced: list[str]
    defined: list[DefinedOut] = Field(description="credentials defined for the pathways")


class PathwayAwardOut(Open):
    id: str = Field(description="PATHWAY/PERSON")
    pathway: str
    person: str
    achievement: str
    completed_at: str
    units: list[str] = Field(description="the stacked credentials (award ids)")
    state: str = Field(description="pending, issued or rejected")
    decided_by: str | None
    decided_at: str | None
    issued: str | None
    note: str


class AwardRunOut(Open):
    issued: list[PathwayAwardOut] = Field(description="pathway credentials issued at once")
    queued: list[PathwayAwardOut] = Field(description="pathway credentials waiting for review")


class AwardDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=2000, description="why (for the audit log)")


# --- plans ---------------------------------------------------------------------------------


class _PlanOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deadline: date | None = Field(default=None, description="finish by this date")
    now_only: bool = Field(default=False, description="only today's needs, not the horizons")
    hours_per_week: float = Field(default=4.0, ge=0.5, le=60, description="learning time")
    save: bool = Field(default=True, description="save (and audit) the plan")


class PersonPlanIn(_PlanOptions):
    target_role: str | None = Field(default=None, description="plan for this role instead")
    budget: float | None = Field(default=None, ge=0, description="money available")
    optimise: Literal["cost", "time"] = Field(
        default="cost", description="the cheapest plan, or the one taking the fewest hours"
    )


class GroupPlanIn(_PlanOptions):
    scope: Literal["team", "department", "organisation"]
    subject: str = Field(
        default="", max_length=200, description="the team or department (organisation: empty)"
    )
    budget: float = Field(ge=0, description="money to allocate")


class PlanLineOut(Open):
    person: str
    item: str
    closes: list[str] = Field(description="the gaps (competencies) it closes")
    cost: float
    hours: float
    start: str
    due: str
    reason: str


class OpenGapOut(Open):
    person: str
    competency: str
    required: float
    held: float | None
    weight: int
    reason: str = Field(description="why no item closes it (hiring need, budget, deadline)")


class PlanOut(Open):
    id: str = Field(description="P0001...; 'unsaved' for a plan not saved")
    scope: str
    subject: str
    created_at: str
    created_by: str
    as_of: str
    objective: str
    solver: str = Field(description="optimal, or greedy when the exact solver ran out of time")
    budget: float | None
    deadline: str | None
    target_role: str | None
    hours_per_week: float
    cost: float
    hours: float
    note: str
    lines: list[PlanLineOut]
    open_gaps: list[OpenGapOut]


class PersonPlanOut(PlanOut):
    readiness: float = Field(description="verified readiness for the role now, before the plan")
    saved: bool


class PriorityOut(Open):
    competency: str
    people_short: int
    weighted_gap: float
    item: str | None
    people_closed: int
    cost: float
    hours: float
    reason: str


class ReasoningOut(Open):
    person: str
    item: str
    closes: list[str]
    weighted_gap: float
    cost: float
    gap_per_cost: float | None = Field(description="weighted gap per unit of cost (null: free)")
    reason: str


class GroupPlanOut(PlanOut):
    people: int
    weighted_gap_closed: float
    weighted_gap_open: float
    reasoning: list[ReasoningOut] = Field(description="why each item was bought")
    priorities: list[PriorityOut] = Field(description="training priorities, with their cost")
    saved: bool


class TrackingOut(PlanLineOut):
    state: str = Field(description="done, planned, overdue or not trackable")
    done_on: str | None


class PlanStatusOut(PlanOut):
    today: str
    done: int
    spent: float
    tracking: list[TrackingOut]
    gaps_close: dict[str, str | None] = Field(
        description="per gap: the date it closes (actual or projected; null: held up)"
    )


# --- talent decisions ----------------------------------------------------------------------


class LackOut(Open):
    competency: str
    required: float
    held: float | None
    importance: str


class CandidatePlanOut(Open):
    items: list[str]
    cost: float
    hours: float
    open: list[str] = Field(description="gaps no catalog item closes")
    solver: str


class CandidateOut(Open):
    rank: int
    person: str
    name: str
    department: str | None
    readiness: float
    weighted_gap: float
    met: int
    partial: int
    missing: int
    lacks: list[LackOut]
    plan: CandidatePlanOut | None


class CandidatesOut(Open):
    role: str
    as_of: str
    view: str
    in_scope: int
    candidates: list[CandidateOut]


class HiringNeedOut(Open):
    role: str
    need_by: str | None
    people_short: int
    requirements: list[dict[str, Any]]
    posting: str = Field(description="the skills section of a job posting")


class HiringOut(Open):
    as_of: str
    people_planned: int
    needs: list[HiringNeedOut]


class PolicyOut(BaseModel):
    rules: list[dict[str, Any]] = Field(description="as the policy YAML file holds them")


class RuleOutcomeOut(Open):
    rule: str
    effect: str
    amount: float | None
    qualified: list[dict[str, Any]] = Field(description="who qualifies, with the reasons")
    near_misses: list[dict[str, Any]]
    near_misses_left_off: int


class PolicyCheckOut(Open):
    as_of: str
    audit_entry: int | None
    rules: list[RuleOutcomeOut]


class AuditEntryOut(BaseModel):
    id: int | None
    at: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
