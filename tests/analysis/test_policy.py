"""Pay and recognition policy (analysis/policy.py): each condition of a rule flips a
person's qualification, and every outcome says why."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from skillgap.analysis.evidence import assess_awards
from skillgap.analysis.policy import (
    Condition,
    CountedCredential,
    RuleOutcome,
    counted_credentials,
    evaluate,
)
from skillgap.analysis.rubric import Rubric
from skillgap.domain import (
    Alignment,
    AssessmentType,
    Importance,
    IssuerTier,
    Person,
    Requirement,
    Role,
)
from skillgap.domain.governance import Effect, PolicyRule
from skillgap.errors import ValidationError
from tests.analysis.builders import CONTEXT, ISSUERS, SQL, TALK, VIZ, achievement, award

AS_OF = date(2026, 11, 1)
FUTURE = date(2027, 12, 31)
ROLE = Role(
    "analyst",
    "Analyst",
    requirements=(
        Requirement(SQL, 3, Importance.CRITICAL),
        Requirement(VIZ, 2, Importance.IMPORTANT),
        Requirement(VIZ, 4, Importance.IMPORTANT, FUTURE),
        Requirement(TALK, 3, Importance.CRITICAL, FUTURE),  # needed only from FUTURE
    ),
)
ANA = Person("E1", "Ana", role_id="analyst")
RULE = PolicyRule("premium", "SQL premium", Effect.PAY_PREMIUM)  # critical, meets the level
SQL_PRO = CountedCredential(
    award_id="aw1",
    achievement_id="sql-pro",
    achievement_name="SQL Pro",
    issuer_id="vendor",
    issuer_name="Vendor",
    issuer_tier=IssuerTier.INDUSTRY_VENDOR,
    assessment=AssessmentType.PRACTICAL_EXAM,
    quality_weight=0.86,
    competency=SQL,
    level_canonical=4.0,
    issued_on=datetime(2025, 1, 1, tzinfo=UTC),
)


def run(rule: PolicyRule, *credentials: CountedCredential, **kwargs: Any) -> RuleOutcome:
    (outcome,) = evaluate([rule], [ANA], [ROLE], CONTEXT, {"E1": credentials}, as_of=AS_OF,
                          **kwargs)  # fmt: skip
    return outcome


def test_a_verified_credential_aligned_to_a_critical_requirement_qualifies() -> None:
    outcome = run(RULE, SQL_PRO)
    (q,) = outcome.qualified
    assert (q.person, q.role, q.achievements) == (ANA, ROLE, 1)
    (match,) = q.matches
    assert match.reason == (
        "SQL Pro (verified, quality 0.86) evidences SQL at 4 ≥ 3 required, critical for role "
        "Analyst"
    )
    assert match.passes and match.horizon is None and outcome.near_misses == ()


# Each condition: a credential or rule that fails it (a near miss on exactly that condition,
# with the words of the failure), and the rule changed so that the same credential passes.
FLIPS = [
    (
        Condition.COMPETENCY,
        SQL_PRO,
        replace(RULE, competencies=(VIZ,)),
        replace(RULE, competencies=(VIZ, SQL)),
        "fw:sql is not among the rule's competencies",
    ),
    (
        Condition.IMPORTANCE,
        replace(SQL_PRO, competency=VIZ, level_canonical=2.0),
        RULE,
        replace(RULE, importance=(Importance.CRITICAL, Importance.IMPORTANT)),
        "the requirement is important, the rule asks for critical",
    ),
    (
        Condition.LEVEL,
        replace(SQL_PRO, level_canonical=2.0),
        RULE,
        replace(RULE, meets_level=False),
        "level 2 is below the 3 required",
    ),
    (
        Condition.FUTURE,
        replace(SQL_PRO, competency=TALK, level_canonical=3.0),
        RULE,
        replace(RULE, include_future=True),
        "required only from 2027-12-31, and the rule counts today's requirements",
    ),
    (
        Condition.QUALITY,
        SQL_PRO,
        replace(RULE, min_quality=0.9),
        replace(RULE, min_quality=0.86),
        "quality 0.86 is below the rule's 0.90",
    ),
    (
        Condition.ASSESSMENT,
        SQL_PRO,
        replace(RULE, min_assessment=AssessmentType.PORTFOLIO),
        replace(RULE, min_assessment=AssessmentType.PROCTORED_EXAM),
        "assessed by practical-exam, weaker than the rule's portfolio",
    ),
    (
        Condition.ISSUER_TIER,
        SQL_PRO,
        replace(RULE, issuer_tiers=(IssuerTier.ACCREDITED, IssuerTier.INTERNAL_BOARD)),
        replace(RULE, issuer_tiers=(IssuerTier.ACCREDITED, IssuerTier.INDUSTRY_VENDOR)),
        "issuer tier industry-vendor is not accredited or internal-board",
    ),
]


@pytest.mark.parametrize(
    ("condition", "credential", "failing", "passing", "words"),
    FLIPS,
    ids=[f[0].value for f in FLIPS],
)
def test_each_condition_flips_qualification(
    condition: Condition,
    credential: CountedCredential,
    failing: PolicyRule,
    passing: PolicyRule,
    words: str,
) -> None:
    refused = run(failing, credential)
    assert refused.qualified == ()
    (near,) = refused.near_misses
    assert (near.person, near.condition) == (ANA, condition)
    (match,) = near.matches
    assert match.failed == (condition,)
    assert match.reason.endswith(f"; fails {words}")
    assert (
        near.reason == f"would qualify without the condition {condition.value!r}: SQL Pro: {words}"
    )
    granted = run(passing, credential)
    assert [q.person for q in granted.qualified] == [ANA] and granted.near_misses == ()
    assert granted.qualified[0].matches[0].failed == ()


def test_a_future_requirement_counts_when_the_rule_includes_horizons() -> None:
    talk = replace(SQL_PRO, competency=TALK, level_canonical=3.0)
    (q,) = run(replace(RULE, include_future=True), talk).qualified
    assert q.matches[0].reason == (
        "SQL Pro (verified, quality 0.86) evidences Communication at 3 ≥ 3 required, critical "
        "for role Analyst from 2027-12-31"
    )
    # Today's requirement is judged first: VIZ at 4 meets today's 2 (and the future 4).
    viz = replace(SQL_PRO, competency=VIZ, level_canonical=4.0)
    rule = replace(RULE, importance=(Importance.IMPORTANT,))
    (q,) = run(rule, viz).qualified
    assert q.matches[0].horizon is None
    # At 3 it meets only today's need: with horizons counted, today's still qualifies it.
    (q,) = run(replace(rule, include_future=True), replace(viz, level_canonical=3.0)).qualified
    assert q.matches[0].horizon is None


def test_min_count_counts_distinct_achievements() -> None:
    rule = replace(RULE, min_count=2)
    renewed = replace(SQL_PRO, award_id="aw2", issued_on=datetime(2026, 1, 1, tzinfo=UTC))
    outcome = run(rule, SQL_PRO, renewed)
    assert outcome.qualified == ()
    (near,) = outcome.near_misses
    assert near.condition is Condition.COUNT
    assert near.reason == "1 qualifying credential(s) of the 2 the rule asks for"
    assert [m.credential.award_id for m in near.matches] == ["aw1", "aw2"]
    other = replace(SQL_PRO, award_id="aw3", achievement_id="sql-adv", achievement_name="SQL Adv")
    (q,) = run(rule, SQL_PRO, other).qualified
    assert q.achievements == 2
    assert [m.credential.achievement_name for m in q.matches] == ["SQL Adv", "SQL Pro"]


def test_near_misses_need_one_condition_only_and_are_bounded() -> None:
    two_off = replace(SQL_PRO, level_canonical=2.0, quality_weight=0.5)
    outcome = run(replace(RULE, min_quality=0.8), two_off)
    assert outcome.qualified == () and outcome.near_misses == ()
    (match_reason,) = [
        m.reason for m in run(replace(RULE, min_quality=0.8), replace(two_off, level_canonical=4))
        .near_misses[0].matches
    ]  # fmt: skip
    assert match_reason.endswith("; fails quality 0.50 is below the rule's 0.80")
    people = [Person(f"E{i}", f"P{i}", role_id="analyst") for i in (3, 1, 2)]
    low = replace(SQL_PRO, level_canonical=2.0)
    credentials = {p.employee_id: (low,) for p in people}
    (outcome,) = evaluate(
        [RULE], people, [ROLE], CONTEXT, credentials, as_of=AS_OF, near_miss_limit=2
    )
    assert [n.person.employee_id for n in outcome.near_misses] == ["E1", "E2"]
    assert outcome.near_misses_left_off == 1


def test_who_is_not_evaluated() -> None:
    people = [
        ANA,
        Person("E2", "Ben", role_id="analyst", active=False),
        Person("E3", "Cy", role_id=None),
        Person("E4", "Di", role_id="ghost"),
        Person("E5", "Ed", role_id="analyst"),
    ]
    stray = replace(SQL_PRO, competency=replace(SQL, code="x"))  # the role does not require it
    credentials = {p.employee_id: (SQL_PRO,) for p in people[:4]} | {"E5": (stray,)}
    (outcome,) = evaluate([RULE], people, [ROLE], CONTEXT, credentials, as_of=AS_OF)
    assert [q.person.employee_id for q in outcome.qualified] == ["E1"]
    assert outcome.near_misses == ()
    with pytest.raises(ValidationError, match="cannot be negative"):
        evaluate([RULE], people, [ROLE], CONTEXT, credentials, as_of=AS_OF, near_miss_limit=-1)
    outcomes = evaluate([RULE, replace(RULE, id="two")], [ANA], [ROLE], CONTEXT, {},
                        as_of=AS_OF)  # fmt: skip
    assert [(o.rule.id, o.qualified) for o in outcomes] == [("premium", ()), ("two", ())]


def test_counted_credentials_from_the_evidence_module() -> None:
    achievements = {
        "ach": achievement(alignments=(Alignment("SQL", SQL, 4), Alignment("Viz", VIZ, 2))),
        "mill": achievement("mill", issuer="mill"),
    }
    awards = [
        award("a1", expires=datetime(2030, 1, 1, tzinfo=UTC)),
        award("a2", "mill"),  # an untrusted issuer: not counted
    ]
    at = datetime(2026, 11, 1, tzinfo=UTC)
    outcomes = assess_awards(awards, achievements, ISSUERS, CONTEXT, at)
    found = counted_credentials(outcomes, CONTEXT)
    assert list(found) == ["E1"]
    sql, viz = found["E1"]
    weight = outcomes[0].quality.weight
    assert sql == CountedCredential(
        "a1", "ach", "Achievement ach", "vendor", "Vendor", IssuerTier.INDUSTRY_VENDOR,
        AssessmentType.PRACTICAL_EXAM, weight, SQL, 4.0, datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2030, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    assert (viz.competency, viz.level_canonical) == (VIZ, 2.0)
    decayed = assess_awards(awards[:1], achievements, ISSUERS, CONTEXT, at, Rubric(decay_years=3))
    (first, _) = counted_credentials(decayed, CONTEXT)["E1"]
    assert first.expires_on == datetime(2028, 1, 1, tzinfo=UTC)  # the decay comes first
    (q,) = run(RULE, sql).qualified
    assert q.matches[0].reason.startswith(f"Achievement ach (verified, quality {weight:.2f})")
