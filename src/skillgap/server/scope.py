"""Who sees what. The one place the server decides which people and groups a principal may
read; routes ask it before their service call.

- ``admin`` and ``hr``: everyone and every group;
- ``manager``: themselves and their reports, down the manager tree (``Person.manager_id``),
  and the teams and departments those people are in;
- ``employee``: themselves;
- ``reviewer``: no person (the quality and alignment queue, and credentials, only).

A person outside the caller's reach is answered exactly as a person who does not exist:
404, ``no person 'X'``; a team or department outside it, as one that does not exist. Never a
403 that would confirm the person is there. Aggregates are suppressed below the privacy
group size for everyone but an administrator (``AppContext.privacy``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from skillgap.domain import Person
from skillgap.domain.users import UserRole
from skillgap.errors import NotFoundError
from skillgap.server.auth import Principal, principal
from skillgap.server.context import AppContext, context
from skillgap.services import summary as shared
from skillgap.services import users as users_service
from skillgap.services.summary import ReportIndex
from skillgap.store import Store

WHOLE_ORGANISATION = frozenset({UserRole.ADMIN, UserRole.HR})
PEOPLE = frozenset({"people"})


@dataclass(frozen=True)
class Reach:
    """The people (and their teams and departments) a principal may read."""

    everyone: bool
    people: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()

    def sees(self, person_id: str | None) -> bool:
        return person_id is not None and (self.everyone or person_id in self.people)

    def sees_group(self, kind: str, name: str) -> bool:
        if self.everyone:
            return True
        names = self.teams if kind == "team" else self.departments
        return name.strip().casefold() in {n.casefold() for n in names}


def no_person(person_id: str) -> NotFoundError:
    """The one answer for a person who does not exist or is out of reach."""
    return NotFoundError(f"no person {person_id!r}")


def tree_below(person_id: str, people: Iterable[Person]) -> list[Person]:
    """``person_id``'s person and everyone reporting to them, directly or not (a loop in
    the manager tree is walked once)."""
    found = list(people)
    reports: dict[str, list[Person]] = {}
    by_id = {p.employee_id: p for p in found}
    for person in found:
        if person.manager_id is not None:
            reports.setdefault(person.manager_id, []).append(person)
    if person_id not in by_id:
        return []
    seen = {person_id}
    out = [by_id[person_id]]
    stack = [person_id]
    while stack:
        for report in reports.get(stack.pop(), []):
            if report.employee_id not in seen:
                seen.add(report.employee_id)
                out.append(report)
                stack.append(report.employee_id)
    return out


def reach_of(who: Principal, people: Iterable[Person] | None) -> Reach:
    """The reach of ``who``; ``people`` (everyone the workspace holds) is needed for a
    manager only."""
    if who.role in WHOLE_ORGANISATION:
        return Reach(everyone=True)
    if who.role is UserRole.REVIEWER or who.person_id is None:
        return Reach(everyone=False)
    if who.role is UserRole.EMPLOYEE:
        return Reach(everyone=False, people=frozenset({who.person_id}))
    mine = tree_below(who.person_id, people or ())
    active = [p for p in mine if p.active]
    return Reach(
        everyone=False,
        people=frozenset(p.employee_id for p in mine),
        teams=frozenset(p.team for p in active if p.team),
        departments=frozenset(p.department for p in active if p.department),
    )


def manager_reach(person_id: str, store: Store) -> Reach:
    """``reach_of`` a manager, from the workspace's people index and manager tree (kept by
    the server's read cache, with each manager's reach, until people change)."""
    with store.transaction() as ws:
        people = shared.people_index(ws)
        reports = shared.reports_index(ws, people)
        return shared.cached(
            ws, f"reach:{person_id}", PEOPLE, lambda _: _walk(person_id, people, reports)
        )


def _walk(person_id: str, people: Mapping[str, Person], reports: ReportIndex) -> Reach:
    if person_id not in people:
        return Reach(everyone=False)
    seen = {person_id}
    stack = [person_id]
    while stack:  # a loop in the manager tree is walked once
        for report in reports.get(stack.pop(), ()):
            if report not in seen:
                seen.add(report)
                stack.append(report)
    active = [people[p] for p in seen if people[p].active]
    return Reach(
        everyone=False,
        people=frozenset(seen),
        teams=frozenset(p.team for p in active if p.team),
        departments=frozenset(p.department for p in active if p.department),
    )


async def reach(
    who: Annotated[Principal, Depends(principal)], ctx: Annotated[AppContext, Depends(context)]
) -> Reach:
    """The dependency: the caller's reach (a manager's is read from the workspace)."""
    if who.role is UserRole.MANAGER and who.person_id is not None:
        return manager_reach(who.person_id, ctx.store)
    return reach_of(who, None)


def check_person(person_id: str, reached: Reach, ctx: AppContext) -> str:
    """``person_id`` if the caller may read that person, else the not-found answer."""
    if reached.everyone:
        if users_service.find_person(ctx.store, person_id) is None:
            raise no_person(person_id)
    elif not reached.sees(person_id):
        raise no_person(person_id)
    return person_id


async def person_in_reach(
    person_id: str,
    reached: Annotated[Reach, Depends(reach)],
    ctx: Annotated[AppContext, Depends(context)],
) -> str:
    """The dependency of the ``/people/{person_id}/...`` routes."""
    return check_person(person_id, reached, ctx)


def check_group(kind: str, name: str, reached: Reach) -> None:
    """A team or department the caller may read (admin and hr: any; the workspace says
    whether it exists); else the same answer as for one nobody is in."""
    if not reached.sees_group(kind, name):
        raise NotFoundError(f"no {kind} {name.strip()!r}")


def privacy_admin(who: Principal) -> bool:
    """Whether aggregates are shown to ``who`` without small-group suppression."""
    return who.role is UserRole.ADMIN
