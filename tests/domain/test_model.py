from datetime import UTC, date, datetime

import pytest

from skillgap.domain import (
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    Observation,
    Person,
    Requirement,
    Role,
    SourceKind,
)
from skillgap.domain.people import check_manager_tree
from skillgap.errors import NotFoundError, ValidationError

SQL = CompetencyRef("fw", "sql")
AI = CompetencyRef("fw", "ai")


def framework(**kw: object) -> Framework:
    groups = (CapabilityGroup("data", "Data"), CapabilityGroup("db", "Databases", parent="data"))
    comps = (Competency("fw", "sql", "SQL", group="db"), Competency("fw", "ai", "AI"))
    args: dict[str, object] = {"groups": groups, "competencies": comps, **kw}
    return Framework("fw", "Framework", **args)  # type: ignore[arg-type]


def test_competency_ref_parse_and_print() -> None:
    assert CompetencyRef.parse("fw:sql") == SQL
    assert str(SQL) == "fw:sql"
    assert CompetencyRef.parse("sql", default_framework="fw") == SQL
    with pytest.raises(ValidationError, match="not a competency reference"):
        CompetencyRef.parse("sql")


def test_framework_rolls_competencies_up_to_the_top_group() -> None:
    fw = framework()
    top = fw.top_group("sql")
    assert top is not None and top.code == "data"
    assert fw.top_group("ai") is None
    with pytest.raises(NotFoundError, match="'nope' is not in framework 'fw'"):
        fw.competency("nope")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"competencies": (Competency("fw", "a", "A"), Competency("fw", "a", "B"))}, "twice"),
        ({"competencies": (Competency("other", "a", "A"),)}, "sits in 'fw'"),
        ({"competencies": (Competency("fw", "a", "A", group="zz"),)}, "unknown group"),
        ({"groups": (CapabilityGroup("a", "A", parent="zz"),)}, "unknown parent"),
        (
            {"groups": (CapabilityGroup("a", "A", parent="b"), CapabilityGroup("b", "B", "", "a"))},
            "cycle",
        ),
    ],
)
def test_framework_rules(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        framework(**kw)


def test_role_profile_at_a_horizon_raises_and_adds_requirements() -> None:
    later = date(2027, 12, 31)
    role = Role(
        "analyst",
        "Analyst",
        requirements=(
            Requirement(SQL, 3, Importance.CRITICAL),
            Requirement(SQL, 4, Importance.CRITICAL, horizon=later),
            Requirement(AI, 2, Importance.USEFUL, horizon=later),
        ),
    )
    assert role.horizons == (later,)
    assert [(r.competency, r.level) for r in role.requirements_at(None)] == [(SQL, 3)]
    assert [(r.competency, r.level) for r in role.requirements_at(date(2027, 1, 1))] == [(SQL, 3)]
    assert [(r.competency, r.level) for r in role.requirements_at(later)] == [(AI, 2), (SQL, 4)]


def test_role_refuses_a_competency_twice_at_one_horizon() -> None:
    with pytest.raises(ValidationError, match="requires fw:sql twice for horizon now"):
        Role("r", "R", requirements=(Requirement(SQL, 3), Requirement(SQL, 2)))


def test_importance_weights() -> None:
    assert [i.weight for i in Importance] == [3, 2, 1]


def test_person_rules() -> None:
    with pytest.raises(ValidationError, match="cannot manage themselves"):
        Person("E1", "A", manager_id="E1")
    with pytest.raises(ValidationError, match="not a normalised e-mail"):
        Person("E1", "A", emails=("A@X.org",))


def test_manager_tree_cycles_and_unknown_managers() -> None:
    people = [
        Person("E1", "A", manager_id="E3"),
        Person("E2", "B", manager_id="E1"),
        Person("E3", "C", manager_id="E2"),
    ]
    with pytest.raises(ValidationError, match="cycle: E1 -> E3 -> E2 -> E1"):
        check_manager_tree(people)
    with pytest.raises(ValidationError, match="manager 'E9', who is not among the people"):
        check_manager_tree([Person("E1", "A", manager_id="E9")])
    check_manager_tree([Person("E1", "A"), Person("E2", "B", manager_id="E1")])


def test_award_dates() -> None:
    issued = datetime(2025, 1, 1, tzinfo=UTC)
    award = Award("a", "x", "r@x.org", issued, expires_on=datetime(2026, 1, 1, tzinfo=UTC))
    assert award.expired_at(datetime(2026, 1, 1, tzinfo=UTC))
    assert not award.expired_at(datetime(2025, 12, 31, tzinfo=UTC))
    with pytest.raises(ValidationError, match="time zone"):
        Award("a", "x", "r", datetime(2025, 1, 1))
    with pytest.raises(ValidationError, match="expires before"):
        Award("a", "x", "r", issued, expires_on=datetime(2024, 1, 1, tzinfo=UTC))


def test_assessment_ranks_put_performance_above_quizzes() -> None:
    ranks = [a.rank for a in AssessmentType]
    assert ranks == sorted(ranks, reverse=True)
    assert AssessmentType.PERFORMANCE.rank > AssessmentType.PROCTORED_EXAM.rank
    assert AssessmentType.PROCTORED_EXAM.rank > AssessmentType.QUIZ.rank


def test_alignment_that_counts_needs_a_competency() -> None:
    with pytest.raises(ValidationError, match="names no competency"):
        Alignment("Something", status=AlignmentStatus.EXACT)
    assert not AlignmentStatus.SUGGESTED.counts
    Alignment("Something", status=AlignmentStatus.UNMAPPED)


def test_observation_rules() -> None:
    def obs(**kw: object) -> Observation:
        args: dict[str, object] = {
            "id": "o",
            "person_id": "E1",
            "competency": SQL,
            "level": 3,
            "scale_id": "s",
            "source": SourceKind.SELF,
            "observed_on": date(2026, 1, 1),
            **kw,
        }
        return Observation(**args)  # type: ignore[arg-type]

    with pytest.raises(ValidationError, match="confidence"):
        obs(confidence=1.5)
    with pytest.raises(ValidationError, match="needs its award"):
        obs(source=SourceKind.CREDENTIAL)
    assert SourceKind.CREDENTIAL.verified and not SourceKind.SELF.verified
