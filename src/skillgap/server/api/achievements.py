"""Achievements (credential definitions) with their quality, as ``skillgap achievements``:
administrators, HR and reviewers read them, each with its issuer's tier, how it is
assessed, its awards and the rubric's four checks; administrators and reviewers decide how
one is assessed (recorded in the quality change log with their id, as alignment decisions
are). And what the workspace holds, as ``skillgap status`` (administrators and HR; where
the data lives only for administrators, never with a password)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from skillgap import __version__
from skillgap.analysis.rubric import CheckName
from skillgap.domain import AlignmentStatus, AssessmentType, IssuerTier
from skillgap.domain.users import UserRole
from skillgap.reports.quality import achievements_data, history_data
from skillgap.server.api.models import DecisionOut, LogEntryOut, Page, page
from skillgap.server.api.params import Limit, Offset
from skillgap.server.api.quality import decision_data
from skillgap.server.auth import Principal, allow
from skillgap.server.context import AppContext, context
from skillgap.services import achievement_quality as service
from skillgap.services import workspace
from skillgap.services.achievement_quality import AchievementDetail, AchievementRow

router = APIRouter()
Ctx = Annotated[AppContext, Depends(context)]
Readers = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR, UserRole.REVIEWER))]
Deciders = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.REVIEWER))]
Organisation = Annotated[Principal, Depends(allow(UserRole.ADMIN, UserRole.HR))]
AchievementId = Annotated[
    str, Path(min_length=1, max_length=2000, description="the achievement's id (a URL)")
]


# --- bodies ----------------------------------------------------------------------------------


class QualityCheckOut(BaseModel):
    name: CheckName
    score: float = Field(description="0-1, from the rubric")
    weight: float = Field(description="the check's weight in the rubric")
    explanation: str
    vetoes: bool = Field(description="scoring 0 here keeps the credential from counting")


class QualityOut(BaseModel):
    weight: float = Field(description="the weighted sum of the checks' scores, 0-1")
    threshold: float
    passes: bool = Field(description="no check vetoes and the weight reaches the threshold")
    vetoed_by: list[CheckName]
    checks: list[QualityCheckOut]


class AchievementOut(BaseModel):
    id: str
    name: str
    issuer_id: str
    issuer: str = Field(description="the issuer's name")
    issuer_tier: IssuerTier
    assessment: AssessmentType
    awards: int = Field(description="awards of it the workspace holds")
    quality: QualityOut


class ReadsAsOut(BaseModel):
    assessment: AssessmentType
    reason: str = Field(description="what in its text says so")


class AchievementAlignmentOut(BaseModel):
    position: int = Field(description="1 = first, as the review routes number alignments")
    target: str
    target_url: str | None
    competency: str | None = Field(description="FRAMEWORK:CODE")
    competency_name: str | None
    level: int | None
    status: AlignmentStatus
    counts: bool = Field(description="exact or confirmed: it counts as evidence")


class AchievementDetailOut(AchievementOut):
    description: str
    achievement_type: str
    criteria: str | None
    reads_as: ReadsAsOut = Field(
        description="how its own text reads (what an import infers); a reviewer overrides it"
    )
    stackable_into: list[str]
    alignments: list[AchievementAlignmentOut]
    decisions: list[LogEntryOut] = Field(description="reviewers' decisions on it, oldest first")


class AssessmentIn(BaseModel):
    achievement_id: str = Field(min_length=1, max_length=2000)
    assessment: AssessmentType


class AssessedOut(BaseModel):
    decision: DecisionOut
    achievement: AchievementOut = Field(description="its quality once the decision is taken")


class FrameworkInfoOut(BaseModel):
    id: str
    name: str
    version: str
    competencies: int
    scale: str


class StatusOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    version: str = Field(description="skillgap's version")
    backend: str = Field(description="sqlite, postgresql, or memory")
    location: str | None = Field(
        description="administrators only: the SQLite file, or the database URL without its "
        "password and query (null for others)"
    )
    schema_revision: str | None = Field(alias="schema", description="the schema revision")
    organisation: str | None
    snapshot_date: date | None
    counts: dict[str, int]
    frameworks: list[FrameworkInfoOut]
    departments: list[str]
    empty: bool = Field(description="nothing loaded yet")


# --- routes ----------------------------------------------------------------------------------


@router.get("/achievements", response_model=Page[AchievementOut], tags=["quality"])
def list_achievements(
    ctx: Ctx,
    who: Readers,
    issuer: Annotated[
        str | None, Query(min_length=1, max_length=2000, description="only this issuer's (id)")
    ] = None,
    tier: Annotated[IssuerTier | None, Query(description="only issuers of this tier")] = None,
    assessment: Annotated[
        AssessmentType | None, Query(description="only those assessed so")
    ] = None,
    passes: Annotated[
        bool | None, Query(description="only those that pass the rubric (false: that do not)")
    ] = None,
    vetoed_by: Annotated[
        CheckName | None, Query(description="only those this check vetoes")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The achievements with their issuer and tier, assessment, awards and quality (weight,
    threshold, every check), by id, a page at a time (``skillgap achievements list``)."""
    rows = service.list_achievements(
        ctx.store,
        issuer=issuer,
        tier=tier,
        assessment=assessment,
        passes=passes,
        vetoed_by=vetoed_by,
    )
    return page([_row_data(r) for r in rows], limit, offset)


@router.get(
    "/achievements/{achievement_id:path}", response_model=AchievementDetailOut, tags=["quality"]
)
def show_achievement(achievement_id: AchievementId, ctx: Ctx, who: Readers) -> dict[str, Any]:
    """One achievement (``skillgap achievements show``): criteria, how it is assessed and
    how its own text reads, its quality, its alignments numbered from 1 (the positions the
    review routes take) and the decisions taken on it."""
    return _detail_data(service.show_achievement(ctx.store, achievement_id))


@router.post("/achievements/assessment", response_model=AssessedOut, tags=["quality"])
def set_assessment(body: AssessmentIn, ctx: Ctx, who: Deciders) -> dict[str, Any]:
    """Set how an achievement is assessed, overriding what was read from the credential
    (``skillgap achievements set-assessment``); answers the decision and the quality the
    achievement then has."""
    done = service.assess(ctx.store, ctx.clock, body.achievement_id, body.assessment, who.user_id)
    return {"decision": decision_data(done.decision), "achievement": _row_data(done.row)}


@router.get("/status", response_model=StatusOut, tags=["organisation"])
def status(ctx: Ctx, who: Organisation) -> dict[str, Any]:
    """What the workspace holds (``skillgap status``): schema revision, organisation,
    snapshot date, counts, frameworks, departments."""
    info = workspace.workspace_status(ctx.store)
    where = workspace.where_of(info.location)
    return {
        "version": __version__,
        "backend": where.backend,
        "location": where.location if who.role is UserRole.ADMIN else None,
        "schema": info.schema,
        "organisation": info.organisation,
        "snapshot_date": info.snapshot_date,
        "counts": info.counts,
        "frameworks": [vars(fw) for fw in info.frameworks],
        "departments": list(info.departments),
        "empty": info.empty,
    }


def _row_data(row: AchievementRow) -> dict[str, Any]:
    return {**achievements_data([row])[0], "issuer_id": row.issuer.id}


def _detail_data(detail: AchievementDetail) -> dict[str, Any]:
    a = detail.row.achievement
    kind, reason = detail.inferred
    return {
        **_row_data(detail.row),
        "description": a.description,
        "achievement_type": a.achievement_type,
        "criteria": a.criteria or None,
        "reads_as": {"assessment": kind, "reason": reason},
        "stackable_into": list(a.stackable_into),
        "alignments": [
            {
                "position": position,
                "target": al.target_name,
                "target_url": al.target_url,
                "competency": str(al.competency) if al.competency else None,
                "competency_name": comp.name if comp else None,
                "level": al.level,
                "status": al.status,
                "counts": al.status.counts,
            }
            for position, al in enumerate(a.alignments, start=1)
            for comp in [detail.competencies.get(position)]
        ],
        "decisions": history_data(list(detail.history)),
    }
