"""People: import an HR export (upsert by employee id), list, show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from skillgap.clock import Clock
from skillgap.domain import Person
from skillgap.domain.people import check_manager_tree
from skillgap.domain.snapshots import IMPORT_PEOPLE
from skillgap.errors import NotFoundError, ValidationError, WorkspaceMissing
from skillgap.formats.people import read_people_table, write_rejects
from skillgap.services.snapshots import record_snapshot
from skillgap.services.workspace import StoreOpener
from skillgap.store import Store


@dataclass(frozen=True)
class PeopleResult:
    added: int
    updated: int
    unchanged: int
    deactivated: tuple[str, ...]
    rejected: int
    rejects_file: Path | None
    warnings: tuple[str, ...]


def import_people(
    path: Path,
    open_workspace: StoreOpener,
    *,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    skip_invalid: bool = False,
    full: bool = False,
    rejects_path: Path | None = None,
    clock: Clock | None = None,
) -> PeopleResult:
    """Validate the whole export, then store it in one transaction.

    People are matched by employee id: new ones are added, known ones updated. With ``full``
    the file is the whole organisation: active people missing from it become inactive
    (never deleted). Without ``skip_invalid`` any invalid row stops the import and every
    error of the file is reported; with it the valid rows are stored and the others written
    to a reject file (``rejects_path``, default ``<file>.rejects.csv``).
    """
    if full and skip_invalid:
        raise ValidationError(
            "a full export with invalid rows skipped would make the people of those rows "
            "inactive: fix the file, or import it without full (--full)"
        )
    known_ids, known_roles = _known(open_workspace)
    warnings: list[str] = []
    if not known_roles:
        warnings.append("roles are not checked: the workspace holds no roles yet")
    imported = read_people_table(
        path,
        mapping=mapping,
        sheet=sheet,
        skip_invalid=skip_invalid,
        known_ids=known_ids,
        known_roles=known_roles or None,
    )
    warnings.extend(imported.warnings)
    added = updated = unchanged = 0
    deactivated: list[str] = []
    with open_workspace(True) as store, store.transaction() as ws:
        stored = {p.employee_id: p for p in ws.people.list()}
        incoming = {p.employee_id for p in imported.people}
        result = dict(stored)
        result.update({p.employee_id: p for p in imported.people})
        if full:
            for employee_id, person in stored.items():
                if employee_id not in incoming and person.active:
                    result[employee_id] = replace(person, active=False)
                    deactivated.append(employee_id)
        try:
            check_manager_tree(list(result.values()))
        except ValidationError as exc:
            raise ValidationError(f"{path.name}: {exc}") from None
        for person in imported.people:
            old = stored.get(person.employee_id)
            if old is None:
                added += 1
            elif old == person:
                unchanged += 1
                continue
            else:
                updated += 1
            ws.people.put(person)
        for employee_id in deactivated:
            ws.people.put(result[employee_id])
        if added or updated or deactivated:  # the import's result, as of today (clock)
            record_snapshot(ws, clock, reason=IMPORT_PEOPLE)
    rejects_file = None
    if imported.rejects:
        rejects_file = rejects_path or path.with_name(path.stem + ".rejects.csv")
        write_rejects(imported.rejects, rejects_file)
    return PeopleResult(
        added,
        updated,
        unchanged,
        tuple(deactivated),
        len(imported.rejects),
        rejects_file,
        tuple(warnings),
    )


def _known(open_workspace: StoreOpener) -> tuple[set[str], set[str]]:
    try:
        with open_workspace(False) as store, store.transaction() as ws:
            return {p.employee_id for p in ws.people.list()}, {r.id for r in ws.roles.list()}
    except WorkspaceMissing:
        return set(), set()


def list_people(
    store: Store,
    *,
    department: str | None = None,
    team: str | None = None,
    role: str | None = None,
    include_inactive: bool = False,
) -> list[Person]:
    with store.transaction() as ws:
        people = ws.people.list()
    return [
        p
        for p in people
        if (include_inactive or p.active)
        and (department is None or p.department == department)
        and (team is None or p.team == team)
        and (role is None or p.role_id == role)
    ]


@dataclass(frozen=True)
class PersonView:
    person: Person
    managers: tuple[Person, ...]  # the chain upwards, nearest first
    reports: tuple[Person, ...]  # direct reports
    role_name: str | None
    awards: int
    ratings: int


def show_person(store: Store, employee_id: str) -> PersonView:
    with store.transaction() as ws:
        person = ws.people.find(employee_id)
        if person is None:
            raise NotFoundError(f"no person with employee id {employee_id!r}")
        people = {p.employee_id: p for p in ws.people.list()}
        role = ws.roles.find(person.role_id) if person.role_id else None
        awards = len(ws.awards.for_person(employee_id))
        ratings = len(ws.observations.for_person(employee_id))
    chain: list[Person] = []
    boss = people.get(person.manager_id) if person.manager_id else None
    while boss is not None and boss not in chain:
        chain.append(boss)
        boss = people.get(boss.manager_id) if boss.manager_id else None
    reports = tuple(p for p in people.values() if p.manager_id == employee_id)
    return PersonView(person, tuple(chain), reports, role.name if role else None, awards, ratings)
