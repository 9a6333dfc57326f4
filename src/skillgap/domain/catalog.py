"""The learning catalog and stackable pathways: what the organisation can use to close gaps.

A ``CatalogItem`` is one learning unit or micro-credential (a course, a vendor
certification, an internal assessment): what competencies it evidences and at which level,
what it costs in money and hours, who provides it, how it is assessed and what it needs
first. An item that ends in a credential names that credential's ``achievement_id``, so an
earned award of it marks the item done.

Pathways, which stack items and third-party credentials, are in ``domain.pathways``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from graphlib import CycleError, TopologicalSorter

from skillgap.domain.credentials import MAX_VALIDITY_DAYS, AssessmentType, IssuerTier
from skillgap.domain.frameworks import CompetencyRef
from skillgap.errors import ValidationError

#: The most a catalog item may cost or take (money units, hours): more is a data error.
MAX_COST = 10_000_000.0
MAX_HOURS = 100_000.0


class ItemKind(StrEnum):
    COURSE = "course"
    CERTIFICATION = "certification"
    ASSESSMENT = "assessment"
    MICRO_CREDENTIAL = "micro-credential"
    PROGRAMME = "programme"
    ON_THE_JOB = "on-the-job"


@dataclass(frozen=True)
class Outcome:
    """A competency an item evidences, at ``level`` on the competency's framework scale."""

    competency: CompetencyRef
    level: int


@dataclass(frozen=True)
class CatalogItem:
    id: str
    name: str
    provider: str
    kind: ItemKind = ItemKind.COURSE
    internal: bool = False
    outcomes: tuple[Outcome, ...] = ()
    hours: float = 0.0
    cost: float = 0.0
    issuer_tier: IssuerTier = IssuerTier.UNKNOWN
    assessment: AssessmentType = AssessmentType.UNKNOWN
    prerequisites: tuple[str, ...] = ()  # catalog item ids
    valid_for_days: int | None = None  # how long the credential it ends in stays valid
    achievement_id: str | None = None  # the credential earned by completing it
    url: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValidationError("a catalog item needs an id")
        if not self.name.strip():
            raise ValidationError(f"catalog item {self.id!r} needs a name")
        if not 0.0 <= self.cost <= MAX_COST:
            raise ValidationError(
                f"catalog item {self.id!r}: cost must be from 0 to {MAX_COST:,.0f}, not {self.cost}"
            )
        if not 0.0 <= self.hours <= MAX_HOURS:
            raise ValidationError(
                f"catalog item {self.id!r}: hours must be from 0 to {MAX_HOURS:,.0f}, "
                f"not {self.hours}"
            )
        if self.id in self.prerequisites:
            raise ValidationError(f"catalog item {self.id!r} cannot be its own prerequisite")
        if len(set(self.prerequisites)) != len(self.prerequisites):
            raise ValidationError(f"catalog item {self.id!r} lists a prerequisite twice")
        days = self.valid_for_days
        if days is not None and not 1 <= days <= MAX_VALIDITY_DAYS:
            raise ValidationError(
                f"catalog item {self.id!r}: valid_for_days must be from 1 to "
                f"{MAX_VALIDITY_DAYS} (or omitted), not {days}"
            )
        seen: set[CompetencyRef] = set()
        for outcome in self.outcomes:
            if outcome.competency in seen:
                raise ValidationError(f"catalog item {self.id!r} names {outcome.competency} twice")
            if outcome.level < 1:
                raise ValidationError(
                    f"catalog item {self.id!r}: the level of {outcome.competency} must be "
                    f"1 or more, not {outcome.level}"
                )
            seen.add(outcome.competency)


def check_prerequisites(items: Iterable[CatalogItem]) -> None:
    """Every prerequisite must be a known item, and prerequisites must never loop."""
    by_id = {i.id: i for i in items}
    for item in by_id.values():
        for pre in item.prerequisites:
            if pre not in by_id:
                raise ValidationError(
                    f"catalog item {item.id!r} needs {pre!r}, which is not in the catalog"
                )
    no_cycle({i.id: i.prerequisites for i in by_id.values()}, "catalog item prerequisites")


def no_cycle(edges: Mapping[str, Iterable[str]], what: str) -> None:
    """Refuses a loop in ``edges`` (node -> the nodes it needs), naming it."""
    try:
        TopologicalSorter({node: tuple(needs) for node, needs in edges.items()}).prepare()
    except CycleError as exc:
        loop = " -> ".join(reversed(exc.args[1]))
        raise ValidationError(f"{what} loop: {loop}") from None
