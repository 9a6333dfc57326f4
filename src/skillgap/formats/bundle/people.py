"""Bundle files about people: people.csv and claims.csv (self and manager ratings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skillgap.domain import BUILTIN_SCALES, Observation, Person, SourceKind
from skillgap.domain.people import check_manager_tree, normalise_email
from skillgap.errors import InputError, ValidationError
from skillgap.formats.bundle.checks import Known, Read, read_rows, settle
from skillgap.formats.bundle.skills import FrameworkRead
from skillgap.formats.collect import ErrorList
from skillgap.formats.sheets import RowReader, SheetRow
from skillgap.formats.tabular import Where, as_date, as_enum, as_flag, as_int

PEOPLE_COLUMNS = ["employee_id", "name", "email", "department", "team", "manager_id", "role_id"]
NOT_ATTRIBUTES = {*PEOPLE_COLUMNS, "hire_date", "active"}  # other columns are attributes
CLAIM_COLUMNS = ["employee_id", "competency", "level", "scale", "source", "rated_on"]


@dataclass(frozen=True)
class _PersonRow:
    """A person who read well, and the row that gave them (to locate later errors)."""

    person: Person
    row: SheetRow


def read_people(path: Path, roles: Known, errors: ErrorList) -> tuple[tuple[Person, ...], Known]:
    """The people who read well, and the ids of all; the errors of the others are kept."""
    read = [_person(row, roles, errors) for row in read_rows(path, PEOPLE_COLUMNS)]
    found, _ = settle(read, "employee id", errors)
    people: list[_PersonRow] = []
    seen: dict[str, Where] = {}  # e-mail: where it was first given
    for p in found:
        twice = False
        where = p.row.where("email")
        for email in p.person.emails:
            if email in seen:
                errors.add(
                    where.error(f"e-mail {email!r} appears twice (first at {seen[email].place})")
                )
                twice = True
            seen.setdefault(email, where)
        if not twice:
            people.append(p)
    good = frozenset(p.person.employee_id for p in people)
    known = Known(good, frozenset(r.id for r in read if r.id is not None) - good)
    _check_managers(people, known, errors)
    return tuple(p.person for p in people), known


def _person(row: SheetRow, roles: Known, errors: ErrorList) -> Read[_PersonRow]:
    r = RowReader(row)
    employee_id = r.text("employee_id", required=True)
    name = r.text("name", required=True)
    emails = r.get("email", _emails)
    manager_id = r.text("manager_id")
    if manager_id is not None and manager_id == employee_id:
        r.fail("manager_id", f"person {employee_id!r} cannot manage themselves")
    role_id = r.text("role_id")
    if role_id is not None and roles.unknown(role_id):
        r.fail("role_id", f"unknown role {role_id!r}")
    department = r.text("department")
    team = r.text("team")
    hire = r.get("hire_date", as_date)
    active = r.get("active", as_flag)
    person = None
    if r.ok and employee_id is not None and name is not None:
        try:
            person = Person(
                employee_id=employee_id,
                name=name,
                emails=emails or (),
                department=department,
                team=team,
                manager_id=manager_id,
                role_id=role_id,
                active=True if active is None else active,
                hire_date=hire,
                attributes={k: v for k, v in row.cells.items() if k not in NOT_ATTRIBUTES and v},
            )
        except ValidationError as exc:
            r.fail("employee_id", str(exc))
    errors.extend(r.errors)
    value = _PersonRow(person, row) if person is not None and r.ok else None
    return Read(employee_id, value, row.where("employee_id"))


def _emails(text: str, where: Where) -> tuple[str, ...]:
    emails = [normalise_email(e) for e in text.split(";")]
    for email in emails:
        if email and "@" not in email:
            raise where.error(f"{email!r} is not an e-mail address")
    return tuple(e for e in emails if e)


def _check_managers(people: list[_PersonRow], known: Known, errors: ErrorList) -> None:
    """The rules of ``check_manager_tree``, each error at the row of the person concerned.

    Walks each chain of managers once; the domain check confirms at the end, given the
    people managers first (which keeps it linear, however deep the tree). A manager who
    is a person with errors is not reported (that person's errors are).
    """
    before = len(errors)
    by_id = {p.person.employee_id: p for p in people}
    for p in people:
        manager = p.person.manager_id
        if manager is not None and known.unknown(manager):
            errors.add(
                p.row.where("manager_id").error(
                    f"person {p.person.employee_id!r} has manager {manager!r}, "
                    "who is not among the people"
                )
            )
    ordered: list[Person] = []  # managers before the people they manage
    placed: set[str] = set()
    for p in people:
        chain: dict[str, int] = {}  # from the person up to one placed already: position
        node: str | None = p.person.employee_id
        while node is not None and node not in placed:
            if node in chain:
                errors.add(_cycle([*chain][chain[node] :], by_id))
                break
            chain[node] = len(chain)
            manager = by_id[node].person.manager_id
            node = manager if manager in by_id else None
        ordered.extend(by_id[i].person for i in reversed(chain))
        placed.update(chain)
    if len(errors) == before and not known.failed:  # else the errors are reported anyway
        check_manager_tree(ordered)


def _cycle(loop: list[str], rows: dict[str, _PersonRow]) -> InputError:
    """Names the loop from the person in it who comes first in the file."""
    first = min(loop, key=lambda i: rows[i].row.number)
    start = loop.index(first)
    shown = " -> ".join([*loop[start:], *loop[:start], first])
    return rows[first].row.where("manager_id").error(f"the manager tree has a cycle: {shown}")


def read_claims(
    path: Path, framework: FrameworkRead, people: Known, errors: ErrorList
) -> tuple[Observation, ...]:
    """The claims that read well; the errors of the others are kept in ``errors``."""
    claims = (_claim(row, framework, people, errors) for row in read_rows(path, CLAIM_COLUMNS))
    return tuple(c for c in claims if c is not None)


def _claim(
    row: SheetRow, framework: FrameworkRead, people: Known, errors: ErrorList
) -> Observation | None:
    r = RowReader(row)
    person = r.text("employee_id", required=True)
    if person is not None and people.unknown(person):
        r.fail("employee_id", f"unknown person {person!r}")
    competency = r.get("competency", framework.competency, required=True)
    level = r.get("level", as_int, required=True)
    scale_id = r.text("scale", required=True)
    scale = None if scale_id is None else BUILTIN_SCALES.get(scale_id)
    if scale_id is not None and scale is None:
        known = ", ".join(BUILTIN_SCALES)
        r.fail("scale", f"unknown scale {scale_id!r} (known: {known})")
    if scale is not None and level is not None:
        try:
            scale.level(level)
        except ValidationError as exc:
            r.fail("level", str(exc))
    source = r.get("source", _source, required=True)
    rater = r.text("rated_by")
    rated_on = r.get("rated_on", as_date, required=True)
    claim = None
    if (
        r.ok
        and person is not None
        and competency is not None
        and level is not None
        and scale is not None
        and source is not None
        and rated_on is not None
    ):
        by = f" by {rater}" if rater and source is SourceKind.MANAGER else ""
        try:
            claim = Observation(
                id=f"claim-{row.number:08d}",  # the row number: ids sort in file order
                person_id=person,
                competency=competency,
                level=level,
                scale_id=scale.id,
                source=source,
                observed_on=rated_on,
                confidence=source.default_confidence,
                provenance=f"{source.value} rating{by} ({row.file} row {row.number})",
            )
        except ValidationError as exc:
            r.fail("source", str(exc))
    errors.extend(r.errors)
    return claim if r.ok else None


def _source(text: str, where: Where) -> SourceKind:
    source = as_enum(text, SourceKind, where)
    if source not in (SourceKind.SELF, SourceKind.MANAGER):
        raise where.error("a claim's source must be self or manager")
    return source
