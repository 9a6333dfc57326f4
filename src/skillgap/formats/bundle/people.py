"""Bundle files about people: people.csv and claims.csv (self and manager ratings)."""

from __future__ import annotations

from pathlib import Path

from skillgap.domain import BUILTIN_SCALES, Framework, Observation, Person, SourceKind
from skillgap.domain.people import check_manager_tree, normalise_email
from skillgap.errors import InputError, ValidationError
from skillgap.formats.bundle.skills import competency_ref
from skillgap.formats.tabular import (
    CsvRow,
    Where,
    as_date,
    as_enum,
    as_int,
    read_csv,
    rule_broken,
    unique,
)

PEOPLE_COLUMNS = ["employee_id", "name", "email", "department", "team", "manager_id", "role_id"]
CLAIM_COLUMNS = ["employee_id", "competency", "level", "scale", "source", "rated_on"]


def read_people(path: Path, role_ids: set[str]) -> tuple[Person, ...]:
    people = []
    extra_skip = {*PEOPLE_COLUMNS, "hire_date"}
    for row in read_csv(path, PEOPLE_COLUMNS):
        role_id = row.text("role_id", required=False)
        if role_id is not None and role_id not in role_ids:
            raise row.error("role_id", f"unknown role {role_id!r}")
        hire = row.text("hire_date", required=False)
        emails = [normalise_email(e) for e in (row.text("email", required=False) or "").split(";")]
        try:
            people.append(
                Person(
                    employee_id=row.req("employee_id"),
                    name=row.req("name"),
                    emails=tuple(e for e in emails if e),
                    department=row.text("department", required=False),
                    team=row.text("team", required=False),
                    manager_id=row.text("manager_id", required=False),
                    role_id=role_id,
                    hire_date=as_date(hire, Where(row.file, "hire_date", row.number))
                    if hire
                    else None,
                    attributes={
                        k: v.strip()
                        for k, v in row.cells.items()
                        if k not in extra_skip and v.strip()
                    },
                )
            )
        except ValidationError as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(str(exc), file=row.file, row=row.number) from None
    unique([p.employee_id for p in people], Where(path.name, "employee_id"), "employee id")
    unique([e for p in people for e in p.emails], Where(path.name, "email"), "e-mail")
    try:
        check_manager_tree(people)
    except ValidationError as exc:
        raise InputError(str(exc), file=path.name, field="manager_id") from None
    return tuple(people)


def read_claims(
    path: Path, framework: Framework, people: tuple[Person, ...]
) -> tuple[Observation, ...]:
    person_ids = {p.employee_id for p in people}
    claims = []
    for row in read_csv(path, CLAIM_COLUMNS):

        def where(field: str, row: CsvRow = row) -> Where:
            return Where(row.file, field, row.number)

        person = row.req("employee_id")
        if person not in person_ids:
            raise row.error("employee_id", f"unknown person {person!r}")
        scale_id = row.req("scale")
        scale = BUILTIN_SCALES.get(scale_id)
        if scale is None:
            raise row.error(
                "scale", f"unknown scale {scale_id!r} (known: {', '.join(BUILTIN_SCALES)})"
            )
        level = as_int(row.req("level"), where("level"))
        try:
            scale.level(level)
        except ValidationError as exc:
            raise rule_broken(exc, where("level")) from None
        source = as_enum(row.req("source"), SourceKind, where("source"))
        if source not in (SourceKind.SELF, SourceKind.MANAGER):
            raise row.error("source", "a claim's source must be self or manager")
        rater = row.text("rated_by", required=False)
        claims.append(
            Observation(
                id=f"claim-{row.number - 1:05d}",
                person_id=person,
                competency=competency_ref(framework, row.req("competency"), where("competency")),
                level=level,
                scale_id=scale.id,
                source=source,
                observed_on=as_date(row.req("rated_on"), where("rated_on")),
                confidence=source.default_confidence,
                provenance=f"{source.value} rating"
                + (f" by {rater}" if rater and source is SourceKind.MANAGER else "")
                + f" ({path.name} row {row.number})",
            )
        )
    return tuple(claims)
