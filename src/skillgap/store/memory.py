"""MemoryStore: the in-memory twin of the workspace database.

It keeps the contract of ``SqlStore`` (the same contract suite runs on both): ids are
unique, references must resolve, and a transaction that fails leaves nothing behind.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from skillgap.domain import (
    Achievement,
    Award,
    CompetencyRef,
    Framework,
    Issuer,
    Observation,
    Person,
    ProficiencyScale,
    Role,
)
from skillgap.errors import ConflictError, NotFoundError

T = TypeVar("T")


class MemoryRepository(Generic[T]):
    def __init__(
        self,
        what: str,
        data: dict[str, T],
        key: Callable[[T], str],
        check: Callable[[T], None] = lambda item: None,
    ) -> None:
        self._what = what
        self._data = data
        self._key = key
        self._check = check

    def add(self, item: T) -> None:
        key = self._key(item)
        if key in self._data:
            raise ConflictError(f"{self._what} {key!r} already exists")
        self._check(item)
        self._data[key] = item

    def add_all(self, items: Iterable[T]) -> None:
        for item in items:
            self.add(item)

    def get(self, key: str) -> T:
        item = self._data.get(key)
        if item is None:
            raise NotFoundError(f"no {self._what} {key!r}")
        return item

    def find(self, key: str) -> T | None:
        return self._data.get(key)

    def list(self) -> list[T]:
        return [self._data[k] for k in sorted(self._data)]

    def count(self) -> int:
        return len(self._data)


class MemoryPersonRepository(MemoryRepository[Person]):
    def by_email(self, email: str) -> Person | None:
        wanted = email.strip().lower()
        for person in self._data.values():
            if wanted in person.emails:
                return person
        return None


class MemoryScopedRepository(MemoryRepository[T]):
    def __init__(
        self,
        what: str,
        data: dict[str, T],
        key: Callable[[T], str],
        owner: Callable[[T], str | None],
        check: Callable[[T], None],
    ) -> None:
        super().__init__(what, data, key, check)
        self._owner = owner

    def for_person(self, employee_id: str) -> list[T]:
        return [item for item in self.list() if self._owner(item) == employee_id]


class MemoryMeta:
    def __init__(self, data: dict[str, str]) -> None:
        self._data = data

    def get(self, key: str) -> str | None:
        return self._data.get(key)

    def set(self, key: str, value: str) -> None:
        self._data[key] = value

    def items(self) -> dict[str, str]:
        return dict(sorted(self._data.items()))


@dataclass
class _State:
    scales: dict[str, ProficiencyScale] = field(default_factory=dict)
    frameworks: dict[str, Framework] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    issuers: dict[str, Issuer] = field(default_factory=dict)
    achievements: dict[str, Achievement] = field(default_factory=dict)
    awards: dict[str, Award] = field(default_factory=dict)
    observations: dict[str, Observation] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)


class MemoryWorkspace:
    def __init__(self, state: _State) -> None:
        self._state = state
        s = state
        self.scales = MemoryRepository("scale", s.scales, lambda x: x.id, self._check_scale)
        self.frameworks = MemoryRepository(
            "framework", s.frameworks, lambda x: x.id, self._check_framework
        )
        self.roles = MemoryRepository("role", s.roles, lambda x: x.id, self._check_role)
        self.people = MemoryPersonRepository(
            "person", s.people, lambda x: x.employee_id, self._check_person
        )
        self.issuers = MemoryRepository("issuer", s.issuers, lambda x: x.id)
        self.achievements = MemoryRepository(
            "achievement", s.achievements, lambda x: x.id, self._check_achievement
        )
        self.awards = MemoryScopedRepository(
            "award", s.awards, lambda x: x.id, lambda x: x.person_id, self._check_award
        )
        self.observations = MemoryScopedRepository(
            "observation",
            s.observations,
            lambda x: x.id,
            lambda x: x.person_id,
            self._check_observation,
        )
        self.meta = MemoryMeta(s.meta)

    def clear(self) -> None:
        for value in vars(self._state).values():
            value.clear()

    # Reference checks: the SQL store's foreign keys, written out.
    def _missing(self, what: str, key: object, owner: str) -> ConflictError:
        return ConflictError(f"{owner} refers to {what} {key!s} that the workspace does not hold")

    def _check_scale(self, scale: ProficiencyScale) -> None:
        pass

    def _check_framework(self, framework: Framework) -> None:
        # A framework brings its scale: stored with it, or matched to the stored one.
        stored = self._state.scales.setdefault(framework.scale.id, framework.scale)
        if stored != framework.scale:
            raise ConflictError(
                f"framework {framework.id!r} brings scale {framework.scale.id!r}, which differs "
                "from the scale of that id already stored"
            )

    def _competency(self, ref: CompetencyRef, owner: str) -> None:
        framework = self._state.frameworks.get(ref.framework)
        if framework is None or not framework.has(ref.code):
            raise self._missing("competency", ref, owner)

    def _check_role(self, role: Role) -> None:
        for req in role.requirements:
            self._competency(req.competency, f"role {role.id!r}")

    def _check_person(self, person: Person) -> None:
        taken = {e for p in self._state.people.values() for e in p.emails}
        for email in person.emails:
            if email in taken:
                raise ConflictError(f"e-mail {email!r} already belongs to another person")

    def _check_achievement(self, achievement: Achievement) -> None:
        owner = f"achievement {achievement.id!r}"
        if achievement.issuer_id not in self._state.issuers:
            raise self._missing("issuer", repr(achievement.issuer_id), owner)
        for alignment in achievement.alignments:
            if alignment.competency is not None:
                self._competency(alignment.competency, owner)

    def _check_award(self, award: Award) -> None:
        owner = f"award {award.id!r}"
        if award.achievement_id not in self._state.achievements:
            raise self._missing("achievement", repr(award.achievement_id), owner)
        if award.person_id is not None and award.person_id not in self._state.people:
            raise self._missing("person", repr(award.person_id), owner)

    def _check_observation(self, obs: Observation) -> None:
        owner = f"observation {obs.id!r}"
        if obs.person_id not in self._state.people:
            raise self._missing("person", repr(obs.person_id), owner)
        self._competency(obs.competency, owner)
        if obs.scale_id not in self._state.scales:
            raise self._missing("scale", repr(obs.scale_id), owner)
        if obs.award_id is not None and obs.award_id not in self._state.awards:
            raise self._missing("award", repr(obs.award_id), owner)


class MemoryStore:
    """Holds committed state; each transaction works on a copy and swaps it in on success."""

    location = "memory"
    schema = None

    def __init__(self) -> None:
        self._state = _State()

    @contextmanager
    def transaction(self) -> Iterator[MemoryWorkspace]:
        # Values are frozen dataclasses, so copying the dicts (not the values) isolates
        # the transaction.
        working = _State(**{k: copy.copy(v) for k, v in vars(self._state).items()})
        workspace = MemoryWorkspace(working)
        yield workspace
        self._state = working

    def close(self) -> None:
        pass
