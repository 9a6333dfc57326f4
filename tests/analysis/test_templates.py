import pytest

from skillgap.analysis.templates import role_from_occupation
from skillgap.domain import (
    BUILTIN_SCALES,
    KPM_SCALE,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    Occupation,
    OccupationSkill,
    Relation,
)
from skillgap.errors import NotFoundError

FW = Framework(
    "onet",
    "O*NET",
    competencies=(
        Competency("onet", "2.A.1.a", "Reading Comprehension"),
        Competency("onet", "2.A.2.a", "Critical Thinking"),
        Competency("onet", "2.C.3.a", "Computers and Electronics"),
        Competency("onet", "old", "Retired skill", retired=True),
    ),
)


def ref(code: str) -> CompetencyRef:
    return CompetencyRef("onet", code)


def test_rated_skills_map_importance_and_level() -> None:
    occupation = Occupation(
        "onet",
        "15-2051.00",
        "Data Scientists",
        level_scale="onet-lv",
        skills=(
            OccupationSkill(ref("2.A.1.a"), importance=4.12, level=4.62),
            OccupationSkill(ref("2.A.2.a"), importance=3.5, level=7.0),
            OccupationSkill(ref("2.C.3.a"), Relation.OPTIONAL, importance=2.0, level=1.0),
            OccupationSkill(ref("old"), importance=5.0, level=5.0),
        ),
    )
    role = role_from_occupation(occupation, FW, BUILTIN_SCALES, role_id="ds")
    got = [(r.competency.code, r.level, r.importance) for r in role.requirements]
    # LV 4.62 -> canonical 3.3 -> 3; LV 7 -> 5; LV 1 -> 0.71 -> 1; IM >= 4 critical, >= 3
    # important, else useful; the retired competency is left out.
    assert got == [
        ("2.A.1.a", 3, Importance.CRITICAL),
        ("2.A.2.a", 5, Importance.IMPORTANT),
        ("2.C.3.a", 1, Importance.USEFUL),
    ]
    assert role.name == "Data Scientists" and "15-2051.00" in role.description


def test_unrated_skills_use_essential_and_optional() -> None:
    occupation = Occupation(
        "onet",
        "x",
        "Analyst",
        skills=(
            OccupationSkill(ref("2.A.1.a"), Relation.ESSENTIAL),
            OccupationSkill(ref("2.A.2.a"), Relation.OPTIONAL),
        ),
    )
    role = role_from_occupation(occupation, FW, BUILTIN_SCALES, role_id="a", name="Our analyst")
    got = [(r.level, r.importance) for r in role.requirements]
    assert got == [(3, Importance.IMPORTANT), (2, Importance.USEFUL)]
    assert role.name == "Our analyst"
    kpm = role_from_occupation(
        occupation,
        Framework("onet", "O", scale=KPM_SCALE, competencies=FW.competencies),
        BUILTIN_SCALES,
        role_id="k",
    )
    assert [r.level for r in kpm.requirements] == [2, 1]  # Proficiency, Knowledge


def test_an_unknown_rating_scale_is_named() -> None:
    occupation = Occupation("onet", "x", "X", level_scale="stars")
    with pytest.raises(NotFoundError, match="'stars'"):
        role_from_occupation(occupation, FW, BUILTIN_SCALES, role_id="x")
