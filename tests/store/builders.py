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
from skillgap.domain.catalog import CatalogItem, ItemKind, Outcome
from skillgap.domain.governance import AuditEntry, Effect, PolicyRule
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
from skillgap.domain.users import ApiToken, Session, User, UserRole
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


# --------------------------------------------------------------------------- catalog, plans

ITEM = "ci-1"
PATHWAY = "pw-1"
USER = "ann@example.org"
PLUS_TWO = timezone(timedelta(hours=2))
MADE = datetime(2026, 11, 2, 8, 30, 15, 250_000, tzinfo=PLUS_TWO)


def make_item(id: str, *prerequisites: str, **changes: Any) -> CatalogItem:
    """A catalog item with every field set away from its default."""
    item = CatalogItem(
        id=id,
        name=f"Item {id}",
        provider="Acme Academy ä",
        kind=ItemKind.CERTIFICATION,
        internal=True,
        outcomes=(Outcome(SQL, 3), Outcome(PYTHON, 2)),
        hours=12.75,
        cost=1234.5,
        issuer_tier=IssuerTier.ACCREDITED,
        assessment=AssessmentType.PROCTORED_EXAM,
        prerequisites=prerequisites,
        valid_for_days=730,
        achievement_id=ACHIEVEMENT,
        url="https://academy.example/sql",
        description="Two days.\nThen an exam.",
    )
    return replace(item, **changes)


def make_pathway(id: str, item: str = ITEM, **changes: Any) -> Pathway:
    pathway = Pathway(
        id=id,
        name=f"Pathway {id}",
        steps=(
            Step("basics", "Basics", (Unit(UnitKind.ITEM, item), Unit(UnitKind.ACHIEVEMENT, "x"))),
            Step(
                "deep",
                "Going deeper",
                (
                    Unit(UnitKind.ACHIEVEMENT, "https://badges.example/a/1"),
                    Unit(UnitKind.ACHIEVEMENT, "b"),
                    Unit(UnitKind.ACHIEVEMENT, "c"),
                ),
                StepRule.N_OF,
                count=2,
                after=("basics",),
            ),
            Step("one", "Any one", (Unit(UnitKind.ACHIEVEMENT, "d"),), StepRule.ANY),
        ),
        awards=f"org-{id}",
        mode=AwardMode.AUTOMATIC,
        description="Stacks into the organisation's own credential.",
    )
    return replace(pathway, **changes)


def make_pathway_award(id: str, person_id: str = PERSON, **changes: Any) -> PathwayAward:
    award = PathwayAward(
        id=id,
        pathway_id=PATHWAY,
        person_id=person_id,
        achievement_id=f"org-{PATHWAY}",
        completed_at=MADE,
        units=("aw-2", "aw-1"),
        state=AwardState.ISSUED,
        decided_by="hr@example.org",
        decided_at=MADE + timedelta(days=1, microseconds=1),
        issued_id="urn:uuid:1",
        note="Approved.",
    )
    return replace(award, **changes)


def make_plan(id: str, **changes: Any) -> Plan:
    plan = Plan(
        id=id,
        scope=PlanScope.PERSON,
        subject=PERSON,
        created_at=MADE,
        created_by="hr@example.org",
        as_of=date(2026, 11, 1),
        objective=Objective.GAP,
        solver=Solver.GREEDY,
        lines=(
            PlanLine(
                PERSON, "ci-2", (SQL, PYTHON), 1234.5, 100 / 3, date(2026, 11, 2), date(2027, 1, 4)
            ),
            PlanLine(PERSON, ITEM, (), 0.0, 0.0, date(2026, 11, 2), date(2026, 11, 2), "free"),
        ),
        open_gaps=(
            OpenGap(PERSON, SQL, 3.5, None, 3, "no catalog item reaches the level"),
            OpenGap(PERSON, PYTHON, 5.0, 1.6666666666666667, 1, "the budget ran out"),
        ),
        budget=2500.0,
        deadline=date(2027, 6, 30),
        target_role="analyst",
        horizon=date(2028, 1, 1),
        hours_per_week=2.5,
        note="solved in 0.2 s",
    )
    return replace(plan, **changes)


def make_policy(id: str, **changes: Any) -> PolicyRule:
    policy = PolicyRule(
        id=id,
        name=f"Policy {id}",
        effect=Effect.PAY_PREMIUM,
        description="A premium for verified cloud skills.",
        importance=(Importance.CRITICAL, Importance.IMPORTANT),
        meets_level=False,
        include_future=True,
        min_quality=0.75,
        min_assessment=AssessmentType.PROCTORED_EXAM,
        issuer_tiers=(IssuerTier.ACCREDITED, IssuerTier.INDUSTRY_VENDOR),
        competencies=(SQL, PYTHON),
        min_count=2,
        amount=1500.25,
    )
    return replace(policy, **changes)


def make_user(id: str = USER, **changes: Any) -> User:
    user = User(
        id=id,
        name="Ann",
        role=UserRole.EMPLOYEE,
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        created_at=MADE,
        person_id=PERSON,
        active=False,
    )
    return replace(user, **changes)


def make_token(id: str, **changes: Any) -> ApiToken:
    token = ApiToken(
        id=id,
        name=f"Token {id}",
        role=UserRole.HR,
        secret_hash="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        created_at=MADE,
        created_by=USER,
        person_id=PERSON,
        revoked_at=MADE + timedelta(hours=3),
    )
    return replace(token, **changes)


def make_session(id_hash: str, user_id: str = USER, **changes: Any) -> Session:
    session = Session(id_hash, user_id, f"csrf-{id_hash}", MADE, MADE + timedelta(hours=8))
    return replace(session, **changes)


def make_audit(action: str = "policy check", at: datetime = MADE, **changes: Any) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        actor=USER,
        action=action,
        subject=PERSON,
        details={"rules": ["p-1", "p-2"], "qualified": {"E1": True}, "note": "été"},
    )
    return replace(entry, **changes)


def with_item(ws: Workspace) -> None:
    ws.catalog.add(make_item(ITEM))


def with_pathway_and_person(ws: Workspace) -> None:
    add_person(ws)
    with_item(ws)
    ws.pathways.add(make_pathway(PATHWAY))


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
    ws.catalog.add_all([make_item("ci-2", ITEM), make_item(ITEM)])
    ws.pathways.add(make_pathway(PATHWAY))
    ws.pathway_awards.add(make_pathway_award("pa-1"))
    ws.plans.add(make_plan("plan-1"))
    ws.policies.add(make_policy("policy-1"))
    ws.users.add(make_user())
    ws.tokens.add(make_token("tok-1"))
    ws.sessions.add(make_session("s-1"))
    ws.audit.append(make_audit())
    ws.login_failures.record(USER, MADE)


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
    Case("catalog", make_item, by_id),
    Case("pathways", make_pathway, by_id, with_item),
    Case("pathway_awards", make_pathway_award, by_id, with_pathway_and_person),
    Case("plans", make_plan, by_id, add_person),
    Case("policies", make_policy, by_id),
    Case("tokens", make_token, by_id, add_person),
]
every_repository = pytest.mark.parametrize("case", CASES, ids=lambda case: case.repo)
