"""The skillgap bundle: an organisation described in one folder of YAML and CSV files.

    organisation.yaml   name, description, snapshot_date
    framework.yaml      the competency framework: groups (capabilities), competencies
    roles.yaml          roles and their requirements, now and at future horizons
    people.csv          employee_id,name,email,department,team,manager_id,role_id,hire_date,...
    issuers.yaml        credential issuers and how far they are recognised
    achievements.yaml   credential definitions: issuer, assessment, alignments, expiry
    awards.csv          award_id,achievement_id,employee_id,recipient,issued_on,expires_on,...
    claims.csv          employee_id,competency,level,scale,source,rated_by,rated_on

The format is documented in docs/user-guide.md; the demo organisation is one such folder.
Every error names the file, the row or field, and the reason.

All the errors of all the files are reported at once (see ``checks``): reading goes on past a
bad item, skipping it, and ``read_bundle`` raises them together at the end, one as an
``InputError``, several as one ``InputErrors``. A file that cannot be read at all (missing,
unreadable, not valid YAML or CSV, a required column missing) stops the reading there, and
is reported with the errors found before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from skillgap.domain import Achievement, Award, Framework, Issuer, Observation, Person, Role
from skillgap.errors import InputError
from skillgap.formats.bundle.checks import attempt, top_keys
from skillgap.formats.bundle.credentials import read_achievements, read_awards, read_issuers
from skillgap.formats.bundle.people import read_claims, read_people
from skillgap.formats.bundle.skills import read_framework_into, read_roles
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import Where, as_date, as_text, read_yaml_mapping

#: The keys each YAML file may hold at its top level.
TOP_KEYS = {
    "organisation.yaml": {"name", "description", "snapshot_date"},
    "framework.yaml": {"id", "name", "version", "description", "scale", "groups", "competencies"},
    "roles.yaml": {"roles"},
    "issuers.yaml": {"issuers"},
    "achievements.yaml": {"achievements"},
}


@dataclass(frozen=True)
class Bundle:
    organisation: str
    description: str
    snapshot_date: date | None
    framework: Framework
    roles: tuple[Role, ...]
    people: tuple[Person, ...]
    issuers: tuple[Issuer, ...]
    achievements: tuple[Achievement, ...]
    awards: tuple[Award, ...]
    claims: tuple[Observation, ...]


FILES = (
    "organisation.yaml",
    "framework.yaml",
    "roles.yaml",
    "people.csv",
    "issuers.yaml",
    "achievements.yaml",
    "awards.csv",
    "claims.csv",
)


def read_bundle(folder: Path) -> Bundle:
    """The bundle in ``folder``; raises every error found in its files, returning nothing."""
    if not folder.is_dir():
        raise InputError("is not a folder", file=str(folder))
    path = _paths(folder)
    errors = ErrorList()
    bundle: Bundle | None = None
    with errors.collect():  # a file that cannot be read at all stops the reading
        bundle = _read(path, errors)
    errors.raise_if_any()
    assert bundle is not None  # else there were errors
    return bundle


def _read(path: dict[str, Path], errors: ErrorList) -> Bundle | None:
    """The bundle, or ``None`` when ``errors`` holds any."""

    def yaml_file(name: str) -> dict[str, Any]:
        data = read_yaml_mapping(path[name])
        top_keys(data, TOP_KEYS[name], name, errors)
        return data

    org = yaml_file("organisation.yaml")
    where = Where("organisation.yaml", "snapshot_date")
    name = attempt(errors, as_text, org.get("name"), where.at("name"))
    description = attempt(
        errors, as_text, org.get("description"), where.at("description"), required=False
    )
    snapshot = org.get("snapshot_date")
    snapshot_date = None if snapshot is None else attempt(errors, as_date, snapshot, where)
    framework = read_framework_into(yaml_file("framework.yaml"), errors)
    roles, role_ids = read_roles(yaml_file("roles.yaml"), framework, errors)
    people, person_ids = read_people(path["people.csv"], role_ids, errors)
    issuers, issuer_ids = read_issuers(yaml_file("issuers.yaml"), errors)
    achievements, achievement_ids = read_achievements(
        yaml_file("achievements.yaml"), framework, issuer_ids, errors
    )
    awards = read_awards(path["awards.csv"], achievement_ids, person_ids, errors)
    claims = read_claims(path["claims.csv"], framework, person_ids, errors)
    if len(errors) or name is None or description is None or framework.framework is None:
        return None
    return Bundle(
        organisation=name,
        description=description,
        snapshot_date=snapshot_date,
        framework=framework.framework,
        roles=roles,
        people=people,
        issuers=issuers,
        achievements=achievements,
        awards=awards,
        claims=claims,
    )


def _paths(folder: Path) -> dict[str, Path]:
    """The bundle's files, refusing links that lead out of the folder."""
    paths = {}
    home = folder.resolve()
    for name in FILES:
        path = folder / name
        try:
            inside = path.resolve().is_relative_to(home)
        except (OSError, RuntimeError):  # RuntimeError: a loop of links, on Python 3.11
            raise InputError("cannot read the file (its links loop)", file=name) from None
        if not inside:
            raise InputError("is a link to a file outside the bundle folder", file=name)
        paths[name] = path
    return paths
