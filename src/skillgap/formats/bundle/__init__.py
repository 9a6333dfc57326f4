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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from skillgap.domain import Achievement, Award, Framework, Issuer, Observation, Person, Role
from skillgap.errors import InputError
from skillgap.formats.bundle.credentials import read_achievements, read_awards, read_issuers
from skillgap.formats.bundle.people import read_claims, read_people
from skillgap.formats.bundle.skills import read_framework, read_roles
from skillgap.formats.tabular import Where, as_date, as_text, only_keys, read_yaml_mapping

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
    if not folder.is_dir():
        raise InputError("is not a folder", file=str(folder))
    path = _paths(folder)

    def yaml_file(name: str) -> dict[str, Any]:
        data = read_yaml_mapping(path[name])
        only_keys(data, TOP_KEYS[name], name)
        return data

    org = yaml_file("organisation.yaml")
    framework = read_framework(yaml_file("framework.yaml"))
    roles = read_roles(yaml_file("roles.yaml"), framework)
    people = read_people(path["people.csv"], {r.id for r in roles})
    issuers = read_issuers(yaml_file("issuers.yaml"))
    achievements = read_achievements(
        yaml_file("achievements.yaml"), framework, {i.id for i in issuers}
    )
    awards = read_awards(path["awards.csv"], {a.id for a in achievements}, people)
    claims = read_claims(path["claims.csv"], framework, people)
    where = Where("organisation.yaml", "snapshot_date")
    snapshot = org.get("snapshot_date")
    return Bundle(
        organisation=as_text(org.get("name"), where.at("name")),
        description=as_text(org.get("description"), where.at("description"), required=False),
        snapshot_date=as_date(snapshot, where) if snapshot is not None else None,
        framework=framework,
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
