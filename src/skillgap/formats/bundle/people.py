"""Bundle files about people: people.csv and claims.csv (self and manager ratings)."""

from __future__ import annotations

from pathlib import Path

from skillgap.domain import BUILTIN_SCALES, Framework, Observation, Person, SourceKind
from skillgap.domain.people import check_manager_tree, normalise_email
from skillgap.errors import InputError
from skillgap.formats.bundle.skills import competency_ref
from skillgap.formats.tabular import (
    CsvRow,
    as_date,
    as_enum,
    as_flag,
    as_int,
    read_csv,
    rules_at,
    unique,
)

PEOPLE_COLUMNS = ["employee_id", "name", "email", "department", "team", "manager_id", "role_id"]
NOT_ATTRIBUTES = {*PEOPLE_COLUMNS, "hire_date", "active"}  # other columns are attributes
CLAIM_COLUMNS = ["employee_id", "competency", "level", "scale", "source", "rated_on"]


def read_people(path: Path, role_ids: set[str]) -> tuple[Person, ...]:
    found = [(_person(row, role_ids), row) for row in read_csv(path, PEOPLE_COLUMNS)]
    unique([(p.employee_id, row.where("employee_id")) for p, row in found], "employee id")
    unique([(e, row.where("email")) for p, row in found for e in p.emails], "e-mail")
    people = [p for p, _ in found]
    _check_managers(people, {p.employee_id: row for p, row in found})
    return tuple(people)


def _person(row: CsvRow, role_ids: set[str]) -> Person:
    employee_id = row.req("employee_id")
    role_id = row.text("role_id", required=False)
    if role_id is not None and role_id not in role_ids:
        raise row.error("role_id", f"unknown role {role_id!r}")
    manager_id = row.text("manager_id", required=False)
    if manager_id == employee_id:
        raise row.error("manager_id", f"person {employee_id!r} cannot manage themselves")
    emails = [normalise_email(e) for e in (row.text("email", required=False) or "").split(";")]
    for email in emails:
        if email and "@" not in email:
            raise row.error("email", f"{email!r} is not an e-mail address")
    hire = row.text("hire_date", required=False)
    active = row.text("active", required=False)
    with rules_at(row.where("employee_id")):
        return Person(
            employee_id=employee_id,
            name=row.req("name"),
            emails=tuple(e for e in emails if e),
            department=row.text("department", required=False),
            team=row.text("team", required=False),
            manager_id=manager_id,
            role_id=role_id,
            active=True if active is None else as_flag(active, row.where("active")),
            hire_date=as_date(hire, row.where("hire_date")) if hire else None,
            attributes={
                k: v.strip() for k, v in row.cells.items() if k not in NOT_ATTRIBUTES and v.strip()
            },
        )


def _check_managers(people: list[Person], rows: dict[str, CsvRow]) -> None:
    """The rules of ``check_manager_tree``, each error at the row of the person concerned.

    Walks each chain of managers once; the domain check confirms at the end, given the
    people managers first (which keeps it linear, however deep the tree).
    """
    by_id = {p.employee_id: p for p in people}
    for p in people:
        if p.manager_id is not None and p.manager_id not in by_id:
            raise rows[p.employee_id].error(
                "manager_id",
                f"person {p.employee_id!r} has manager {p.manager_id!r}, "
                "who is not among the people",
            )
    ordered: list[Person] = []  # managers before the people they manage
    placed: set[str] = set()
    for person in people:
        chain: dict[str, int] = {}  # from the person up to one placed already: position
        node: str | None = person.employee_id
        while node is not None and node not in placed:
            if node in chain:
                raise _cycle([*chain][chain[node] :], rows)
            chain[node] = len(chain)
            node = by_id[node].manager_id
        ordered.extend(by_id[i] for i in reversed(chain))
        placed.update(chain)
    check_manager_tree(ordered)


def _cycle(loop: list[str], rows: dict[str, CsvRow]) -> InputError:
    """Names the loop from the person in it who comes first in the file."""
    first = min(loop, key=lambda i: rows[i].number)
    start = loop.index(first)
    shown = " -> ".join([*loop[start:], *loop[:start], first])
    return rows[first].error("manager_id", f"the manager tree has a cycle: {shown}")


def read_claims(
    path: Path, framework: Framework, people: tuple[Person, ...]
) -> tuple[Observation, ...]:
    person_ids = {p.employee_id for p in people}
    return tuple(_claim(row, framework, person_ids) for row in read_csv(path, CLAIM_COLUMNS))


def _claim(row: CsvRow, framework: Framework, person_ids: set[str]) -> Observation:
    person = row.req("employee_id")
    if person not in person_ids:
        raise row.error("employee_id", f"unknown person {person!r}")
    scale_id = row.req("scale")
    scale = BUILTIN_SCALES.get(scale_id)
    if scale is None:
        known = ", ".join(BUILTIN_SCALES)
        raise row.error("scale", f"unknown scale {scale_id!r} (known: {known})")
    level = as_int(row.req("level"), row.where("level"))
    with rules_at(row.where("level")):
        scale.level(level)
    source = as_enum(row.req("source"), SourceKind, row.where("source"))
    if source not in (SourceKind.SELF, SourceKind.MANAGER):
        raise row.error("source", "a claim's source must be self or manager")
    rater = row.text("rated_by", required=False)
    by = f" by {rater}" if rater and source is SourceKind.MANAGER else ""
    with rules_at(row.where("source")):
        return Observation(
            id=f"claim-{row.number:08d}",  # the row number: ids sort in file order
            person_id=person,
            competency=competency_ref(framework, row.req("competency"), row.where("competency")),
            level=level,
            scale_id=scale.id,
            source=source,
            observed_on=as_date(row.req("rated_on"), row.where("rated_on")),
            confidence=source.default_confidence,
            provenance=f"{source.value} rating{by} ({row.file} row {row.number})",
        )
