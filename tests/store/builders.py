"""Builders shared by the storage tests: small valid aggregates and workspace set-ups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    CapabilityGroup,
    Check,
    CheckStatus,
    Competency,
    CompetencyRef,
    Evidence,
    ExpiryPolicy,
    Framework,
    Importance,
    Issuer,
    IssuerTier,
    Level,
    Observation,
    Person,
    ProficiencyScale,
    Requirement,
    Role,
    SkillKind,
    SourceKind,
    VerificationReport,
    VerificationStatus,
)
from skillgap.store import Workspace

# --------------------------------------------------------------------------- helpers

FW = "fw"
PYTHON = CompetencyRef(FW, "python")
SQL = CompetencyRef(FW, "sql")
ISSUER = "issuer-1"
ACHIEVEMENT = "ach-1"
PERSON = "E1"
PERSON_EMAIL = "ann@example.org"

SCALE = ProficiencyScale(
    id="three-step",
    name="Three steps",
    description="A small test scale.",
    levels=(
        Level(1, "Basic", 1.0, "Knows the basics."),
        Level(2, "Able", 3.0, "Works alone."),
        Level(3, "Expert", 5.0, "Teaches others."),
    ),
)
#: Same id as SCALE, different levels.
SCALE_REDEFINED = replace(SCALE, levels=(Level(1, "Basic", 1.0), Level(2, "Expert", 4.5)))


def make_scale(id: str) -> ProficiencyScale:
    return ProficiencyScale(id, f"Scale {id}", (Level(0, "None", 0.0), Level(1, "Some", 2.5)))


def make_framework(id: str = FW, scale: ProficiencyScale = SCALE) -> Framework:
    return Framework(
        id=id,
        name=f"Framework {id}",
        version="2.1",
        description="Skills for testing.",
        source="test",
        scale=scale,
        groups=(CapabilityGroup("data", "Data"), CapabilityGroup("db", "Databases", parent="data")),
        competencies=(
            Competency(id, "python", "Python", group="data", alt_labels=("py", "Python 3")),
            Competency(id, "sql", "SQL", group="db", uri="https://example.org/sql"),
            Competency(id, "talk", "Talking", kind=SkillKind.SOFT),
        ),
    )


def make_role(id: str, *needs: CompetencyRef) -> Role:
    return Role(
        id=id,
        name=f"Role {id}",
        family="Engineering",
        requirements=tuple(Requirement(ref, 2, Importance.CRITICAL) for ref in needs or (PYTHON,)),
    )


def email_for(id: str) -> str:
    return f"{id.encode().hex()}@example.org"  # unique per id, already normalised


def make_person(id: str, *emails: str) -> Person:
    return Person(
        employee_id=id,
        name=f"Person {id}",
        emails=emails,
        department="Data",
        hire_date=date(2020, 2, 29),
        attributes={"location": "Rotterdam"},
    )


def make_issuer(id: str) -> Issuer:
    return Issuer(id, f"Issuer {id}", url="https://issuer.example", tier=IssuerTier.ACCREDITED)


def make_achievement(
    id: str, issuer_id: str = ISSUER, competency: CompetencyRef = PYTHON
) -> Achievement:
    return Achievement(
        id=id,
        name=f"Achievement {id}",
        issuer_id=issuer_id,
        assessment=AssessmentType.PROCTORED_EXAM,
        alignments=(
            Alignment("Python", competency, level=2),
            Alignment("Something else", None, status=AlignmentStatus.UNMAPPED),
        ),
        expiry=ExpiryPolicy(365),
    )


def make_award(id: str, achievement_id: str = ACHIEVEMENT, person_id: str | None = PERSON) -> Award:
    issued = datetime(2024, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    return Award(
        id=id,
        achievement_id=achievement_id,
        recipient=PERSON_EMAIL,
        issued_on=issued,
        person_id=person_id,
        expires_on=issued + timedelta(days=365),
        evidence=(Evidence("project", "https://example.org/p", "Built it."),),
        verification=VerificationReport(
            VerificationStatus.VALID,
            datetime(2024, 6, 1, tzinfo=UTC),
            "ob3",
            (Check("signature", CheckStatus.PASS, "ok"),),
        ),
        source="awards.csv row 2",
    )


def make_observation(id: str, person_id: str = PERSON, **changes: Any) -> Observation:
    observation = Observation(
        id=id,
        person_id=person_id,
        competency=PYTHON,
        level=2,
        scale_id=SCALE.id,
        source=SourceKind.MANAGER,
        observed_on=date(2025, 1, 15),
        confidence=0.6,
        provenance="claims.csv row 3",
    )
    return replace(observation, **changes)


def add_framework(ws: Workspace) -> None:
    ws.frameworks.add(make_framework())


def add_person(ws: Workspace) -> None:
    ws.people.add(make_person(PERSON, PERSON_EMAIL))


def add_achievement(ws: Workspace) -> None:
    add_framework(ws)
    ws.issuers.add(make_issuer(ISSUER))
    ws.achievements.add(make_achievement(ACHIEVEMENT))


def add_everything(ws: Workspace) -> None:
    """One item of every kind (and a meta pair), all references resolving."""
    add_achievement(ws)
    add_person(ws)
    ws.scales.add(make_scale("extra"))
    ws.roles.add(make_role("analyst", PYTHON, SQL))
    ws.awards.add(make_award("aw-1"))
    ws.observations.add(
        make_observation("ob-1", source=SourceKind.CREDENTIAL, award_id="aw-1", confidence=1.0)
    )
    ws.meta.set("organisation", "Test Org")


def counts(ws: Workspace) -> dict[str, int]:
    return {case.repo: case.repository(ws).count() for case in CASES}


def backend(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["store"])


class Boom(Exception):
    pass


def nothing(ws: Workspace) -> None:
    pass


def with_issuer(ws: Workspace) -> None:
    add_framework(ws)
    ws.issuers.add(make_issuer(ISSUER))


def with_person(ws: Workspace) -> None:
    add_framework(ws)
    add_person(ws)


def with_achievement_and_person(ws: Workspace) -> None:
    add_achievement(ws)
    add_person(ws)


@dataclass(frozen=True)
class Case:
    """One repository: how to make an item with a given id, and what it needs stored first."""

    repo: str
    make: Callable[[str], Any]
    key: Callable[[Any], str]
    prepare: Callable[[Workspace], None] = nothing

    def repository(self, ws: Workspace) -> Any:
        return getattr(ws, self.repo)


def by_id(item: Any) -> str:
    return str(item.id)


CASES = [
    Case("scales", make_scale, by_id),
    Case("frameworks", make_framework, by_id),
    Case("roles", make_role, by_id, add_framework),
    Case("people", lambda id: make_person(id, email_for(id)), lambda p: p.employee_id),
    Case("issuers", make_issuer, by_id),
    Case("achievements", make_achievement, by_id, with_issuer),
    Case("awards", make_award, by_id, with_achievement_and_person),
    Case("observations", make_observation, by_id, with_person),
]
every_repository = pytest.mark.parametrize("case", CASES, ids=lambda case: case.repo)
