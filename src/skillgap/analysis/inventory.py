"""The skills inventory: per person and competency, verified and claimed levels kept apart.

Rules (documented in docs/user-guide.md, "How levels are decided"):
- verified level: the highest level among verified evidence (credentials, assessments);
- manager level, self level, inferred level: the most recent rating of that kind;
- best-available view: verified, else manager, else self. A claim never overrides
  verified evidence, even when it is higher. Inferred levels never enter either view.
All levels are read on the canonical 0-5 scale through each scale's mapping.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from skillgap.analysis.context import SkillContext
from skillgap.domain import CompetencyRef, Observation, SourceKind


class View(StrEnum):
    VERIFIED = "verified"
    BEST_AVAILABLE = "best-available"


@dataclass(frozen=True)
class Reading:
    """A level on the canonical scale, with the observation it comes from."""

    level: float
    observation: Observation


@dataclass(frozen=True)
class Holding:
    competency: CompetencyRef
    verified: Reading | None
    manager: Reading | None
    self_claim: Reading | None
    inferred: Reading | None
    evidence: tuple[Observation, ...]

    def reading(self, view: View) -> Reading | None:
        if view is View.VERIFIED:
            return self.verified
        return self.verified or self.manager or self.self_claim


@dataclass(frozen=True)
class Inventory:
    holdings: dict[str, dict[CompetencyRef, Holding]]

    def of(self, person_id: str) -> dict[CompetencyRef, Holding]:
        return self.holdings.get(person_id, {})

    def holding(self, person_id: str, ref: CompetencyRef) -> Holding | None:
        return self.of(person_id).get(ref)


def build_inventory(observations: Iterable[Observation], context: SkillContext) -> Inventory:
    grouped: dict[tuple[str, CompetencyRef], list[Observation]] = defaultdict(list)
    for obs in observations:
        grouped[(obs.person_id, obs.competency)].append(obs)
    holdings: dict[str, dict[CompetencyRef, Holding]] = defaultdict(dict)
    for (person_id, ref), found in grouped.items():
        readings = [Reading(context.scale(o.scale_id).to_canonical(o.level), o) for o in found]
        verified = [r for r in readings if r.observation.source.verified]
        holdings[person_id][ref] = Holding(
            competency=ref,
            verified=max(verified, key=_strongest, default=None),
            manager=_latest(readings, SourceKind.MANAGER),
            self_claim=_latest(readings, SourceKind.SELF),
            inferred=_latest(readings, SourceKind.INFERRED),
            evidence=tuple(sorted(found, key=lambda o: (o.observed_on, o.id))),
        )
    return Inventory(dict(holdings))


def _strongest(reading: Reading) -> tuple[float, float, str]:
    return (reading.level, reading.observation.confidence, reading.observation.id)


def _latest(readings: list[Reading], kind: SourceKind) -> Reading | None:
    of_kind = [r for r in readings if r.observation.source is kind]
    return max(of_kind, key=lambda r: (r.observation.observed_on, r.observation.id), default=None)
