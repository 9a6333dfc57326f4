"""Technology Skills.xlsx: software products (examples) by UNSPSC commodity, per occupation.

One competency per commodity (``tech-<commodity code>``, named by the Commodity Title),
its distinct examples as alternative labels: at most ``MAX_EXAMPLES``, Hot Technologies
first, then the examples most occupations list, then by name. An occupation gets one
optional skill per commodity it lists, essential when one of its examples is In Demand for
that occupation (O*NET: "frequently included in employer job postings for the particular
occupation"). Hot Technology is a flag of the product across all postings, the same for
every occupation, so it does not make a skill essential.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from skillgap.domain import CapabilityGroup, Competency, CompetencyRef, OccupationSkill, Relation
from skillgap.errors import InputError
from skillgap.formats.onet._notes import Notes, Tally
from skillgap.formats.onet._ratings import SOC_CODE
from skillgap.formats.onet._sheets import Row, Table

EXAMPLE = "Example"
COMMODITY_CODE = "Commodity Code"
COMMODITY_TITLE = "Commodity Title"
HOT_TECHNOLOGY = "Hot Technology"
IN_DEMAND = "In Demand"
TECHNOLOGY_COLUMNS = (SOC_CODE, EXAMPLE, COMMODITY_CODE, COMMODITY_TITLE, HOT_TECHNOLOGY, IN_DEMAND)

MAX_EXAMPLES = 20
GROUP = CapabilityGroup(
    code="technology",
    name="Technology skills",
    description="Software used at work, by UNSPSC commodity (O*NET Technology Skills); "
    "each lists example products.",
)

_COMMODITY = re.compile(r"[0-9]{8}")


@dataclass
class _Commodity:
    title: str
    hot: set[str] = field(default_factory=set)
    #: example -> the occupations that list it
    examples: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Technology:
    competencies: list[Competency]
    #: occupation code -> its skills, in commodity order
    skills: dict[str, list[OccupationSkill]]


def read_technology(
    table: Table, framework_id: str, occupations: Collection[str] | None, notes: Notes
) -> Technology:
    """``occupations``: the known codes (rows of others are kept for the commodities but
    link no occupation), or None when occupations are not imported. A bad row is skipped,
    its error kept in ``table.errors``."""
    commodities: dict[str, _Commodity] = {}
    in_demand: dict[str, dict[str, bool]] = {}  # occupation -> commodity -> in demand
    unknown_occupation, other_title = Tally(), Tally()
    for row in table:
        try:
            code = row.text(SOC_CODE)
            example = row.text(EXAMPLE)
            commodity_code = _commodity_code(row)
            title = row.text(COMMODITY_TITLE)
            hot = row.flag(HOT_TECHNOLOGY)
            demanded = row.flag(IN_DEMAND)
        except InputError as exc:
            table.errors.add(exc)
            continue
        commodity = commodities.get(commodity_code)
        if commodity is None:
            commodity = commodities[commodity_code] = _Commodity(title)
        elif title != commodity.title:
            other_title.add(f"{commodity_code} {title!r} (row {row.number})", commodity_code)
        commodity.examples.setdefault(example, set()).add(code)
        if hot:
            commodity.hot.add(example)
        if occupations is None:
            continue
        if code not in occupations:
            unknown_occupation.add(f"{code} (row {row.number})", code)
            continue
        listed = in_demand.setdefault(code, {})
        listed[commodity_code] = listed.get(commodity_code, False) or demanded
    file = table.file
    other_title.warn(notes, f"{file}: commodities given another title, first title kept")
    unknown_occupation.warn(
        notes, f"{file}: rows linking no occupation, O*NET-SOC code not in Occupation Data"
    )
    codes = sorted(commodities)
    competencies = [_competency(framework_id, c, commodities[c]) for c in codes]
    position = {c: i for i, c in enumerate(codes)}
    skills = {
        occupation: [
            OccupationSkill(
                CompetencyRef(framework_id, f"tech-{c}"),
                Relation.ESSENTIAL if listed[c] else Relation.OPTIONAL,
            )
            for c in sorted(listed, key=position.__getitem__)
        ]
        for occupation, listed in in_demand.items()
    }
    return Technology(competencies, skills)


def _commodity_code(row: Row) -> str:
    value = row.raw(COMMODITY_CODE)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = row.text(COMMODITY_CODE) if not isinstance(value, int) else str(value)
    if not _COMMODITY.fullmatch(text):
        raise row.error(COMMODITY_CODE, f"{text!r} is not a UNSPSC commodity code (8 digits)")
    return text


def _competency(framework_id: str, code: str, commodity: _Commodity) -> Competency:
    ranked = sorted(
        commodity.examples,
        key=lambda e: (e not in commodity.hot, -len(commodity.examples[e]), e.casefold(), e),
    )
    labels = [e for e in ranked if e != commodity.title][:MAX_EXAMPLES]
    return Competency(
        framework=framework_id,
        code=f"tech-{code}",
        name=commodity.title,
        group=GROUP.code,
        skill_type="technology",
        alt_labels=tuple(labels),
        extra={"unspsc_commodity": code, "examples": len(commodity.examples)},
    )
