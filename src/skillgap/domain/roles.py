"""Roles and what they require, now and at future horizons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from skillgap.domain.frameworks import CompetencyRef
from skillgap.errors import ValidationError


class Importance(StrEnum):
    CRITICAL = "critical"
    IMPORTANT = "important"
    USEFUL = "useful"

    @property
    def weight(self) -> int:
        """Weight in importance-weighted readiness and priorities (documented: 3 / 2 / 1)."""
        return _WEIGHTS[self]


_WEIGHTS = {Importance.CRITICAL: 3, Importance.IMPORTANT: 2, Importance.USEFUL: 1}


@dataclass(frozen=True)
class Requirement:
    """A competency a role needs at ``level`` (on the competency's framework scale).

    ``horizon`` is ``None`` for a need of today, or the date by which the level is needed.
    """

    competency: CompetencyRef
    level: int
    importance: Importance = Importance.IMPORTANT
    horizon: date | None = None


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    description: str = ""
    family: str = ""
    requirements: tuple[Requirement, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValidationError("a role needs an id")
        seen: set[tuple[CompetencyRef, date | None]] = set()
        for req in self.requirements:
            key = (req.competency, req.horizon)
            if key in seen:
                when = req.horizon.isoformat() if req.horizon else "now"
                raise ValidationError(
                    f"role {self.id!r} requires {req.competency} twice for horizon {when}"
                )
            seen.add(key)

    @property
    def horizons(self) -> tuple[date, ...]:
        """The future dates this role's profile changes at, in order."""
        return tuple(sorted({r.horizon for r in self.requirements if r.horizon is not None}))

    def requirements_at(self, when: date | None) -> tuple[Requirement, ...]:
        """The profile in force at ``when`` (``None``: today's needs only).

        For each competency the requirement with the latest horizon not after ``when``
        applies, so a future requirement raises or adds to today's profile. Profiles are
        memoised per role (a role is immutable).
        """
        cache: dict[date | None, tuple[Requirement, ...]] = self.__dict__.setdefault(
            "_profiles", {}
        )
        if when not in cache:
            cache[when] = self._profile(when)
        return cache[when]

    def _profile(self, when: date | None) -> tuple[Requirement, ...]:
        chosen: dict[CompetencyRef, Requirement] = {}
        for req in self.requirements:
            if req.horizon is not None and (when is None or req.horizon > when):
                continue
            current = chosen.get(req.competency)
            if current is None or _later(req.horizon, current.horizon):
                chosen[req.competency] = req
        return tuple(sorted(chosen.values(), key=lambda r: r.competency))


def _later(a: date | None, b: date | None) -> bool:
    if a is None:
        return False
    return b is None or a > b
