"""The API's bodies as Pydantic models, so the OpenAPI document says what each route takes
and returns. Report data (``reports/*_data``) is validated into them as it is; models that
describe a report's rows allow the report's further fields through (``Open``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from skillgap.domain.credentials import IssuerTier
from skillgap.domain.users import UserRole

T = TypeVar("T")


class Open(BaseModel):
    """A report's object: the fields listed here, and any the report adds."""

    model_config = ConfigDict(extra="allow")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` from ``offset``; ``next_offset`` is null on the last."""

    items: list[T]
    total: int = Field(description="items in the whole list (after filters)")
    limit: int
    offset: int
    next_offset: int | None


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """The page of ``items`` (the whole filtered list) at ``offset``."""
    shown = items[offset : offset + limit]
    more = offset + limit < len(items)
    return {
        "items": shown,
        "total": len(items),
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


# --- who is asking -------------------------------------------------------------------------


class Me(BaseModel):
    user_id: str = Field(description="the user's e-mail, or token:<id> for an API token")
    name: str
    role: UserRole
    person_id: str | None
    via: Literal["session", "token"]
    csrf_token: str | None = Field(
        description="for a session: send it as X-CSRF-Token on every POST/DELETE"
    )


# --- frameworks, competencies, roles -------------------------------------------------------


class FrameworkSummary(BaseModel):
    id: str
    name: str
    version: str
    source: str
    scale: str
    competencies: int = Field(description="competencies in use (not retired)")
    retired: int
    groups: int
    occupations: int


class CapabilityGroupOut(BaseModel):
    code: str
    name: str
    description: str
    parent: str | None


class FrameworkDetail(FrameworkSummary):
    description: str
    uri: str | None
    scale_levels: list[ScaleLevel]
    capability_groups: list[CapabilityGroupOut]


class ScaleLevel(BaseModel):
    value: int
    label: str
    canonical: float


class CompetencyOut(BaseModel):
    ref: str = Field(description="FRAMEWORK:CODE, as every other route names it")
    framework: str
    code: str
    name: str
    description: str
    group: str | None
    kind: str
    uri: str | None
    alt_labels: list[str]
    retired: bool


class SearchHitOut(BaseModel):
    competency: CompetencyOut
    score: float = Field(description="0-100 (100.5: the label is exactly the query)")
    matched: str


class RoleSummaryOut(BaseModel):
    id: str
    name: str
    family: str
    requirements_now: int
    horizons: list[str]
    holders: int


class RequirementOut(BaseModel):
    level: int
    label: str
    canonical: float = Field(description="the level on skillgap's canonical 0-5 scale")
    importance: str
    since: str | None


class RoleRequirementRow(BaseModel):
    competency: str
    name: str
    now: RequirementOut | None
    at_horizons: list[RequirementOut | None] = Field(
        description="the requirement in force at each of the role's horizons (null: none)"
    )


class RoleDetail(BaseModel):
    id: str
    name: str
    family: str
    description: str
    holders: int
    horizons: list[str]
    requirements: list[RoleRequirementRow]


# --- people --------------------------------------------------------------------------------


class PersonOut(BaseModel):
    employee_id: str
    name: str
    emails: list[str]
    department: str | None
    team: str | None
    role: str | None
    manager_id: str | None
    active: bool


class PersonRef(BaseModel):
    employee_id: str
    name: str


class PersonDetail(PersonOut):
    role_name: str | None
    hire_date: str | None
    managers: list[PersonRef] = Field(description="the manager chain, nearest first")
    reports: list[PersonRef] = Field(description="direct reports")
    awards: int
    ratings: int


# --- users and tokens ----------------------------------------------------------------------


class UserOut(BaseModel):
    id: str = Field(description="the login: a normalised e-mail address")
    name: str
    role: UserRole
    person_id: str | None
    active: bool
    created_at: datetime


class NewUser(BaseModel):
    email: str
    role: UserRole
    password: str = Field(min_length=1, description="at least 12 characters")
    name: str | None = None
    person_id: str | None = None


class RoleChange(BaseModel):
    role: UserRole
    person_id: str | None = None


class PasswordChange(BaseModel):
    password: str = Field(min_length=1)


class Deactivated(BaseModel):
    user: UserOut
    sessions_ended: int


class TokenOut(BaseModel):
    id: str
    name: str
    role: UserRole
    person_id: str | None
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    active: bool


class NewTokenIn(BaseModel):
    name: str
    role: UserRole
    person_id: str | None = None


class NewTokenOut(BaseModel):
    token: TokenOut
    secret: str = Field(description="sg_<id>_<secret>: shown this once, never again")


# --- quality -------------------------------------------------------------------------------


class AlignmentDecisionIn(BaseModel):
    achievement_id: str
    position: int = Field(ge=1, description="1 = the achievement's first alignment")
    level: int | None = Field(default=None, description="confirm only: the level it evidences")


class ChangeOut(BaseModel):
    field: str
    old: Any
    new: Any


class DecisionOut(BaseModel):
    subject: str
    changed: bool
    by: str | None
    at: datetime | None
    changes: list[ChangeOut]
    note: str


class IssuerOut(BaseModel):
    id: str
    name: str
    url: str | None
    tier: IssuerTier
    score: float = Field(description="the tier's score under the rubric")
    trusted: bool = Field(description="whether its credentials can count (score above 0)")
    achievements: int
    awards: int


class IssuerTierIn(BaseModel):
    issuer_id: str = Field(min_length=1, max_length=2000)
    tier: IssuerTier


class ReviewItemOut(BaseModel):
    achievement_id: str
    achievement: str
    position: int
    target: str
    target_url: str | None
    competency: str | None
    competency_name: str | None
    level: int | None
    score: float | None
    awards: int


class RubricOut(Open):
    custom: bool = Field(description="the workspace set its own (else the documented defaults)")
    rubric: dict[str, Any]
    changed_from_defaults: list[ChangeOut]


class RubricUpdateOut(BaseModel):
    changed: bool = Field(description="false: the file holds the rubric already in use")
    changes: list[ChangeOut]
    rubric: RubricOut


class LogEntryOut(BaseModel):
    at: datetime
    by: str
    action: str = Field(description="rubric, alignment, issuer-tier, assessment ...")
    subject: str
    changes: list[ChangeOut]
    source: str | None


FrameworkDetail.model_rebuild()
