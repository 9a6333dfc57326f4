"""Role profiles from a YAML, CSV or XLSX file, read against one competency framework.

YAML (``.yaml`` / ``.yml``) has the shape of a bundle's roles.yaml::

    roles:
      - id: data-analyst
        name: Data Analyst
        family: Data                 # optional
        description: ...             # optional
        requirements:
          - {competency: sql, level: 3, importance: critical}
          - {competency: sql, level: 4, importance: critical, horizon: 2027-12-31}

A table (``.csv`` / ``.xlsx``, read as ``sheets`` says) has one row per requirement; the rows
of a role share its ``role_id`` (they need not be next to each other):

    role_id       required
    role_name     required on at least one of the role's rows (others may repeat it)
    competency    the competency: its code, FRAMEWORK:CODE, or its name (any case)
    level         required with a competency: a level of the framework's scale
    importance    critical, important or useful (empty: important)
    horizon       empty or "now" for a need of today, or the date it is needed by
    family        optional, as role_name
    description   optional, as role_name

A row with a role_id and no competency, level, importance or horizon only names the role
(a role may have no requirements yet).

A competency is looked up by code first, then as FRAMEWORK:CODE, then by name, ignoring
case and repeated spaces (retired competencies are found by code only); a name that several
competencies share is an error naming them. Every error of the file is reported at once
(``InputErrors``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from skillgap.domain import Competency, CompetencyRef, Framework, Importance, Requirement, Role
from skillgap.errors import InputError, ValidationError
from skillgap.formats.bundle.skills import scale_level
from skillgap.formats.collect import ErrorList
from skillgap.formats.sheets import OTHER_SPREADSHEETS, SUFFIXES, RowReader, SheetRow, read_table
from skillgap.formats.tabular import (
    Where,
    as_date,
    as_enum,
    as_list,
    as_mapping,
    as_text,
    list_items,
    read_yaml_mapping,
)

ROLE_KEYS = {"id", "name", "family", "description", "requirements"}
REQUIREMENT_KEYS = {"competency", "level", "importance", "horizon"}
_REQUIREMENT_COLUMNS = ("competency", "level", "importance", "horizon")


def read_roles_file(
    path: Path,
    framework: Framework,
    *,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> tuple[Role, ...]:
    """The roles in a .yaml/.yml, .csv or .xlsx file (by its suffix), in file order.

    Raises ``InputError`` for a file that cannot be read at all, ``InputErrors`` otherwise.
    """
    roles, errors = _read(path, framework, sheet, mapping)
    errors.raise_if_any()
    return roles


def read_valid_roles(
    path: Path,
    framework: Framework,
    *,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> tuple[tuple[Role, ...], tuple[InputError, ...]]:
    """The roles that have no error, and the errors of the others (``--skip-invalid``): a
    role with any bad row is left out whole. A file that cannot be read still raises."""
    roles, errors = _read(path, framework, sheet, mapping)
    return roles, tuple(errors)


Read = tuple[tuple[Role, ...], ErrorList]


def _read(
    path: Path, framework: Framework, sheet: str | None, mapping: Mapping[str, str] | None
) -> Read:
    finder = CompetencyFinder(framework)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", *SUFFIXES, *OTHER_SPREADSHEETS):
        raise InputError(
            f"unknown kind of roles file {suffix or '(no suffix)'!r} "
            "(expected .yaml, .yml, .csv or .xlsx)",
            file=path.name,
        )
    if suffix in (".yaml", ".yml"):
        if sheet is not None or mapping:
            raise InputError("a YAML file has no sheets or columns to map", file=path.name)
        return _read_yaml(path, framework, finder)
    return _read_table(path, framework, finder, sheet, mapping)


class CompetencyFinder:
    """Finds a framework's competency by code, FRAMEWORK:CODE or name."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self._by_name: dict[str, list[Competency]] = defaultdict(list)
        self._by_folded_code: dict[str, str] = {}
        for c in framework.competencies:
            if not c.retired:
                self._by_name[_fold(c.name)].append(c)
            self._by_folded_code.setdefault(c.code.casefold(), c.code)

    def __call__(self, value: object, where: Where) -> CompetencyRef:
        text = as_text(value, where)
        fw = self.framework
        if fw.has(text):
            return CompetencyRef(fw.id, text)
        prefix, sep, code = text.partition(":")
        if sep and prefix == fw.id and fw.has(code):
            return CompetencyRef(fw.id, code)
        named = self._by_name.get(_fold(text), [])
        if len(named) == 1:
            return named[0].ref
        if named:
            shown = ", ".join(f"{c.code} ({c.name})" for c in named)
            raise where.error(
                f"competency name {text!r} is ambiguous in framework {fw.id!r}: it names "
                f"{shown}; give the code"
            )
        if sep and prefix and prefix != fw.id and "/" not in prefix:
            raise where.error(
                f"competency {text!r} is of framework {prefix!r}; these roles are read "
                f"against framework {fw.id!r}"
            )
        hint = self._by_folded_code.get(text.casefold())
        if hint is None and sep and prefix == fw.id:
            hint = self._by_folded_code.get(code.casefold())
        mean = f" (did you mean {hint!r}?)" if hint is not None else ""
        raise where.error(
            f"unknown competency {text!r}: no code or name of framework {fw.id!r}{mean}"
        )


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _horizon(value: object, where: Where) -> date | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "now")):
        return None
    return as_date(value, where)


@dataclass
class _RoleDraft:
    """A role as its parts are read; ``broken`` when one of them had an error."""

    id: str
    where: Where  # the role's first place, for errors about the role as a whole
    name: str | None = None
    family: str = ""
    description: str = ""
    requirements: list[tuple[Requirement, Where]] = field(default_factory=list)
    broken: bool = False
    first: dict[str, int] = field(default_factory=dict)  # column: the row that first gave it


def _finish(drafts: list[_RoleDraft], errors: ErrorList) -> tuple[Role, ...]:
    """The roles without an error, once each is checked as a whole (``errors`` gets the rest)."""
    roles = []
    for d in drafts:
        seen: dict[tuple[CompetencyRef, date | None], Where] = {}
        for req, where in d.requirements:
            key = (req.competency, req.horizon)
            if key in seen:
                when = req.horizon.isoformat() if req.horizon else "now"
                errors.add(
                    where.error(
                        f"role {d.id!r} requires {req.competency} twice for horizon {when} "
                        f"(first at {seen[key].place})"
                    )
                )
                d.broken = True
            seen.setdefault(key, where)
        if d.name is None and not d.broken:
            errors.add(d.where.error(f"role {d.id!r} has no role_name"))
            d.broken = True
        if d.broken or d.name is None:
            continue
        try:
            roles.append(
                Role(
                    id=d.id,
                    name=d.name,
                    family=d.family,
                    description=d.description,
                    requirements=tuple(req for req, _ in d.requirements),
                )
            )
        except ValidationError as exc:
            errors.add(d.where.error(str(exc)))
    return tuple(roles)


# --- YAML


def _read_yaml(path: Path, framework: Framework, finder: CompetencyFinder) -> Read:
    file = path.name
    data = read_yaml_mapping(path)
    errors = ErrorList()
    for key in data:
        if key != "roles":
            errors.add(InputError(f"unknown key {key!r} (expected: roles)", file=file, field=key))
    drafts: list[_RoleDraft] = []
    first: dict[str, Where] = {}
    for w, item in errors.attempt(partial(list_items, data, "roles", file)) or []:
        role = errors.attempt(partial(as_mapping, item, w, ROLE_KEYS))
        if role is None:
            continue
        draft = _yaml_role(role, w, framework, finder, errors)
        if draft is None:
            continue
        if draft.id in first:
            errors.add(
                w.sub("id").error(
                    f"role id {draft.id!r} appears twice (first at {first[draft.id].field})"
                )
            )
            continue
        first[draft.id] = w.sub("id")
        drafts.append(draft)
    return _finish(drafts, errors), errors


def _yaml_role(
    r: Mapping[str, Any],
    w: Where,
    framework: Framework,
    finder: CompetencyFinder,
    errors: ErrorList,
) -> _RoleDraft | None:
    before = len(errors)
    role_id = errors.attempt(lambda: as_text(r.get("id"), w.sub("id")))
    name = errors.attempt(lambda: as_text(r.get("name"), w.sub("name")))
    family = errors.attempt(lambda: as_text(r.get("family"), w.sub("family"), required=False))
    description = errors.attempt(
        lambda: as_text(r.get("description"), w.sub("description"), required=False)
    )
    reqs_at = w.sub("requirements")
    items = errors.attempt(lambda: as_list(r.get("requirements"), reqs_at)) or []
    requirements = []
    for j, item in enumerate(items):
        q_at = reqs_at.sub(j)
        req = _yaml_requirement(item, q_at, framework, finder, errors)
        if req is not None:
            requirements.append((req, q_at))
    if role_id is None:
        return None
    return _RoleDraft(
        id=role_id,
        where=w.sub("id"),
        name=name,
        family=family or "",
        description=description or "",
        requirements=requirements,
        broken=len(errors) > before or name is None,
    )


def _yaml_requirement(
    item: object, w: Where, framework: Framework, finder: CompetencyFinder, errors: ErrorList
) -> Requirement | None:
    q = errors.attempt(lambda: as_mapping(item, w, REQUIREMENT_KEYS))
    if q is None:
        return None
    before = len(errors)
    ref = errors.attempt(lambda: finder(q.get("competency"), w.sub("competency")))
    level = errors.attempt(lambda: scale_level(framework, q.get("level"), w.sub("level")))
    importance = errors.attempt(
        lambda: as_enum(q.get("importance", "important"), Importance, w.sub("importance"))
    )
    horizon = errors.attempt(lambda: _horizon(q.get("horizon"), w.sub("horizon")))
    if len(errors) > before or ref is None or level is None or importance is None:
        return None
    return Requirement(competency=ref, level=level, importance=importance, horizon=horizon)


# --- CSV and XLSX


def _read_table(
    path: Path,
    framework: Framework,
    finder: CompetencyFinder,
    sheet: str | None,
    mapping: Mapping[str, str] | None,
) -> Read:
    table = read_table(path, sheet=sheet, mapping=mapping)
    table.require("role_id", "role_name", "competency", "level")
    errors = ErrorList()
    drafts: dict[str, _RoleDraft] = {}
    for row in table:
        r = RowReader(row)
        role_id = r.text("role_id", required=True)
        draft = None
        if role_id is not None:
            draft = drafts.setdefault(role_id, _RoleDraft(role_id, row.where("role_name")))
            _role_columns(draft, r)
        req = _table_requirement(r, framework, finder)
        if draft is not None and req is not None:
            draft.requirements.append((req, row.where("competency")))
        if not r.ok and draft is not None:
            draft.broken = True
        errors.extend(r.errors)
    return _finish(list(drafts.values()), errors), errors


_ROLE_COLUMNS = {"role_name": "name", "family": "family", "description": "description"}


def _role_columns(draft: _RoleDraft, r: RowReader) -> None:
    """role_name, family and description: given on one row, or alike on all that give them."""
    for column, attribute in _ROLE_COLUMNS.items():
        value = r.text(column)
        if value is None:
            continue
        if column not in draft.first:
            draft.first[column] = r.row.number
            setattr(draft, attribute, value)
        elif value != getattr(draft, attribute):
            r.fail(
                column,
                f"role {draft.id!r} has {column} {getattr(draft, attribute)!r} "
                f"on row {draft.first[column]}",
            )


def _table_requirement(
    r: RowReader, framework: Framework, finder: CompetencyFinder
) -> Requirement | None:
    row: SheetRow = r.row
    given = any(row.cells.get(c) or r.failed(c) for c in _REQUIREMENT_COLUMNS)
    if not given:
        return None  # a row that only names the role
    ref = r.get("competency", finder, required=True)
    level = r.get("level", lambda text, where: scale_level(framework, text, where), required=True)
    importance = r.get("importance", lambda text, where: as_enum(text, Importance, where))
    horizon = r.get("horizon", _horizon)
    if not r.ok or ref is None or level is None:
        return None
    return Requirement(
        competency=ref,
        level=level,
        importance=importance or Importance.IMPORTANT,
        horizon=horizon,
    )
