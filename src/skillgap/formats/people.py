"""People from an HR export: a CSV file or an XLSX sheet, its columns mapped to skillgap's.

Columns (after ``--map``; ``sheets`` says how cells are read):

    employee_id    required; unique in the file
    name           required; or first_name and last_name, joined by a space (read when the
                   file has no name column, or the row's name is empty)
    email          optional; several separated by ';' or ','; each unique in the file
    department     optional
    team           optional
    manager_id     optional: the employee_id of a person in the file (or, given ``known_ids``,
                   of one already stored); following managers must never loop
    role           optional: a role id (a ``role_id`` column is read as role, as in a bundle);
                   checked only when ``known_roles`` is given
    hire_date      optional: YYYY-MM-DD, or a date cell
    active         optional: yes/no, true/false or 1/0 (empty: yes)
    identifiers    optional: DIDs or URLs naming the person as a credential recipient,
                   separated by ';' (did:web:example.org:ann; https://id.example/ann);
                   each unique in the file

Every other column is kept as an attribute of the person (column name: value; empty cells
left out), but for a ``reject_reason`` column (which ``write_rejects`` adds), so a fixed
reject file imports as it is. E-mail addresses are stored in lower case.

Every error of the file is reported at once (``InputErrors``), nothing returned. With
``skip_invalid`` the rows in error come back as rejects, with their reasons, and so does each
row whose manager is a rejected row (and so on down the tree): it would refer to a person
who is not imported. ``write_rejects`` writes them to a CSV file to fix and import again.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skillgap.domain import Person
from skillgap.domain.people import is_identifier, normalise_email
from skillgap.errors import InputError, ValidationError
from skillgap.formats.collect import ErrorList, safe_cell
from skillgap.formats.sheets import RowReader, SheetRow, Table, read_table
from skillgap.formats.tabular import Where, as_date, as_flag

#: The columns read as a person's fields; every other column is an attribute.
FIELDS = frozenset(
    {
        "employee_id",
        "name",
        "first_name",
        "last_name",
        "email",
        "department",
        "team",
        "manager_id",
        "role",
        "role_id",
        "hire_date",
        "active",
        "identifiers",
    }
)

REJECT_REASON = "reject_reason"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_EMAIL_SEPARATOR = re.compile(r"[;,]")
# How a cell a spreadsheet program could take for a formula starts (OWASP, CSV injection).


@dataclass(frozen=True)
class RejectedRow:
    """A row left out, as the file has it (``header``, ``values``), and why (``errors``)."""

    file: str
    row: int
    header: tuple[str, ...]
    values: tuple[str, ...]
    errors: tuple[InputError, ...]

    @property
    def cells(self) -> dict[str, str]:
        return {h: v for h, v in zip(self.header, self.values, strict=True) if h}

    @property
    def reasons(self) -> tuple[str, ...]:
        """Each error without its file and row: ``column 'email': 'x' is not ...``."""
        return tuple(
            f"column {e.field!r}: {e.reason}" if e.field else e.reason for e in self.errors
        )


@dataclass(frozen=True)
class PeopleImport:
    people: tuple[Person, ...]
    rejects: tuple[RejectedRow, ...] = ()
    warnings: tuple[str, ...] = ()
    #: The row each person was read from, by employee id (to locate later errors).
    rows: Mapping[str, int] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class _Columns:
    """What the header holds that changes how rows are read."""

    role: str  # "role", or "role_id"
    name: bool
    first_last: bool


@dataclass
class _Draft:
    """What could be read of one row; its ``person`` counts only while ``errors`` is empty."""

    row: SheetRow
    errors: list[InputError]
    employee_id: str | None = None
    emails: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    manager_id: str | None = None
    person: Person | None = None

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(self.row.error(field, reason))


def read_people_table(
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    sheet: str | None = None,
    known_ids: set[str] | None = None,
    known_roles: set[str] | None = None,
) -> PeopleImport:
    """The people in an HR export, validated as a whole (see the module's description).

    ``known_ids``: the employee ids already stored; they satisfy a manager reference too (a
    partial update). ``known_roles``: when given, each role must be one of them. Raises
    ``InputError`` for a file that cannot be read as a table, ``InputErrors`` otherwise.
    """
    table = read_table(path, sheet=sheet, mapping=mapping)
    columns = _columns(table)
    drafts = [_draft(row, columns, known_roles) for row in table]
    _check_unique(drafts, "employee_id", "employee id", lambda d: (d.employee_id,))
    _check_unique(drafts, "email", "e-mail", lambda d: d.emails)
    _check_unique(drafts, "identifiers", "identifier", lambda d: d.identifiers)
    _check_managers(drafts, known_ids)
    if not skip_invalid:
        errors = ErrorList()
        for d in drafts:
            errors.extend(d.errors)
        errors.raise_if_any()
    else:
        _reject_orphans(drafts, known_ids or set())
    good = [d for d in drafts if not d.errors and d.person is not None]
    return PeopleImport(
        people=tuple(d.person for d in good if d.person is not None),
        rejects=tuple(
            RejectedRow(table.file, d.row.number, table.header, d.row.original, tuple(d.errors))
            for d in drafts
            if d.errors
        ),
        warnings=_warnings(table),
        rows={d.person.employee_id: d.row.number for d in good if d.person is not None},
    )


def _columns(table: Table) -> _Columns:
    errors = ErrorList()
    if not table.has("employee_id"):
        errors.add(table.missing("employee_id"))
    first_last = table.has("first_name") and table.has("last_name")
    if not table.has("name") and not first_last:
        errors.add(table.missing("name", "missing column name (or first_name and last_name)"))
    if table.has("role") and table.has("role_id"):
        reason = "columns role and role_id both give the role: keep one"
        errors.add(InputError(reason, file=table.file, row=1))
    errors.raise_if_any()
    return _Columns("role" if table.has("role") else "role_id", table.has("name"), first_last)


def _draft(row: SheetRow, columns: _Columns, known_roles: set[str] | None) -> _Draft:
    r = RowReader(row)
    d = _Draft(row, r.errors)
    d.employee_id = r.text("employee_id", required=True)
    name = _name(r, columns)
    d.emails = r.get("email", _emails) or ()
    d.identifiers = r.get("identifiers", _identifiers) or ()
    manager = r.text("manager_id")
    if manager is not None and manager == d.employee_id:
        r.fail("manager_id", f"person {manager!r} cannot manage themselves")
    else:
        d.manager_id = manager
    role = r.text(columns.role)
    if role is not None and known_roles is not None and role not in known_roles:
        r.fail(columns.role, f"unknown role {role!r}")
    hire_date = r.get("hire_date", as_date)
    active = r.get("active", as_flag)
    if r.ok and d.employee_id is not None and name is not None:
        try:
            d.person = Person(
                employee_id=d.employee_id,
                name=name,
                emails=d.emails,
                department=r.text("department"),
                team=r.text("team"),
                manager_id=manager,
                role_id=role,
                active=True if active is None else active,
                hire_date=hire_date,
                attributes={
                    k: v for k, v in row.cells.items() if k not in FIELDS and k != REJECT_REASON
                },
                identifiers=d.identifiers,
            )
        except ValidationError as exc:
            r.fail("employee_id", str(exc))
    return d


def _name(r: RowReader, columns: _Columns) -> str | None:
    """The name; else first_name and last_name; an error when there is none of them."""
    name = r.text("name") if columns.name else None
    if name is not None or r.failed("name") or not columns.first_last:
        if name is None and not r.failed("name"):
            r.fail("name", "is empty")
        return name
    parts = [r.text("first_name"), r.text("last_name")]
    if r.failed("first_name") or r.failed("last_name"):
        return None
    if not any(parts):
        if columns.name:
            r.fail("name", "is empty, and so are first_name and last_name")
        else:
            r.fail("first_name", "is empty, and so is last_name")
        return None
    return " ".join(p for p in parts if p)


def _emails(text: str, where: Where) -> tuple[str, ...]:
    found = (normalise_email(part) for part in _EMAIL_SEPARATOR.split(text))
    emails = tuple(dict.fromkeys(e for e in found if e))  # each once, in order
    bad = [e for e in emails if not _EMAIL.fullmatch(e)]
    if len(bad) == 1:
        raise where.error(f"{bad[0]!r} is not an e-mail address")
    if bad:
        raise where.error(f"{', '.join(map(repr, bad))} are not e-mail addresses")
    return emails


def _identifiers(text: str, where: Where) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))
    bad = [i for i in found if not is_identifier(i)]
    if bad:
        shown = ", ".join(map(repr, bad))
        raise where.error(f"{shown}: not a DID or URL (e.g. did:web:example.org:ann)")
    return found


def _check_unique(
    drafts: list[_Draft], field: str, what: str, values: Callable[[_Draft], Sequence[str | None]]
) -> None:
    """A value on several rows is an error on each of them (none can be told right)."""
    rows: dict[str, list[_Draft]] = defaultdict(list)
    for d in drafts:
        for value in values(d):
            if value is not None:
                rows[value].append(d)
    for value, found in rows.items():
        if len(found) > 1:
            for d in found:
                others = [str(o.row.number) for o in found if o is not d]
                also = f"row{'s' if len(others) > 1 else ''} {', '.join(others)}"
                d.fail(field, f"{what} {value!r} is also on {also}")


def _check_managers(drafts: list[_Draft], known_ids: set[str] | None) -> None:
    """Every manager is a person (in the file, or stored); following managers never loops.

    A manager on a row with errors still counts as in the file: the error is that row's.
    """
    counts = Counter(d.employee_id for d in drafts if d.employee_id is not None)
    known = counts.keys() | (known_ids or set())
    where = "in this file" if known_ids is None else "in this file or the workspace"
    for d in drafts:
        if d.manager_id is not None and d.manager_id not in known:
            d.fail("manager_id", f"no employee {d.manager_id!r} {where}")
    by_id = {d.employee_id: d for d in drafts if d.employee_id and counts[d.employee_id] == 1}
    done: set[str] = set()
    for start in by_id.values():
        path: dict[str, _Draft] = {}  # the chain from ``start`` up, in order
        node: _Draft | None = start
        while node is not None and node.employee_id not in done:
            key = node.employee_id or ""
            if key in path:
                _loop(list(path.values())[list(path).index(key) :])
                break
            path[key] = node
            node = by_id.get(node.manager_id) if node.manager_id else None
        done.update(path)


def _loop(loop: list[_Draft]) -> None:
    """An error on each row of a loop of managers, naming the loop from its first row."""
    first = min(range(len(loop)), key=lambda i: loop[i].row.number)
    loop = loop[first:] + loop[:first]
    shown = " -> ".join(f"{d.employee_id} (row {d.row.number})" for d in [*loop, loop[0]])
    for d in loop:
        d.fail("manager_id", f"the managers form a loop: {shown}")


def _reject_orphans(drafts: list[_Draft], known_ids: set[str]) -> None:
    """Rejects each good row whose manager is rejected, and so on down (breadth first).

    A manager already stored (``known_ids``) is kept however its row fares.
    """
    staff: dict[str, list[_Draft]] = defaultdict(list)
    for d in drafts:
        if d.manager_id is not None and d.manager_id not in known_ids:
            staff[d.manager_id].append(d)
    queue = deque(d for d in drafts if d.errors)
    while queue:
        manager = queue.popleft()
        for d in staff.get(manager.employee_id or "", ()):
            if not d.errors:
                d.fail(
                    "manager_id",
                    f"manager {manager.employee_id!r} (row {manager.row.number}) is rejected",
                )
                queue.append(d)


_LOOKALIKES = ("employee_id", "name", "email", "department", "team", "manager_id", "hire_date")


def _warnings(table: Table) -> tuple[str, ...]:
    """A column kept as an attribute that looks meant as a field ("Department")."""
    found = []
    for name in (*_LOOKALIKES, "role", "active"):
        like = table.lookalike(name)
        if like is not None and not (name == "role" and table.has("role_id")):
            found.append(
                f"{table.file}: column {like!r} is kept as an attribute; "
                f'to read it as {name}: --map "{like}={name}"'
            )
    return tuple(found)


# --- the reject file


def write_rejects(rejects: Sequence[RejectedRow], path: Path) -> None:
    """Writes the rejected rows to a CSV file: their columns as the file had them, then
    ``reject_reason`` (``row 17: column 'email': ...; column ...``), replacing a
    ``reject_reason`` column the rows had already.

    The file is UTF-8 with a byte-order mark (spreadsheet programs then read it right).
    A cell that a spreadsheet program could run as a formula (starting with =, +, -, @, a
    tab or a carriage return) is written with a ``'`` before it (OWASP's advice against CSV
    injection), and control characters become U+FFFD.
    """
    header = rejects[0].header if rejects else ()
    if any(r.header != header for r in rejects):
        raise ValueError("rejected rows of different headers cannot share one file")
    keep = [i for i, name in enumerate(header) if name != REJECT_REASON]
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([safe_cell(header[i]) for i in keep] + [REJECT_REASON])
        for r in rejects:
            reason = f"row {r.row}: " + "; ".join(r.reasons)
            writer.writerow([safe_cell(r.values[i]) for i in keep] + [safe_cell(reason)])
