"""Policy rules YAML: reading, located errors, writing back."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillgap.domain import AssessmentType, CompetencyRef, Importance, IssuerTier
from skillgap.domain.governance import Effect
from skillgap.errors import InputError, InputErrors
from skillgap.formats.policy import policy_yaml, read_policy_file

DEMO = Path(__file__).parents[2] / "src" / "skillgap" / "demo" / "data" / "policy.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_policy_reads() -> None:
    rules = read_policy_file(DEMO)
    assert [r.id for r in rules] == [
        "critical-credential-premium",
        "future-skills-recognition",
        "senior-promotion-criterion",
    ]
    assert rules[0].effect is Effect.PAY_PREMIUM and rules[0].amount == 1200
    assert rules[1].include_future and rules[1].min_assessment is AssessmentType.PROCTORED_EXAM
    assert rules[2].min_count == 2 and rules[2].importance == (
        Importance.CRITICAL,
        Importance.IMPORTANT,
    )


def test_every_field_round_trips(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
rules:
  - id: r1
    name: Rule one
    effect: recognition
    description: why
    importance: useful
    meets_level: false
    include_future: true
    min_quality: 0.7
    min_assessment: performance
    issuer_tiers: [accredited, known]
    competencies: [demo:sql, other:x]
    min_count: 3
    amount: 99.5
""",
    )
    (rule,) = read_policy_file(path)
    assert rule.importance == (Importance.USEFUL,)
    assert rule.issuer_tiers == (IssuerTier.ACCREDITED, IssuerTier.KNOWN)
    assert rule.competencies == (CompetencyRef("demo", "sql"), CompetencyRef("other", "x"))
    again = write(tmp_path, policy_yaml([rule]))
    assert read_policy_file(again) == (rule,)


def test_errors_are_located_and_all_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
rules:
  - {id: a, name: A, effect: bonus}
  - {id: b, name: B, effect: recognition, min_count: 0}
  - {id: c, name: C, effect: recognition, min_quality: 2}
  - {id: a, name: A2, effect: recognition}
  - {id: d, name: D, effect: recognition, colour: red}
""",
    )
    with pytest.raises(InputErrors) as caught:
        read_policy_file(path)
    assert [str(e) for e in caught.value.errors] == [
        "policy.yaml, field 'rules[0].effect': 'bonus' is not one of: pay-premium, "
        "promotion-criterion, recognition",
        "policy.yaml, field 'rules[1]': policy rule 'b': min_count must be 1 or more",
        "policy.yaml, field 'rules[2]': policy rule 'c': min_quality must lie within 0-1",
        "policy.yaml, field 'rules[4].colour': unknown key 'colour' (expected: amount, "
        "competencies, description, effect, id, importance, include_future, issuer_tiers, "
        "meets_level, min_assessment, min_count, min_quality, name)",
    ]


def test_refuses_a_repeated_rule_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rules:\n  - {id: a, name: A, effect: recognition}\n"
        "  - {id: a, name: B, effect: recognition}\n",
    )
    with pytest.raises(InputError) as caught:
        read_policy_file(path)
    assert str(caught.value) == (
        "policy.yaml, field 'rules[1]': rule id 'a' appears twice (first at rules[0])"
    )


def test_refuses_a_non_number_quality(tmp_path: Path) -> None:
    path = write(tmp_path, "rules:\n  - {id: a, name: A, effect: recognition, min_quality: .nan}\n")
    with pytest.raises(InputError, match="not a finite number"):
        read_policy_file(path)
    path = write(tmp_path, "rules:\n  - {id: a, name: A, effect: recognition, meets_level: 1}\n")
    with pytest.raises(InputError, match="is not true or false"):
        read_policy_file(path)
