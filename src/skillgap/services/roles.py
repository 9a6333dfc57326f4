"""Roles: import profiles, list, show (now and at each horizon), make one from an occupation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from skillgap.analysis.context import SkillContext
from skillgap.analysis.templates import role_from_occupation
from skillgap.domain import BUILTIN_SCALES, CompetencyRef, Requirement, Role
from skillgap.errors import ConflictError, InputError, NotFoundError, ValidationError
from skillgap.formats.collect import write_errors
from skillgap.formats.roles import read_roles_file, read_valid_roles
from skillgap.services.summary import cached, role_index
from skillgap.services.workspace import StoreOpener
from skillgap.store import Store


@dataclass(frozen=True)
class RoleProfile:
    """A role with its requirements at each horizon, read against its frameworks."""

    role: Role
    horizons: tuple[date, ...]
    # per competency: the requirement in force now and at each horizon (None: not required)
    rows: tuple[tuple[Requirement | None, ...], ...]
    context: SkillContext
    holders: int


@dataclass(frozen=True)
class RoleSummary:
    id: str
    name: str
    family: str
    requirements_now: int
    horizons: tuple[date, ...]
    holders: int


def role_names(store: Store) -> tuple[tuple[str, str], ...]:
    """Every role's id and name, by id (a form's choices: no holders counted)."""
    with store.transaction() as ws:
        return cached(
            ws,
            "role-names",
            frozenset({"roles"}),
            lambda w: tuple((r.id, r.name) for r in role_index(w).values()),
        )


def has_role(store: Store, role_id: str) -> bool:
    """Whether the workspace holds the role ``role_id`` (its roles read once, by id)."""
    with store.transaction() as ws:
        return role_id in role_index(ws)


def match_roles(store: Store, text: str) -> tuple[tuple[str, str], ...]:
    """The roles (id, name; by id) that ``text`` names: the role with that id; else those
    whose name it is (case-insensitive); else those whose id or name contains it."""
    wanted = text.strip()
    names = role_names(store)
    exact = tuple(r for r in names if r[0] == wanted)
    folded = wanted.casefold()
    if exact or not folded:
        return exact
    named = tuple(r for r in names if r[1].casefold() == folded)
    return named or tuple(
        r for r in names if folded in r[0].casefold() or folded in r[1].casefold()
    )


def list_roles(store: Store) -> list[RoleSummary]:
    with store.transaction() as ws:
        roles = ws.roles.list()
        people = ws.people.list()
    held: dict[str, int] = {}
    for person in people:
        if person.active and person.role_id:
            held[person.role_id] = held.get(person.role_id, 0) + 1
    return [
        RoleSummary(
            r.id, r.name, r.family, len(r.requirements_at(None)), r.horizons, held.get(r.id, 0)
        )
        for r in roles
    ]


def show_role(store: Store, role_id: str) -> RoleProfile:
    with store.transaction() as ws:
        role = ws.roles.get(role_id)
        context = SkillContext.of(ws.frameworks.list(), ws.scales.list())
        holders = sum(1 for p in ws.people.list() if p.active and p.role_id == role_id)
    horizons = role.horizons
    profiles = [{r.competency: r for r in role.requirements_at(None)}]
    profiles += [{r.competency: r for r in role.requirements_at(h)} for h in horizons]

    def name(ref: CompetencyRef) -> str:
        framework = context.frameworks.get(ref.framework)
        return (
            framework.competency(ref.code).name
            if framework and framework.has(ref.code)
            else str(ref)
        )

    refs = sorted({ref for profile in profiles for ref in profile}, key=lambda r: (name(r), r))
    rows = tuple(tuple(profile.get(ref) for profile in profiles) for ref in refs)
    return RoleProfile(role, horizons, rows, context, holders)


def create_role_from_occupation(
    store: Store,
    framework_id: str,
    occupation_code: str,
    *,
    role_id: str,
    name: str | None = None,
    replace: bool = False,
) -> Role:
    """Make (or, with ``replace``, remake) a role from an occupation's skills."""
    with store.transaction() as ws:
        framework = ws.frameworks.get(framework_id)
        occupation = ws.occupations.find(f"{framework_id}:{occupation_code}")
        if occupation is None:
            raise NotFoundError(
                f"no occupation {occupation_code!r} in framework {framework_id!r} "
                "(see `skillgap roles occupations --framework ...`)"
            )
        scales = {**BUILTIN_SCALES, **{s.id: s for s in ws.scales.list()}}
        role = role_from_occupation(occupation, framework, scales, role_id=role_id, name=name)
        if not role.requirements:
            raise ValidationError(f"occupation {occupation_code!r} lists no skills to require")
        if ws.roles.find(role_id) is not None and not replace:
            raise ConflictError(
                f"role {role_id!r} exists already (to remake it: --replace; in the API, "
                '"replace": true)'
            )
        ws.roles.put(role)
    return role


def make_role_from_occupation(
    store: Store,
    framework_id: str,
    occupation_code: str,
    *,
    role_id: str,
    name: str | None = None,
    replace: bool = False,
) -> RoleProfile:
    """``create_role_from_occupation``, then the profile of the role it made (as
    `skillgap roles from-occupation` shows it)."""
    role = create_role_from_occupation(
        store, framework_id, occupation_code, role_id=role_id, name=name, replace=replace
    )
    return show_role(store, role.id)


@dataclass(frozen=True)
class OccupationMatch:
    framework: str
    code: str
    title: str
    skills: int


def find_occupations(
    store: Store, text: str, *, framework_id: str | None = None, limit: int = 20
) -> list[OccupationMatch]:
    """Occupations whose code, title or alternative titles contain ``text``."""
    wanted = text.strip().lower()
    with store.transaction() as ws:
        found = (
            ws.occupations.for_framework(framework_id) if framework_id else ws.occupations.list()
        )
    matches = [
        o
        for o in found
        if wanted in o.code.lower()
        or wanted in o.title.lower()
        or any(wanted in t.lower() for t in o.alt_titles)
    ]
    matches.sort(key=lambda o: (wanted not in o.title.lower(), o.title))
    return [OccupationMatch(o.framework, o.code, o.title, len(o.skills)) for o in matches[:limit]]


@dataclass(frozen=True)
class RolesImport:
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    errors: int = 0  # with skip_invalid: errors of the roles left out
    rejects_file: Path | None = None


def import_roles(
    path: Path,
    framework_id: str,
    open_workspace: StoreOpener,
    *,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
) -> RolesImport:
    """Read role profiles (YAML, CSV or XLSX) against a stored framework and store them,
    replacing roles of the same id. All or nothing, unless ``skip_invalid``: then the roles
    without an error are stored, and the errors of the others written to a reject file
    (``rejects_path``, default ``<file>.rejects.csv``)."""
    errors: tuple[InputError, ...] = ()
    with open_workspace(False) as store, store.transaction() as ws:
        framework = ws.frameworks.get(framework_id)
        if skip_invalid:
            roles, errors = read_valid_roles(path, framework)
        else:
            roles = read_roles_file(path, framework)
        added: list[str] = []
        replaced: list[str] = []
        for role in roles:
            (replaced if ws.roles.find(role.id) else added).append(role.id)
            ws.roles.put(role)
    rejects_file = None
    if errors:
        rejects_file = rejects_path or path.with_name(path.stem + ".rejects.csv")
        write_errors(errors, rejects_file)
    return RolesImport(tuple(added), tuple(replaced), len(errors), rejects_file)
