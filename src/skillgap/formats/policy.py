"""Pay and recognition rules from a YAML file, and back.

    rules:
      - id: critical-cert-premium
        name: Premium for a verified credential in a critical requirement
        effect: pay-premium            # pay-premium, promotion-criterion or recognition
        description: ...               # optional
        importance: [critical]         # the requirement's importance (default: critical)
        meets_level: true              # the credential reaches the required level (default)
        include_future: false          # future requirements of the role count too
        min_quality: 0.8               # optional: a quality weight floor (0-1)
        min_assessment: proctored-exam # optional: at least this strong an assessment
        issuer_tiers: [industry-vendor, accredited]   # optional: only these tiers
        competencies: [demo:cloud-architecture]       # optional: only these competencies
        min_count: 1                   # how many such credentials (default 1)
        amount: 1200                   # optional: the premium, as the organisation states it

Every error of the file is reported at once, located by rule and key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from skillgap.domain import AssessmentType, CompetencyRef, Importance, IssuerTier
from skillgap.domain.governance import Effect, PolicyRule
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import (
    Where,
    as_enum,
    as_int,
    as_list,
    as_mapping,
    as_text,
    list_items,
    only_keys,
    read_yaml_mapping,
    rules_at,
    unique,
)

RULE_KEYS = {
    "id",
    "name",
    "effect",
    "description",
    "importance",
    "meets_level",
    "include_future",
    "min_quality",
    "min_assessment",
    "issuer_tiers",
    "competencies",
    "min_count",
    "amount",
}


def read_policy_file(path: Path) -> tuple[PolicyRule, ...]:
    """The rules of a policy YAML file, in file order (``InputErrors`` lists every error)."""
    data = read_yaml_mapping(path)
    file = path.name
    errors = ErrorList()
    with errors.collect():
        only_keys(data, {"rules"}, file)
    rules: list[tuple[PolicyRule, Where]] = []
    for where, item in list_items(data, "rules", file):
        with errors.collect():
            rules.append((_rule(item, where), where))
    with errors.collect():
        unique(((rule.id, where) for rule, where in rules), "rule id")
    errors.raise_if_any()
    return tuple(rule for rule, _ in rules)


def _rule(item: object, where: Where) -> PolicyRule:
    data = as_mapping(item, where, RULE_KEYS)
    rule_id = as_text(data.get("id"), where.sub("id"))
    fields: dict[str, Any] = {
        "id": rule_id,
        "name": as_text(data.get("name"), where.sub("name")),
        "effect": as_enum(data.get("effect"), Effect, where.sub("effect")),
        "description": as_text(data.get("description"), where.sub("description"), required=False),
    }
    if "importance" in data:
        fields["importance"] = tuple(
            as_enum(v, Importance, where.sub("importance"))
            for v in _values(data["importance"], where.sub("importance"))
        )
    for key in ("meets_level", "include_future"):
        if key in data:
            fields[key] = _flag(data[key], where.sub(key))
    if data.get("min_quality") is not None:
        fields["min_quality"] = _number(data["min_quality"], where.sub("min_quality"))
    if data.get("min_assessment") is not None:
        fields["min_assessment"] = as_enum(
            data["min_assessment"], AssessmentType, where.sub("min_assessment")
        )
    if "issuer_tiers" in data:
        fields["issuer_tiers"] = tuple(
            as_enum(v, IssuerTier, where.sub("issuer_tiers"))
            for v in _values(data["issuer_tiers"], where.sub("issuer_tiers"))
        )
    if "competencies" in data:
        at = where.sub("competencies")
        refs = []
        for value in _values(data["competencies"], at):
            with rules_at(at):
                refs.append(CompetencyRef.parse(as_text(value, at)))
        fields["competencies"] = tuple(refs)
    if data.get("min_count") is not None:
        fields["min_count"] = as_int(data["min_count"], where.sub("min_count"))
    if data.get("amount") is not None:
        fields["amount"] = _number(data["amount"], where.sub("amount"))
    with rules_at(where):
        return PolicyRule(**fields)


def _values(value: object, where: Where) -> list[Any]:
    """A list, or one value standing for a list of one."""
    return as_list(value, where) if isinstance(value, list) else [value]


def _flag(value: object, where: Where) -> bool:
    if isinstance(value, bool):
        return value
    raise where.error(f"{value!r} is not true or false")


def _number(value: object, where: Where) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise where.error(f"{value!r} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise where.error(f"{value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise where.error(f"{value!r} is not a finite number")
    return number


def policy_to_data(rules: tuple[PolicyRule, ...] | list[PolicyRule]) -> dict[str, Any]:
    """The rules as the YAML file holds them (defaults left out)."""
    out = []
    for rule in rules:
        item: dict[str, Any] = {"id": rule.id, "name": rule.name, "effect": rule.effect.value}
        if rule.description:
            item["description"] = rule.description
        item["importance"] = [i.value for i in rule.importance]
        item["meets_level"] = rule.meets_level
        item["include_future"] = rule.include_future
        if rule.min_quality is not None:
            item["min_quality"] = rule.min_quality
        if rule.min_assessment is not None:
            item["min_assessment"] = rule.min_assessment.value
        if rule.issuer_tiers:
            item["issuer_tiers"] = [t.value for t in rule.issuer_tiers]
        if rule.competencies:
            item["competencies"] = [str(c) for c in rule.competencies]
        item["min_count"] = rule.min_count
        if rule.amount is not None:
            item["amount"] = rule.amount
        out.append(item)
    return {"rules": out}


def policy_yaml(rules: tuple[PolicyRule, ...] | list[PolicyRule]) -> str:
    return yaml.safe_dump(policy_to_data(rules), sort_keys=False, allow_unicode=True)


__all__ = ["policy_to_data", "policy_yaml", "read_policy_file"]
