"""Build or buy (analysis/hiring.py): open gaps grouped into hiring needs per role, the
skills section of a posting, and the gaps a plan closes too late."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from skillgap.analysis.context import SkillContext
from skillgap.analysis.gaps import PersonGap, RequirementGap
from skillgap.analysis.hiring import hiring_needs, late_gaps, level_words, posting_text
from skillgap.analysis.inventory import View
from skillgap.domain import (
    DEFAULT_SCALE,
    KPM_SCALE,
    SEVEN_LEVEL_SCALE,
    Competency,
    CompetencyRef,
    Framework,
    Importance,
    Person,
    Requirement,
    Role,
)
from skillgap.domain.plans import Objective, OpenGap, Plan, PlanLine, PlanScope, Solver
from skillgap.errors import ValidationError
from tests.analysis.builders import ANA, BEN, CONTEXT, ROLE, SQL, TALK, VIZ

LATER = date(2027, 6, 1)
SOON = date(2027, 1, 1)
CARL = Person("E3", "Carl", role_id="engineer")
ENGINEER = Role("engineer", "Engineer", requirements=(Requirement(SQL, 4, Importance.CRITICAL),))


def gap(person: Person, ref: CompetencyRef, required: float, weight: int, reason: str) -> OpenGap:
    return OpenGap(person.employee_id, ref, required, None, weight, reason)


def test_open_gaps_become_one_need_per_role() -> None:
    found = hiring_needs(
        [
            (ANA, ROLE, gap(ANA, SQL, 3.0, 3, "no catalog item reaches level 3"), LATER),
            (BEN, ROLE, gap(BEN, SQL, 3.0, 3, "the budget ran out"), SOON),
            (BEN, ROLE, gap(BEN, VIZ, 4.0, 2, "no catalog item reaches level 3"), LATER),
            (ANA, ROLE, gap(ANA, VIZ, 2.0, 2, "the budget ran out"), None),
            (ANA, ROLE, gap(ANA, TALK, 4.0, 1, "the budget ran out"), LATER),
            (CARL, ENGINEER, gap(CARL, SQL, 4.0, 3, "the deadline ran out"), SOON),
        ],
        context=CONTEXT,
    )
    assert [(n.role.id, n.people, n.need_by) for n in found] == [
        ("analyst", ("E1", "E2"), None),  # needed now: before any date
        ("engineer", ("E3",), SOON),
    ]
    rows = [
        (r.name, r.level, r.importance, r.people_short, r.need_by) for r in found[0].requirements
    ]
    assert rows == [
        ("SQL", 3.0, Importance.CRITICAL, 2, SOON),
        ("Visualisation", 4.0, Importance.IMPORTANT, 2, None),  # the highest level asked
        ("Communication", 4.0, Importance.USEFUL, 1, LATER),
    ]
    assert found[0].requirements[1].reasons == (
        "no catalog item reaches level 3",
        "the budget ran out",
    )
    assert found[0].requirements[0].reasons == (
        "no catalog item reaches level 3",
        "the budget ran out",
    )
    (sql,) = found[1].requirements
    assert sql.level_words == "Advanced — handles complex, novel cases; guides others"


def test_reasons_most_frequent_first_and_names() -> None:
    gaps = [(p, ROLE, gap(p, SQL, 3.0, 3, why), None) for p, why in
            [(ANA, "b: budget"), (BEN, "a: no item"), (CARL, "b: budget")]]  # fmt: skip
    (need,) = hiring_needs(gaps, names={SQL: "Structured Query Language"})
    (row,) = need.requirements
    assert row.reasons == ("b: budget", "a: no item") and row.people_short == 3
    assert row.name == "Structured Query Language"
    (bare,) = hiring_needs(gaps)  # no context: the code, and the canonical scale's words
    assert bare.requirements[0].name == "sql"
    assert bare.requirements[0].level_words.startswith("Proficient — applies the skill")


def test_posting_text_has_three_parts_and_names_no_one() -> None:
    (need,) = hiring_needs(
        [
            (ANA, ROLE, gap(ANA, TALK, 4.0, 1, "x"), None),
            (ANA, ROLE, gap(ANA, SQL, 3.0, 3, "x"), None),
            (BEN, ROLE, gap(BEN, VIZ, 2.0, 2, "x"), None),
        ],
        context=CONTEXT,
    )
    assert posting_text(need) == (
        "Skills: Analyst\n"
        "\n"
        "Must have\n"
        "- SQL: Proficient — applies the skill independently in routine work\n"
        "\n"
        "Important\n"
        "- Visualisation: Knowledge — understands the concepts; applies them with guidance\n"
        "\n"
        "Nice to have\n"
        "- Communication: Advanced — handles complex, novel cases; guides others\n"
    )
    (only,) = hiring_needs([(ANA, ROLE, gap(ANA, SQL, 3.0, 3, "x"), None)], context=CONTEXT)
    assert "Important" not in posting_text(only) and "Nice to have" not in posting_text(only)


def test_levels_in_the_words_of_each_framework_scale() -> None:
    kpm = Framework("k", "K", scale=KPM_SCALE, competencies=(Competency("k", "c", "Cloud"),))
    seven = Framework(
        "s", "S", scale=SEVEN_LEVEL_SCALE, competencies=(Competency("s", "d", "Data"),)
    )
    context = SkillContext.of([kpm, seven])
    cloud, data = CompetencyRef("k", "c"), CompetencyRef("s", "d")
    role = Role("r", "R", requirements=(Requirement(cloud, 3), Requirement(data, 4)))
    (need,) = hiring_needs(
        [
            (ANA, role, gap(ANA, cloud, 4.0, 2, "x"), None),
            (ANA, role, gap(ANA, data, 3.0, 2, "x"), None),
        ],
        context=context,
    )
    words = {r.name: r.level_words for r in need.requirements}
    assert words["Cloud"].startswith("Mastery — handles complex cases")
    assert words["Data"] == "level 4 of 7"  # canonical 3 on a 1-7 scale: its level 4
    # Never more than the need: canonical 3.5 reads as the level below it.
    assert level_words(3.5, DEFAULT_SCALE).startswith("Proficient")


def test_refusals() -> None:
    with pytest.raises(ValidationError, match="given for person 'E2'"):
        hiring_needs([(BEN, ROLE, gap(ANA, SQL, 3.0, 3, "x"), None)])
    with pytest.raises(ValidationError, match="weight 7 is no importance"):
        hiring_needs([(ANA, ROLE, gap(ANA, SQL, 3.0, 7, "x"), None)])
    assert hiring_needs([]) == []


def person_gap_of(items: list[tuple[Requirement, float, float | None]]) -> PersonGap:
    gaps = tuple(RequirementGap(req, required, held, None) for req, required, held in items)
    return PersonGap(ANA, ROLE, None, View.VERIFIED, gaps)


def plan(lines: tuple[PlanLine, ...], open_gaps: tuple[OpenGap, ...] = ()) -> Plan:
    return Plan(
        "P1",
        PlanScope.PERSON,
        "E1",
        datetime(2026, 11, 1, tzinfo=UTC),
        "hr",
        date(2026, 11, 1),
        Objective.COST,
        Solver.OPTIMAL,
        lines=lines,
        open_gaps=open_gaps,
    )


def line(item: str, closes: tuple[CompetencyRef, ...], due: date, person: str = "E1") -> PlanLine:
    return PlanLine(person, item, closes, 100.0, 10.0, date(2026, 11, 1), due)


def test_late_gaps_are_left_open_closed_too_late_or_not_in_the_plan() -> None:
    viz, talk, other = (CompetencyRef("fw", c) for c in ("viz", "talk", "other"))
    gap_ = person_gap_of(
        [
            (Requirement(SQL, 3, Importance.CRITICAL), 3.0, 1.0),
            (Requirement(viz, 2), 2.0, None),
            (Requirement(talk, 4, Importance.USEFUL), 4.0, 2.0),
            (Requirement(other, 2), 2.0, None),
            (Requirement(CompetencyRef("fw", "met"), 2), 2.0, 3.0),  # no gap: never listed
        ]
    )
    left = OpenGap("E1", viz, 2.0, None, 2, "no catalog item reaches level 2")
    chosen = plan(
        (
            line("sql-101", (SQL,), date(2026, 12, 1)),
            line("sql-201", (SQL,), date(2027, 3, 1)),  # the last line on SQL: too late
            line("talk-1", (talk,), date(2026, 12, 15)),
            line("other-1", (other,), date(2026, 12, 1), person="E9"),  # someone else's
        ),
        (left,),
    )
    found = late_gaps(gap_, chosen, SOON)
    assert [(g.competency, g.required, g.held, g.weight, g.reason) for g in found] == [
        (SQL, 3.0, 1.0, 3, "plan P1 closes it with sql-201 due 2027-03-01, after 2027-01-01"),
        (other, 2.0, None, 2, "plan P1 does not close it"),  # the gap's order: weighted gap
        (viz, 2.0, None, 2, "no catalog item reaches level 2"),
    ]
    assert [g.competency for g in late_gaps(gap_, chosen, LATER)] == [other, viz]
