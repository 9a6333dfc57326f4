"""Small builders for analysis tests: a two-group framework, a role, observations."""

from __future__ import annotations

from datetime import UTC, date, datetime

from skillgap.analysis.context import SkillContext
from skillgap.domain import (
    KPM_SCALE,
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    Issuer,
    IssuerTier,
    Observation,
    Person,
    Requirement,
    Role,
    SourceKind,
)

SQL = CompetencyRef("fw", "sql")
VIZ = CompetencyRef("fw", "viz")
TALK = CompetencyRef("fw", "talk")

FRAMEWORK = Framework(
    "fw",
    "Test framework",
    groups=(CapabilityGroup("data", "Data"), CapabilityGroup("soft", "Soft")),
    competencies=(
        Competency("fw", "sql", "SQL", group="data"),
        Competency("fw", "viz", "Visualisation", group="data"),
        Competency("fw", "talk", "Communication", group="soft"),
    ),
)
CONTEXT = SkillContext.of([FRAMEWORK], [KPM_SCALE])
ROLE = Role(
    "analyst",
    "Analyst",
    requirements=(
        Requirement(SQL, 3, Importance.CRITICAL),
        Requirement(VIZ, 2, Importance.IMPORTANT),
        Requirement(TALK, 4, Importance.USEFUL),
        Requirement(VIZ, 4, Importance.IMPORTANT, horizon=date(2027, 12, 31)),
    ),
)
ANA = Person("E1", "Ana", department="Data", role_id="analyst")
BEN = Person("E2", "Ben", department="Ops", role_id="analyst")
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def obs(
    person: str,
    ref: CompetencyRef,
    level: int,
    source: SourceKind,
    *,
    on: date = date(2026, 1, 1),
    scale: str = "skillgap-0-5",
    oid: str | None = None,
) -> Observation:
    return Observation(
        id=oid or f"{person}-{ref.code}-{source.value}-{level}-{on.isoformat()}",
        person_id=person,
        competency=ref,
        level=level,
        scale_id=scale,
        source=source,
        observed_on=on,
        award_id="award" if source is SourceKind.CREDENTIAL else None,
    )


ISSUERS = {
    "vendor": Issuer("vendor", "Vendor", tier=IssuerTier.INDUSTRY_VENDOR),
    "mill": Issuer("mill", "Badge Mill", tier=IssuerTier.UNKNOWN),
}


def achievement(
    aid: str = "ach",
    *,
    issuer: str = "vendor",
    assessment: AssessmentType = AssessmentType.PRACTICAL_EXAM,
    alignments: tuple[Alignment, ...] = (Alignment("SQL", SQL, 3),),
) -> Achievement:
    return Achievement(
        aid, f"Achievement {aid}", issuer, assessment=assessment, alignments=alignments
    )


def award(
    aid: str = "a1",
    achievement_id: str = "ach",
    person: str | None = "E1",
    *,
    issued: datetime = datetime(2025, 1, 1, tzinfo=UTC),
    expires: datetime | None = None,
) -> Award:
    return Award(aid, achievement_id, "ana@x.org", issued, person_id=person, expires_on=expires)


__all__ = ["AlignmentStatus"]
