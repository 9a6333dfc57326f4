"""Stackable pathways: units (catalog items or any credential, third-party badges included)
stacked through steps that each ask for all, any, or N of their units and may come after
other steps, towards a higher credential the organisation awards (``awards``, an achievement
id), automatically or after a reviewer approves (``PathwayAward``).

Definitions are checked here, once: unknown references, cycles (within a pathway's step
order and across pathways that stack into each other) and steps that can never be completed
are refused with a message naming the pathway and step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from skillgap.domain.catalog import no_cycle
from skillgap.errors import ValidationError


class UnitKind(StrEnum):
    ITEM = "item"  # a catalog item (done when its credential is held, or marked done)
    ACHIEVEMENT = "achievement"  # any credential, third-party badges included


@dataclass(frozen=True, order=True)
class Unit:
    kind: UnitKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> Unit:
        """``item:ID`` or ``achievement:ID`` (a bare id is a catalog item)."""
        kind, sep, key = text.partition(":")
        if sep and kind in UnitKind.__members__.values() and key.strip():
            return cls(UnitKind(kind), key.strip())
        if sep and kind in ("item", "achievement"):
            raise ValidationError(f"{text!r} names no {kind}")
        if not text.strip():
            raise ValidationError("a pathway unit cannot be empty")
        return cls(UnitKind.ITEM, text.strip())


class StepRule(StrEnum):
    ALL = "all"
    ANY = "any"
    N_OF = "n-of"


@dataclass(frozen=True)
class Step:
    """One step of a pathway: ``rule`` over ``units``, started only after ``after`` steps."""

    id: str
    name: str
    units: tuple[Unit, ...]
    rule: StepRule = StepRule.ALL
    count: int | None = None  # how many units an n-of step needs
    after: tuple[str, ...] = ()

    @property
    def needed(self) -> int:
        """How many of the units complete the step."""
        if self.rule is StepRule.ALL:
            return len(self.units)
        if self.rule is StepRule.ANY:
            return 1
        return self.count or 0


class AwardMode(StrEnum):
    AUTOMATIC = "automatic"  # issue the higher credential as soon as the pathway is complete
    REVIEW = "review"  # queue it for a reviewer to approve


@dataclass(frozen=True)
class Pathway:
    id: str
    name: str
    steps: tuple[Step, ...]
    awards: str | None = None  # the achievement id of the credential completing it
    mode: AwardMode = AwardMode.REVIEW
    description: str = ""

    def __post_init__(self) -> None:
        where = f"pathway {self.id!r}"
        if not self.id.strip():
            raise ValidationError("a pathway needs an id")
        if not self.steps:
            raise ValidationError(f"{where} has no steps")
        ids = [s.id for s in self.steps]
        for step in self.steps:
            at = f"{where}, step {step.id!r}"
            if ids.count(step.id) > 1:
                raise ValidationError(f"{where} has two steps called {step.id!r}")
            if not step.units:
                raise ValidationError(f"{at} names no units")
            if len(set(step.units)) != len(step.units):
                raise ValidationError(f"{at} names a unit twice")
            if step.rule is StepRule.N_OF:
                if step.count is None or step.count < 1:
                    raise ValidationError(f"{at}: an n-of step needs a count of 1 or more")
                if step.count > len(step.units):
                    raise ValidationError(
                        f"{at} can never be completed: it needs {step.count} of "
                        f"{len(step.units)} units"
                    )
            elif step.count is not None:
                raise ValidationError(f"{at}: only an n-of step takes a count")
            for before in step.after:
                if before not in ids:
                    raise ValidationError(f"{at} comes after {before!r}, which is not a step")
        no_cycle({s.id: s.after for s in self.steps}, f"{where}: the step order")
        if self.awards is not None:
            for step in self.steps:
                if Unit(UnitKind.ACHIEVEMENT, self.awards) in step.units:
                    raise ValidationError(
                        f"{where}, step {step.id!r} asks for the credential the pathway "
                        "awards: it could never be completed"
                    )

    @property
    def units(self) -> tuple[Unit, ...]:
        seen: dict[Unit, None] = {}
        for step in self.steps:
            seen.update(dict.fromkeys(step.units))
        return tuple(seen)


def check_pathways(
    pathways: Iterable[Pathway],
    item_ids: Iterable[str],
    item_achievements: Mapping[str, str | None],
    achievement_ids: Iterable[str],
) -> None:
    """Every unit must exist (a catalog item, or an achievement the workspace knows or a
    pathway awards), and stacking pathways must never loop: a pathway that needs the
    credential of another one which needs its own is refused."""
    pathways = list(pathways)
    items = set(item_ids)
    known = set(achievement_ids) | {p.awards for p in pathways if p.awards}
    awarded_by = {p.awards: p.id for p in pathways if p.awards}
    if len(awarded_by) != len([p for p in pathways if p.awards]):
        raise ValidationError("two pathways award the same credential")
    needs: dict[str, tuple[str, ...]] = {}
    for pathway in pathways:
        deps: list[str] = []
        for step in pathway.steps:
            for unit in step.units:
                at = f"pathway {pathway.id!r}, step {step.id!r}"
                if unit.kind is UnitKind.ITEM:
                    if unit.id not in items:
                        raise ValidationError(
                            f"{at}: catalog item {unit.id!r} is not in the catalog"
                        )
                    achievement = item_achievements.get(unit.id)
                else:
                    if unit.id not in known:
                        raise ValidationError(
                            f"{at}: achievement {unit.id!r} is neither known to the workspace "
                            "nor awarded by a pathway"
                        )
                    achievement = unit.id
                if achievement in awarded_by and awarded_by[achievement] != pathway.id:
                    deps.append(awarded_by[achievement])
        needs[pathway.id] = tuple(deps)
    no_cycle(needs, "pathways")


class AwardState(StrEnum):
    PENDING = "pending"  # complete, waiting for a reviewer
    ISSUED = "issued"  # the organisation issued the higher credential
    REJECTED = "rejected"  # a reviewer turned it down


@dataclass(frozen=True)
class PathwayAward:
    """A person's completed pathway and what became of its credential.

    ``units`` keeps the award ids that completed it (the evidence the credential links);
    ``issued_id`` the id of the credential the organisation issued, once it is."""

    id: str
    pathway_id: str
    person_id: str
    achievement_id: str
    completed_at: datetime
    units: tuple[str, ...]
    state: AwardState = AwardState.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    issued_id: str | None = None
    note: str = ""
