"""A home-made competency framework from a CSV file or an XLSX sheet: skillgap's template.

One row per competency; the header names the columns, in any order:

    code          required: the competency's code, unique in the file
    name          required: the competency's name
    description   optional
    group         optional: the code of the capability group the competency belongs to
    group_name    optional: that group's name
    parent_group  optional: the code of that group's parent group (groups nest)
    kind          optional: hard or soft (empty: hard)
    alt_labels    optional: other names of the competency, separated by ';'
    uri           optional: a web address that identifies the competency

A group is created for each group code the file mentions, in the order it first appears
(as ``group`` or ``parent_group``). Its name and parent are given on any row of the group:
once, or alike on every row that gives them. A row with no code describes a group only (its
``group``, ``group_name`` and ``parent_group``): the way to name a parent group that holds
no competency itself. A group named nowhere is named by its code (with a warning when the
file has a group_name column). Groups must not form a loop of parents.

The framework's id, name, version and proficiency scale are given with the import, not in
the file. Cells are read as ``sheets`` says (``--map`` renames columns); every error of the
file is reported at once (``InputErrors``). tests/data/sheets/framework_template.csv (and
.xlsx) is an example:

    code,name,description,group,group_name,parent_group,kind,alt_labels,uri
    ,,,data,Data,,,,
    sql,SQL,Query and shape data with SQL.,data-eng,Data engineering,data,hard,SQL queries;T-SQL,
    pipelines,Data pipelines,"Build, schedule and monitor data pipelines.",data-eng,,,hard,ETL;ELT,
    ...
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from skillgap.domain import BUILTIN_SCALES, CapabilityGroup, Competency, Framework, SkillKind
from skillgap.errors import InputError, ValidationError
from skillgap.formats.collect import ErrorList
from skillgap.formats.imports import FrameworkImport
from skillgap.formats.sheets import RowReader, Table, read_table
from skillgap.formats.tabular import Where, as_enum

COLUMNS = (
    "code",
    "name",
    "description",
    "group",
    "group_name",
    "parent_group",
    "kind",
    "alt_labels",
    "uri",
)
_COMPETENCY_ONLY = ("name", "description", "kind", "alt_labels", "uri")


@dataclass
class _Group:
    code: str
    name: str | None = None
    parent: str | None = None
    given: dict[str, tuple[str, Where]] = field(default_factory=dict)  # column: value, place


def read_framework_table(
    path: Path,
    *,
    framework_id: str,
    name: str,
    version: str = "1",
    scale: str = "skillgap-0-5",
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> FrameworkImport:
    """The framework in a template file (see the module's description).

    Raises ``ValidationError`` for a wrong id, name or scale, ``InputError`` for a file that
    cannot be read as a table, ``InputErrors`` for every error in it.
    """
    if not framework_id.strip() or ":" in framework_id:
        raise ValidationError(f"framework id {framework_id!r} must be non-empty and without ':'")
    if not name.strip():
        raise ValidationError("a framework needs a name")
    if scale not in BUILTIN_SCALES:
        raise ValidationError(f"unknown scale {scale!r} (known: {', '.join(BUILTIN_SCALES)})")
    table = read_table(path, sheet=sheet, mapping=mapping)
    table.require("code", "name")
    errors = ErrorList()
    groups: dict[str, _Group] = {}
    competencies: list[tuple[Competency, Where]] = []
    for row in table:
        r = RowReader(row)
        competency = _competency(r, framework_id)
        _group_columns(r, groups)
        errors.extend(r.errors)
        if competency is not None and r.ok:
            competencies.append((competency, row.where("code")))
    _check_codes(competencies, errors)
    _check_loops(groups, errors)
    errors.raise_if_any()
    warnings = _name_groups(groups, table)
    try:
        framework = Framework(
            id=framework_id.strip(),
            name=name.strip(),
            version=version,
            source=table.file,
            scale=BUILTIN_SCALES[scale],
            groups=tuple(
                CapabilityGroup(code=g.code, name=g.name or g.code, parent=g.parent)
                for g in groups.values()
            ),
            competencies=tuple(c for c, _ in competencies),
        )
    except ValidationError as exc:  # the checks above should leave no rule to break
        raise InputError(str(exc), file=table.file) from None
    return FrameworkImport(framework, warnings=warnings)


def _competency(r: RowReader, framework_id: str) -> Competency | None:
    """The row's competency; None for a row that describes a group only, or is wrong."""
    row = r.row
    if not row.cells.get("code") and not r.failed("code"):
        about_a_group = any(row.cells.get(c) for c in ("group", "group_name", "parent_group"))
        if about_a_group and not any(row.cells.get(c) for c in _COMPETENCY_ONLY):
            return None  # a row about a group (``_group_columns`` checks it)
        r.fail("code", "is empty")
        return None
    code = r.text("code", required=True)
    name = r.text("name", required=True)
    kind = r.get("kind", lambda text, where: as_enum(text, SkillKind, where))
    labels = r.text("alt_labels") or ""
    if not r.ok or code is None or name is None:
        return None
    return Competency(
        framework=framework_id,
        code=code,
        name=name,
        description=r.text("description") or "",
        group=r.text("group"),
        kind=kind or SkillKind.HARD,
        uri=r.text("uri"),
        alt_labels=tuple(dict.fromkeys(s for s in (p.strip() for p in labels.split(";")) if s)),
    )


def _group_columns(r: RowReader, groups: dict[str, _Group]) -> None:
    """Makes the groups the row names; keeps the name and parent it gives its group."""
    code = r.text("group")
    parent = r.text("parent_group")
    if parent is not None and parent not in groups:
        groups[parent] = _Group(parent)
    if code is None:
        for column in ("group_name", "parent_group"):
            if r.row.cells.get(column):
                r.fail(column, "is given, but group is empty")
        return
    group = groups.setdefault(code, _Group(code))
    if parent == code:
        r.fail("parent_group", f"group {code!r} cannot be its own parent")
        return
    for column, value in (("group_name", r.text("group_name")), ("parent_group", parent)):
        if value is None:
            continue
        first = group.given.get(column)
        if first is None:
            group.given[column] = (value, r.row.where(column))
        elif first[0] != value:
            r.fail(
                column,
                f"group {code!r} has {column} {first[0]!r} on {first[1].place}",
            )
    group.name = group.given.get("group_name", (None,))[0]
    group.parent = group.given.get("parent_group", (None,))[0]


def _check_codes(competencies: list[tuple[Competency, Where]], errors: ErrorList) -> None:
    """A code on several rows is an error on each of them."""
    counts = Counter(c.code for c, _ in competencies)
    for c, where in competencies:
        if counts[c.code] > 1:
            others = [w.place for d, w in competencies if d.code == c.code and w is not where]
            errors.add(where.error(f"code {c.code!r} is also on {', '.join(others)}"))


def _check_loops(groups: dict[str, _Group], errors: ErrorList) -> None:
    """Groups whose parents lead back to them: an error where each sets its parent."""
    done: set[str] = set()
    for start in groups:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in done:
            if node in path:
                loop = path[path.index(node) :]
                shown = " -> ".join([*loop, loop[0]])
                for code in loop:
                    where = groups[code].given["parent_group"][1]
                    errors.add(where.error(f"the parent groups form a loop: {shown}"))
                break
            path.append(node)
            node = groups[node].parent
        done.update(path)


def _name_groups(groups: dict[str, _Group], table: Table) -> tuple[str, ...]:
    if not table.has("group_name"):
        return ()
    return tuple(
        f"{table.file}: group {g.code!r} has no group_name; it is named {g.code!r}"
        for g in groups.values()
        if g.name is None
    )
