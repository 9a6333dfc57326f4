"""MemoryStore: the in-memory twin of the workspace database.

It keeps the contract of ``SqlStore`` (the same contract suite runs on both): ids are
unique, references must resolve (the rules in ``references.py``), a refused batch writes
nothing, and a transaction that fails leaves nothing behind.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from skillgap.domain import (
    Achievement,
    Award,
    CompetencyRef,
    Framework,
    Issuer,
    Observation,
    Occupation,
    Person,
    ProficiencyScale,
    Role,
)
from skillgap.domain.catalog import CatalogItem
from skillgap.domain.governance import AuditEntry, PolicyRule
from skillgap.domain.pathways import Pathway, PathwayAward, Unit, UnitKind
from skillgap.domain.plans import Plan, PlanScope
from skillgap.domain.snapshots import Snapshot
from skillgap.domain.users import ApiToken, Session, User
from skillgap.errors import ConflictError, NotFoundError
from skillgap.issuing import IssuedCredential
from skillgap.store import REVISED_ON_REMOVAL, REVISION_KEY, UNREVISED, Revision
from skillgap.store.memory_extra import (
    MemoryAuditLog,
    MemoryLoginFailures,
    MemorySessionRepository,
    MemorySnapshotRepository,
    SnapshotPeriod,
)
from skillgap.store.references import catalog_problem, problem, removal_problem

T = TypeVar("T")
Written = list[tuple[dict[str, Any], str]]


@dataclass
class _State:
    scales: dict[str, ProficiencyScale] = field(default_factory=dict)
    frameworks: dict[str, Framework] = field(default_factory=dict)
    occupations: dict[str, Occupation] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    issuers: dict[str, Issuer] = field(default_factory=dict)
    achievements: dict[str, Achievement] = field(default_factory=dict)
    awards: dict[str, Award] = field(default_factory=dict)
    observations: dict[str, Observation] = field(default_factory=dict)
    issued: dict[str, IssuedCredential] = field(default_factory=dict)
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    #: area "snapshots" too (``_AREAS``): each period's ids and changes, by its last snapshot
    snapshot_periods: dict[str, SnapshotPeriod] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    catalog: dict[str, CatalogItem] = field(default_factory=dict)
    pathways: dict[str, Pathway] = field(default_factory=dict)
    pathway_awards: dict[str, PathwayAward] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    policies: dict[str, PolicyRule] = field(default_factory=dict)
    audit: dict[int, AuditEntry] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, ApiToken] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    login_failures: list[tuple[str, datetime]] = field(default_factory=list)


class MemoryLookup:
    def __init__(self, state: _State) -> None:
        self._state = state
        self._kinds: dict[str, dict[str, Any]] = {
            "scale": state.scales,
            "issuer": state.issuers,
            "achievement": state.achievements,
            "person": state.people,
            "award": state.awards,
            "catalog item": state.catalog,
            "pathway": state.pathways,
            "user": state.users,
        }

    def has(self, kind: str, key: str) -> bool:
        return key in self._kinds[kind]

    def has_competency(self, ref: CompetencyRef) -> bool:
        framework = self._state.frameworks.get(ref.framework)
        return framework is not None and framework.has(ref.code)

    def email_owner(self, email: str) -> str | None:
        for person in self._state.people.values():
            if email in person.emails:
                return person.employee_id
        return None

    def identifier_owner(self, identifier: str) -> str | None:
        for person in self._state.people.values():
            if identifier in person.identifiers:
                return person.employee_id
        return None

    def scale(self, scale_id: str) -> ProficiencyScale | None:
        return self._state.scales.get(scale_id)

    def issued_index_owner(self, index: int) -> str | None:
        for issued in self._state.issued.values():
            if issued.status_index == index:
                return issued.id
        return None

    def catalog_graph(self) -> dict[str, tuple[str, ...]]:
        return {key: item.prerequisites for key, item in self._state.catalog.items()}

    def pathways_using(self, item_id: str) -> list[str]:
        unit = Unit(UnitKind.ITEM, item_id)
        return sorted(k for k, p in self._state.pathways.items() if unit in p.units)

    def pathway_award_for(self, pathway_id: str) -> str | None:
        awards = self._state.pathway_awards.values()
        return min((a.id for a in awards if a.pathway_id == pathway_id), default=None)


class MemoryRepository(Generic[T]):
    def __init__(
        self,
        what: str,
        data: dict[str, T],
        key: Callable[[T], str],
        lookup: MemoryLookup,
        after_add: Callable[[T], Written] = lambda item: [],
        before_replace: Callable[[T, T], str | None] = lambda old, new: None,
        batch_problem: Callable[[list[T]], str | None] | None = None,
    ) -> None:
        self._what = what
        self._data = data
        self._key = key
        self._lookup = lookup
        self._after_add = after_add
        self._before_replace = before_replace
        self._batch_problem = batch_problem  # items of one batch may refer to each other

    def add(self, item: T) -> None:
        self.add_all([item])

    def add_all(self, items: Iterable[T]) -> None:
        batch = list(items)
        if self._batch_problem is not None:  # the ids first, then the batch as a whole
            seen: set[str] = set()
            for key in map(self._key, batch):
                if key in self._data:
                    raise ConflictError(f"{self._what} {key!r} already exists")
                if key in seen:
                    raise ConflictError(f"{self._what} {key!r} appears twice in one batch")
                seen.add(key)
            batch_reason = self._batch_problem(batch)
            if batch_reason is not None:
                raise ConflictError(batch_reason)
        written: Written = []
        try:
            for item in batch:
                key = self._key(item)
                if key in self._data:
                    raise ConflictError(f"{self._what} {key!r} already exists")
                reason = None if self._batch_problem else problem(item, self._lookup)
                if reason is not None:
                    raise ConflictError(reason)
                self._data[key] = item
                written.append((self._data, key))
                written.extend(self._after_add(item))
        except BaseException:
            for data, key in reversed(written):  # a refused batch writes nothing
                del data[key]
            raise

    def put(self, item: T) -> None:
        key = self._key(item)
        old = self._data.get(key)
        if old is None:
            self.add(item)
            return
        reason = problem(item, self._lookup) or self._before_replace(old, item)
        if reason is not None:
            raise ConflictError(reason)
        self._data[key] = item
        self._after_add(item)

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


class MemoryRemovableRepository(MemoryRepository[T]):
    def remove(self, key: str) -> None:
        if key not in self._data:
            raise NotFoundError(f"no {self._what} {key!r}")
        reason = removal_problem(self._what, key, self._lookup)
        if reason is not None:
            raise ConflictError(reason)
        del self._data[key]


class MemoryPlanRepository(MemoryRepository[Plan]):
    def for_subject(self, scope: PlanScope, subject: str) -> list[Plan]:
        chosen = [p for p in self._data.values() if p.scope is scope and p.subject == subject]
        return sorted(chosen, key=lambda p: (p.created_at, p.id))


class MemoryPersonRepository(MemoryRepository[Person]):
    def by_email(self, email: str) -> Person | None:
        owner = self._lookup.email_owner(email.strip().lower())
        return None if owner is None else self._data[owner]


class MemoryScopedRepository(MemoryRepository[T]):
    def for_person(self, employee_id: str) -> list[T]:
        return [item for item in self.list() if getattr(item, "person_id", None) == employee_id]


class MemoryOccupationRepository(MemoryRepository[Occupation]):
    def for_framework(self, framework_id: str) -> list[Occupation]:
        return [o for o in self.list() if o.framework == framework_id]

    def remove_for_framework(self, framework_id: str) -> int:
        doomed = [k for k, o in self._data.items() if o.framework == framework_id]
        for key in doomed:
            del self._data[key]
        return len(doomed)


class MemoryIssuedRepository(MemoryRepository[IssuedCredential]):
    def next_index(self) -> int:
        return max((c.status_index for c in self._data.values()), default=-1) + 1


class MemoryMeta:
    def __init__(self, data: dict[str, str]) -> None:
        self._data = data

    def get(self, key: str) -> str | None:
        return self._data.get(key)

    def set(self, key: str, value: str) -> None:
        self._data[key] = value

    def items(self) -> dict[str, str]:
        return dict(sorted((k, v) for k, v in self._data.items() if k != REVISION_KEY))

    def revision(self) -> Revision:
        return Revision.from_text(self._data.get(REVISION_KEY))


class MemoryWorkspace:
    def __init__(self, state: _State) -> None:
        self._state = s = state
        look = MemoryLookup(state)
        self.scales = MemoryRepository("scale", s.scales, lambda x: x.id, look)
        self.frameworks = MemoryRepository(
            "framework", s.frameworks, lambda x: x.id, look, self._store_scale, self._dropped_in_use
        )
        self.occupations = MemoryOccupationRepository(
            "occupation", s.occupations, lambda x: x.id, look
        )
        self.roles = MemoryRepository("role", s.roles, lambda x: x.id, look)
        self.people = MemoryPersonRepository("person", s.people, lambda x: x.employee_id, look)
        self.issuers = MemoryRepository("issuer", s.issuers, lambda x: x.id, look)
        self.achievements = MemoryRepository("achievement", s.achievements, lambda x: x.id, look)
        self.awards = MemoryScopedRepository("award", s.awards, lambda x: x.id, look)
        self.observations = MemoryScopedRepository(
            "observation", s.observations, lambda x: x.id, look
        )
        self.issued = MemoryIssuedRepository("issued credential", s.issued, lambda x: x.id, look)
        self.snapshots = MemorySnapshotRepository(s.snapshots, s.snapshot_periods)
        self.meta = MemoryMeta(s.meta)
        self.catalog = MemoryRemovableRepository(
            "catalog item",
            s.catalog,
            lambda x: x.id,
            look,
            batch_problem=lambda items: catalog_problem(items, look),
        )
        self.pathways = MemoryRemovableRepository("pathway", s.pathways, lambda x: x.id, look)
        self.pathway_awards = MemoryScopedRepository(
            "pathway award", s.pathway_awards, lambda x: x.id, look
        )
        self.plans = MemoryPlanRepository("plan", s.plans, lambda x: x.id, look)
        self.policies = MemoryRemovableRepository("policy rule", s.policies, lambda x: x.id, look)
        self.audit = MemoryAuditLog(s.audit)
        self.users = MemoryRepository("user", s.users, lambda x: x.id, look)
        self.tokens = MemoryRepository("API token", s.tokens, lambda x: x.id, look)
        self.sessions = MemorySessionRepository(s.sessions, look)
        self.login_failures = MemoryLoginFailures(s.login_failures)

    def _store_scale(self, framework: Framework) -> Written:
        """A framework brings its scale: stored with it unless that scale is there already."""
        if framework.scale.id in self._state.scales:
            return []
        self._state.scales[framework.scale.id] = framework.scale
        return [(self._state.scales, framework.scale.id)]

    def _dropped_in_use(self, old: Framework, new: Framework) -> str | None:
        """A replaced framework may not drop a competency anything still refers to (the SQL
        store's foreign keys, written out)."""
        dropped = {c.ref for c in old.competencies} - {c.ref for c in new.competencies}
        if not dropped:
            return None
        state = self._state
        users: list[tuple[str, set[CompetencyRef]]] = [
            *(
                (f"role {r.id!r}", {q.competency for q in r.requirements})
                for r in state.roles.values()
            ),
            *(
                (f"achievement {a.id!r}", {x.competency for x in a.alignments if x.competency})
                for a in state.achievements.values()
            ),
            *((f"observation {o.id!r}", {o.competency}) for o in state.observations.values()),
            *(
                (f"occupation {o.id!r}", {k.competency for k in o.skills})
                for o in state.occupations.values()
            ),
        ]
        for who, refs in users:
            used = dropped & refs
            if used:
                return (
                    f"cannot replace framework {new.id!r}: it drops competency "
                    f"{min(used)}, which {who} still refers to"
                )
        return None

    def clear(self) -> None:
        revision = self._state.meta.get(REVISION_KEY)
        for value in vars(self._state).values():
            value.clear()
        if revision is not None:
            self._state.meta[REVISION_KEY] = revision


#: State fields that are not an area of their own (the area is a repository's name).
_AREAS = {"snapshot_periods": "snapshots"}


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
        ws = MemoryWorkspace(working)
        yield ws
        # The state's fields are the areas (repository names); values compare by identity
        # first, so an unchanged dict costs one pass of pointer comparisons.
        before = vars(self._state)
        purged = ws.sessions.purged  # removed as expired: no revision (store.EXPIRED_ONLY)
        written = {
            _AREAS.get(k, k)
            for k, v in vars(working).items()
            if (k not in UNREVISED and v != before[k])
            or (
                k in REVISED_ON_REMOVAL
                and v != before[k]
                and any(key not in v and key not in purged for key in before[k])
            )
        }
        if written:
            now = Revision.from_text(working.meta.get(REVISION_KEY)).after(written)
            working.meta[REVISION_KEY] = now.to_text()
        self._state = working

    def close(self) -> None:
        pass
