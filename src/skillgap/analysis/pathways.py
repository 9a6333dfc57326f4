"""How far people are along stackable pathways, and who has just completed one.

A unit of a pathway is done when the person holds its credential: an achievement unit by an
award of that achievement, a catalog item unit by an award of the achievement the item ends
in (``CatalogItem.achievement_id``), or by the item being marked done by hand. The caller
says what a person holds (``Holdings``): only awards that are valid and count (verified, not
expired or revoked), so this module never judges a credential.

A step is complete when enough of its units are done (all, any one, or its count); it is
available once the steps it comes after are complete, else locked. A step's units may be
earned in any order: prior learning counts, the order only says what to do next. A pathway
is complete when every step is. Its evidence is the newest award proving each done unit
(what the higher credential links to); its "next units" are the fewest units that would
complete the first available step still open: every missing unit of an ``all`` step, else
the cheapest missing ones by catalog cost, then hours (an achievement unit costs what the
catalog item ending in it costs; one without such an item comes last).

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from skillgap.domain.catalog import CatalogItem
from skillgap.domain.pathways import (
    AwardMode,
    Pathway,
    PathwayAward,
    Step,
    StepRule,
    Unit,
    UnitKind,
)

#: An award that counts: its id and when it was issued.
HeldAward = tuple[str, datetime]


@dataclass(frozen=True)
class Holdings:
    """What one person holds: ``awards`` by achievement id (valid awards that count, as the
    caller filtered them) and the catalog items marked done by hand."""

    awards: Mapping[str, Sequence[HeldAward]] = field(default_factory=dict)
    done_items: Collection[str] = frozenset()


class StepState(StrEnum):
    COMPLETE = "complete"
    AVAILABLE = "available"  # the steps it comes after are complete
    LOCKED = "locked"


@dataclass(frozen=True)
class UnitProgress:
    """One unit: done or not, and the awards proving it, newest first (none when it was
    marked done by hand)."""

    unit: Unit
    done: bool
    award_ids: tuple[str, ...] = ()
    by_hand: bool = False
    done_at: datetime | None = None  # when its first proving award was issued


@dataclass(frozen=True)
class StepProgress:
    step: Step
    units: tuple[UnitProgress, ...]
    state: StepState
    completed_at: datetime | None  # when it had enough units (None: not known, or not yet)

    @property
    def done(self) -> int:
        return sum(1 for u in self.units if u.done)

    @property
    def needed(self) -> int:
        return self.step.needed

    @property
    def complete(self) -> bool:
        return self.state is StepState.COMPLETE

    @property
    def available(self) -> bool:
        return self.state is not StepState.LOCKED


@dataclass(frozen=True)
class PathwayProgress:
    """One person on one pathway. ``percent`` counts units towards what the steps need (a
    step counts at most its ``needed`` units), so a started step shows."""

    pathway: Pathway
    steps: tuple[StepProgress, ...]
    evidence: tuple[str, ...]  # the newest award of each done unit, in step order
    next_step: str | None  # the first available step still open
    next_units: tuple[Unit, ...]
    completed_at: datetime | None  # when the last step became complete (None: see steps)

    @property
    def steps_complete(self) -> int:
        return sum(1 for s in self.steps if s.complete)

    @property
    def steps_total(self) -> int:
        return len(self.steps)

    @property
    def complete(self) -> bool:
        return self.steps_complete == self.steps_total

    @property
    def percent(self) -> int:
        needed = sum(s.needed for s in self.steps)
        counted = sum(min(s.done, s.needed) for s in self.steps)
        return 100 if self.complete else min(99, counted * 100 // needed) if needed else 0


def pathway_progress(
    pathway: Pathway, items: Mapping[str, CatalogItem], holdings: Holdings
) -> PathwayProgress:
    """How far the person holding ``holdings`` is along ``pathway``; ``items`` is the
    catalog by item id."""
    states: dict[str, StepState] = {}
    steps: list[StepProgress] = []
    for step in _in_order(pathway.steps):
        units = tuple(_unit(unit, items, holdings) for unit in step.units)
        done = [u for u in units if u.done]
        if len(done) >= step.needed:
            state = StepState.COMPLETE
        elif all(states.get(before) is StepState.COMPLETE for before in step.after):
            state = StepState.AVAILABLE
        else:
            state = StepState.LOCKED
        states[step.id] = state
        steps.append(StepProgress(step, units, state, _completed_at(done, step.needed)))
    by_id = {s.step.id: s for s in steps}
    ordered = tuple(by_id[step.id] for step in pathway.steps)
    evidence = dict.fromkeys(u.award_ids[0] for s in ordered for u in s.units if u.award_ids)
    open_step = next((s for s in ordered if s.state is StepState.AVAILABLE), None)
    finished = [s.completed_at for s in ordered if s.completed_at is not None]
    return PathwayProgress(
        pathway=pathway,
        steps=ordered,
        evidence=tuple(evidence),
        next_step=open_step.step.id if open_step else None,
        next_units=_next_units(open_step, items) if open_step else (),
        completed_at=max(finished) if len(finished) == len(ordered) else None,
    )


def _in_order(steps: Sequence[Step]) -> list[Step]:
    """Steps after the steps they come after (the pathway rules out loops)."""
    placed: dict[str, Step] = {}
    waiting = list(steps)
    while waiting:
        ready = [s for s in waiting if all(b in placed for b in s.after)] or waiting
        for step in ready:
            placed[step.id] = step
        waiting = [s for s in waiting if s.id not in placed]
    return list(placed.values())


def _unit(unit: Unit, items: Mapping[str, CatalogItem], holdings: Holdings) -> UnitProgress:
    if unit.kind is UnitKind.ITEM:
        item = items.get(unit.id)
        achievement = item.achievement_id if item is not None else None
    else:
        achievement = unit.id
    held = sorted(holdings.awards.get(achievement, ()) if achievement else (), key=_newest)
    if held:
        first = min(issued for _, issued in held)
        return UnitProgress(unit, True, tuple(award for award, _ in held), done_at=first)
    if unit.kind is UnitKind.ITEM and unit.id in holdings.done_items:
        return UnitProgress(unit, True, by_hand=True)
    return UnitProgress(unit, False)


def _newest(award: HeldAward) -> tuple[float, str]:
    return (-award[1].timestamp(), award[0])


def _completed_at(done: Sequence[UnitProgress], needed: int) -> datetime | None:
    """When the ``needed``-th unit was done (units done by hand have no date: unknown)."""
    if len(done) < needed or needed == 0:
        return None
    dated = sorted(u.done_at for u in done if u.done_at is not None)
    return dated[needed - 1] if len(dated) >= needed else None


def _next_units(step: StepProgress, items: Mapping[str, CatalogItem]) -> tuple[Unit, ...]:
    missing = [u.unit for u in step.units if not u.done]
    if step.step.rule is StepRule.ALL:
        return tuple(missing)
    by_achievement = {i.achievement_id: i for i in items.values() if i.achievement_id}

    def price(unit: Unit) -> tuple[bool, float, float, Unit]:
        item = items.get(unit.id) if unit.kind is UnitKind.ITEM else by_achievement.get(unit.id)
        if item is None:
            return (True, 0.0, 0.0, unit)
        return (False, item.cost, item.hours, unit)

    return tuple(sorted(missing, key=price)[: step.needed - step.done])


# --- many people


@dataclass(frozen=True)
class ProgressRow:
    """One person on one pathway, for ``pathways progress``."""

    person_id: str
    pathway_id: str
    pathway_name: str
    steps_complete: int
    steps_total: int
    percent: int
    complete: bool
    next_step: str | None
    next_units: tuple[str, ...]


def progress_rows(
    pathways: Iterable[Pathway],
    items: Mapping[str, CatalogItem],
    people: Mapping[str, Holdings],
) -> list[ProgressRow]:
    """Every person (by id) on every pathway: pathway by pathway, people by id."""
    rows = []
    for pathway in pathways:
        for person_id in sorted(people):
            p = pathway_progress(pathway, items, people[person_id])
            rows.append(
                ProgressRow(
                    person_id=person_id,
                    pathway_id=pathway.id,
                    pathway_name=pathway.name,
                    steps_complete=p.steps_complete,
                    steps_total=p.steps_total,
                    percent=p.percent,
                    complete=p.complete,
                    next_step=p.next_step,
                    next_units=tuple(str(u) for u in p.next_units),
                )
            )
    return rows


@dataclass(frozen=True)
class Completion:
    """A person who completed a pathway and is owed its credential."""

    person_id: str
    pathway_id: str
    achievement_id: str
    mode: AwardMode
    evidence: tuple[str, ...]  # award ids, for the credential's evidence
    completed_at: datetime | None  # None when a unit was marked done by hand


def newly_complete(
    pathways: Iterable[Pathway],
    items: Mapping[str, CatalogItem],
    people: Mapping[str, Holdings],
    awards: Iterable[PathwayAward],
) -> list[Completion]:
    """The people whose pathway is complete, who do not hold the achievement it awards and
    have no ``PathwayAward`` for it (in whatever state: a rejected one is not proposed
    again); pathways that award nothing are left out."""
    recorded = {(a.person_id, a.pathway_id) for a in awards}
    recorded |= {(a.person_id, a.achievement_id) for a in awards}
    found = []
    for pathway in pathways:
        awarded = pathway.awards
        if awarded is None:
            continue
        for person_id in sorted(people):
            holdings = people[person_id]
            if (
                holdings.awards.get(awarded)
                or {
                    (person_id, pathway.id),
                    (person_id, awarded),
                }
                & recorded
            ):
                continue
            p = pathway_progress(pathway, items, holdings)
            if p.complete:
                found.append(
                    Completion(
                        person_id, pathway.id, awarded, pathway.mode, p.evidence, p.completed_at
                    )
                )
    return found
