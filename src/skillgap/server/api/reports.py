"""Models of the analysis reports the API returns: one person's gaps and explanations,
group gaps, priorities, bench strength, snapshots and progress, credentials and their
verification reports. Their data comes from ``skillgap.reports`` (the CLI's ``--json``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from skillgap.server.api.models import Open

# --- one person ----------------------------------------------------------------------------


class PersonBrief(Open):
    employee_id: str
    name: str
    department: str | None
    team: str | None
    role: str | None
    active: bool


class RequirementGapOut(Open):
    competency: str
    name: str
    capability: str
    importance: str
    required_level: int
    required_label: str
    required: float = Field(description="canonical 0-5")
    since: str | None
    held: float | None = Field(description="canonical 0-5 (null: nothing held)")
    source: str | None = Field(description="credential, manager, self or inferred")
    gap: float
    status: str = Field(description="met, partial or missing")
    claimed_only: bool


class ProfileGapsOut(Open):
    date: str
    readiness: float = Field(description="importance-weighted, 0-100")
    requirements: list[RequirementGapOut]
    claimed_not_verified: list[dict[str, Any]]


class PersonGapsOut(Open):
    person: PersonBrief
    role: dict[str, Any]
    as_of: str
    view: str
    horizon: str | None
    readiness_now: float
    readiness_at_horizon: float | None
    now: ProfileGapsOut
    at_horizon: ProfileGapsOut | None
    later_horizons: list[str]


class ExplanationOut(Open):
    person: PersonBrief
    as_of: str
    competency: dict[str, Any]
    credentials: list[dict[str, Any]] = Field(
        description="every credential of the competency: whether it counts, and why not"
    )
    ratings: list[dict[str, Any]]
    levels: dict[str, Any] = Field(description="the level in each view, with its rule")
    role: dict[str, Any] | None
    requirements: list[dict[str, Any]]


# --- groups --------------------------------------------------------------------------------


class FrameOut(Open):
    scope: dict[str, Any] = Field(description="kind (role, team, department, organisation)")
    organisation: str
    as_of: str
    view: str
    min_group_size: int
    admin: bool = Field(description="true: nothing was suppressed (administrators)")
    people: int
    suppressed: str | None = Field(
        description="small-group when the whole scope is too small to show"
    )


class ScopeGapsOut(FrameOut):
    at: str
    horizons: list[str]
    readiness: dict[str, Any]
    competencies: list[dict[str, Any]] = Field(
        description="per competency; a suppressed row has null figures and its reason"
    )
    capabilities: list[dict[str, Any]]
    breakdown: dict[str, Any] | None
    future_gaps: list[dict[str, Any]] | None
    single_points_of_failure: list[dict[str, Any]] | None


class PrioritiesOut(FrameOut):
    horizon: str
    half_life_days: float
    needs: int
    priorities: list[dict[str, Any]] = Field(description="ranked, each with its components")
    hidden: list[dict[str, Any]]


class BenchOut(FrameOut):
    bench: list[dict[str, Any]]


class SnapshotOut(Open):
    id: str
    as_of: str
    taken_at: str
    reason: str
    people: int
    people_assessed: int
    readiness: dict[str, Any]
    readiness_at_next_horizon: dict[str, Any]
    open_gaps: dict[str, Any]


class ProgressOut(Open):
    since: str | None
    department: str | None
    view: str
    series: list[dict[str, Any]]
    periods: list[dict[str, Any]]
    overall: dict[str, Any] | None


class PersonPeriodOut(Open):
    from_: str = Field(alias="from", description="the snapshot the period starts at")
    to: str
    from_as_of: str
    to_as_of: str
    reason: str = Field(description="why the later snapshot was taken")
    readiness: dict[str, float] | None = Field(
        description="before, after and change, in points; null when it did not move"
    )
    gaps_closed: list[dict[str, Any]]
    gaps_opened: list[dict[str, Any]]


class PersonProgressOut(Open):
    person: str
    name: str
    since: str | None
    view: str
    periods: list[PersonPeriodOut] = Field(
        description="each period between consecutive snapshots in which something changed"
    )


# --- credentials ---------------------------------------------------------------------------


class CheckOut(Open):
    name: str
    status: str = Field(description="pass, fail or skip")
    message: str


class CredentialOut(Open):
    id: str
    achievement_id: str
    achievement: str
    issuer_id: str
    issuer: str
    recipient: str | None
    person_id: str | None
    issued_on: str
    expires_on: str | None
    format: str | None
    status: str = Field(description="the verification status, or unverified")
    source: str | None


class AlignmentOut(Open):
    target: str
    target_url: str | None
    competency: str | None
    competency_name: str | None
    level: int | None
    status: str


class CredentialDetail(CredentialOut):
    issuer_tier: str
    person_name: str | None
    criteria: str | None
    alignments: list[AlignmentOut]
    checked_at: str | None
    checks: list[CheckOut]


class VerifiedOut(Open):
    """One input's verification report (``skillgap verify --json``)."""

    name: str
    format: str
    status: str
    recipient: str | None
    achievement: str | None
    checks: list[CheckOut]
    credentials: list[dict[str, Any]] = Field(
        default_factory=list, description="the credentials inside a CLR, reported the same way"
    )


class ImportedOut(Open):
    id: str
    achievement: str
    person_id: str | None
    added: bool = Field(description="false: a credential held before, verified again")
    match: str = Field(description="how the recipient was matched, or why not")
    status: str
    checks: list[CheckOut]


class RejectedOut(Open):
    name: str
    reason: str


class ImportOut(Open):
    awards: list[ImportedOut]
    by_status: dict[str, int]
    rejected: list[RejectedOut]
    new_issuers: list[str]
    new_achievements: list[str]
    suggested_alignments: int
    notes: list[str]
