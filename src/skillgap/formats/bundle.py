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
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from skillgap.domain import (
    BUILTIN_SCALES,
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Evidence,
    ExpiryPolicy,
    Framework,
    Importance,
    Issuer,
    IssuerTier,
    Observation,
    Person,
    Requirement,
    Role,
    SkillKind,
    SourceKind,
)
from skillgap.domain.people import check_manager_tree, normalise_email
from skillgap.errors import InputError, ValidationError
from skillgap.formats.tabular import (
    CsvRow,
    Where,
    as_date,
    as_enum,
    as_int,
    as_list,
    as_mapping,
    as_text,
    read_csv,
    read_yaml_mapping,
)

PEOPLE_COLUMNS = ["employee_id", "name", "email", "department", "team", "manager_id", "role_id"]
AWARD_COLUMNS = ["award_id", "achievement_id", "employee_id", "recipient", "issued_on"]
CLAIM_COLUMNS = ["employee_id", "competency", "level", "scale", "source", "rated_on"]


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


def read_bundle(folder: Path) -> Bundle:
    if not folder.is_dir():
        raise InputError("is not a folder", file=str(folder))
    org = read_yaml_mapping(folder / "organisation.yaml")
    framework = _framework(read_yaml_mapping(folder / "framework.yaml"))
    roles = _roles(read_yaml_mapping(folder / "roles.yaml"), framework)
    people = _people(folder / "people.csv", {r.id for r in roles})
    issuers = _issuers(read_yaml_mapping(folder / "issuers.yaml"))
    achievements = _achievements(
        read_yaml_mapping(folder / "achievements.yaml"), framework, {i.id for i in issuers}
    )
    awards = _awards(folder / "awards.csv", {a.id: a for a in achievements}, people)
    claims = _claims(folder / "claims.csv", framework, people)
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


def _rule(error: ValidationError, where: Where) -> InputError:
    """A domain rule broken by a value read from ``where``."""
    return where.error(str(error))


def _framework(data: dict[str, Any]) -> Framework:
    file = "framework.yaml"
    fw_id = as_text(data.get("id"), Where(file, "id"))
    scale_id = as_text(data.get("scale", "skillgap-0-5"), Where(file, "scale"))
    if scale_id not in BUILTIN_SCALES:
        raise Where(file, "scale").error(
            f"unknown scale {scale_id!r} (known: {', '.join(BUILTIN_SCALES)})"
        )
    groups = []
    for i, item in enumerate(as_list(data.get("groups"), Where(file, "groups"))):
        w = Where(file, f"groups[{i}]")
        g = as_mapping(item, w)
        groups.append(
            CapabilityGroup(
                code=as_text(g.get("code"), w.at(f"groups[{i}].code")),
                name=as_text(g.get("name"), w.at(f"groups[{i}].name")),
                description=as_text(g.get("description"), w, required=False),
                parent=as_text(g.get("parent"), w, required=False) or None,
            )
        )
    comps = []
    for i, item in enumerate(as_list(data.get("competencies"), Where(file, "competencies"))):
        w = Where(file, f"competencies[{i}]")
        c = as_mapping(item, w)
        labels = as_list(c.get("alt_labels"), w.at(f"competencies[{i}].alt_labels"))
        comps.append(
            Competency(
                framework=fw_id,
                code=as_text(c.get("code"), w.at(f"competencies[{i}].code")),
                name=as_text(c.get("name"), w.at(f"competencies[{i}].name")),
                description=as_text(c.get("description"), w, required=False),
                group=as_text(c.get("group"), w, required=False) or None,
                kind=as_enum(c.get("kind", "hard"), SkillKind, w.at(f"competencies[{i}].kind")),
                uri=as_text(c.get("uri"), w, required=False) or None,
                alt_labels=tuple(as_text(label, w) for label in labels),
            )
        )
    try:
        return Framework(
            id=fw_id,
            name=as_text(data.get("name"), Where(file, "name")),
            version=as_text(data.get("version", "1"), Where(file, "version")),
            description=as_text(
                data.get("description"), Where(file, "description"), required=False
            ),
            source=file,
            scale=BUILTIN_SCALES[scale_id],
            groups=tuple(groups),
            competencies=tuple(comps),
        )
    except ValidationError as exc:
        raise InputError(str(exc), file=file) from None


def _competency(framework: Framework, code: object, where: Where) -> CompetencyRef:
    text = as_text(code, where)
    ref = CompetencyRef.parse(text, default_framework=framework.id)
    if ref.framework != framework.id or not framework.has(ref.code):
        raise where.error(f"unknown competency {text!r} (not in framework {framework.id!r})")
    return ref


def _level(framework: Framework, value: object, where: Where) -> int:
    level = as_int(value, where)
    try:
        framework.scale.level(level)
    except ValidationError as exc:
        raise _rule(exc, where) from None
    return level


def _roles(data: dict[str, Any], framework: Framework) -> tuple[Role, ...]:
    file = "roles.yaml"
    roles = []
    for i, item in enumerate(as_list(data.get("roles"), Where(file, "roles"))):
        w = Where(file, f"roles[{i}]")
        r = as_mapping(item, w)
        reqs = []
        for j, req in enumerate(as_list(r.get("requirements"), w.at(f"roles[{i}].requirements"))):
            rw = Where(file, f"roles[{i}].requirements[{j}]")
            q = as_mapping(req, rw)
            horizon = q.get("horizon")
            reqs.append(
                Requirement(
                    competency=_competency(
                        framework, q.get("competency"), rw.at(rw.field + ".competency")
                    ),
                    level=_level(framework, q.get("level"), rw.at(rw.field + ".level")),
                    importance=as_enum(
                        q.get("importance", "important"),
                        Importance,
                        rw.at(rw.field + ".importance"),
                    ),
                    horizon=None
                    if horizon in (None, "now")
                    else as_date(horizon, rw.at(rw.field + ".horizon")),
                )
            )
        try:
            roles.append(
                Role(
                    id=as_text(r.get("id"), w.at(f"roles[{i}].id")),
                    name=as_text(r.get("name"), w.at(f"roles[{i}].name")),
                    description=as_text(r.get("description"), w, required=False),
                    family=as_text(r.get("family"), w, required=False),
                    requirements=tuple(reqs),
                )
            )
        except ValidationError as exc:
            raise _rule(exc, w) from None
    _unique([r.id for r in roles], Where(file, "roles"), "role id")
    return tuple(roles)


def _people(path: Path, role_ids: set[str]) -> tuple[Person, ...]:
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
    _unique([p.employee_id for p in people], Where(path.name, "employee_id"), "employee id")
    _unique([e for p in people for e in p.emails], Where(path.name, "email"), "e-mail")
    try:
        check_manager_tree(people)
    except ValidationError as exc:
        raise InputError(str(exc), file=path.name, field="manager_id") from None
    return tuple(people)


def _issuers(data: dict[str, Any]) -> tuple[Issuer, ...]:
    file = "issuers.yaml"
    issuers = []
    for i, item in enumerate(as_list(data.get("issuers"), Where(file, "issuers"))):
        w = Where(file, f"issuers[{i}]")
        d = as_mapping(item, w)
        issuers.append(
            Issuer(
                id=as_text(d.get("id"), w.at(f"issuers[{i}].id")),
                name=as_text(d.get("name"), w.at(f"issuers[{i}].name")),
                url=as_text(d.get("url"), w, required=False) or None,
                email=as_text(d.get("email"), w, required=False) or None,
                tier=as_enum(d.get("tier", "unknown"), IssuerTier, w.at(f"issuers[{i}].tier")),
            )
        )
    _unique([i.id for i in issuers], Where(file, "issuers"), "issuer id")
    return tuple(issuers)


def _achievements(
    data: dict[str, Any], framework: Framework, issuer_ids: set[str]
) -> tuple[Achievement, ...]:
    file = "achievements.yaml"
    found = []
    for i, item in enumerate(as_list(data.get("achievements"), Where(file, "achievements"))):
        field = f"achievements[{i}]"
        w = Where(file, field)
        d = as_mapping(item, w)
        issuer = as_text(d.get("issuer"), w.at(field + ".issuer"))
        if issuer not in issuer_ids:
            raise w.at(field + ".issuer").error(f"unknown issuer {issuer!r}")
        alignments = [
            _alignment(framework, a, Where(file, f"{field}.alignments[{j}]"))
            for j, a in enumerate(as_list(d.get("alignments"), w.at(field + ".alignments")))
        ]
        days = d.get("valid_for_days")
        try:
            found.append(
                Achievement(
                    id=as_text(d.get("id"), w.at(field + ".id")),
                    name=as_text(d.get("name"), w.at(field + ".name")),
                    issuer_id=issuer,
                    description=as_text(d.get("description"), w, required=False),
                    criteria=as_text(d.get("criteria"), w, required=False),
                    achievement_type=as_text(d.get("type", "Badge"), w.at(field + ".type")),
                    assessment=as_enum(
                        d.get("assessment", "unknown"), AssessmentType, w.at(field + ".assessment")
                    ),
                    alignments=tuple(alignments),
                    expiry=ExpiryPolicy(
                        None if days is None else as_int(days, w.at(field + ".valid_for_days"))
                    ),
                    stackable_into=tuple(
                        as_text(s, w)
                        for s in as_list(d.get("stackable_into"), w.at(field + ".stackable_into"))
                    ),
                )
            )
        except ValidationError as exc:
            raise _rule(exc, w) from None
    ids = [a.id for a in found]
    _unique(ids, Where(file, "achievements"), "achievement id")
    for a in found:
        for target in a.stackable_into:
            if target not in ids:
                raise Where(file, "stackable_into").error(
                    f"achievement {a.id!r} stacks into unknown achievement {target!r}"
                )
    return tuple(found)


def _alignment(framework: Framework, item: object, w: Where) -> Alignment:
    d = as_mapping(item, w)
    status = as_enum(d.get("status", "exact"), AlignmentStatus, w.at(w.field + ".status"))
    code = d.get("competency")
    ref = _competency(framework, code, w.at(w.field + ".competency")) if code else None
    level = d.get("level")
    if ref is None and status.counts:
        raise w.error(f"a {status.value} alignment needs a competency")
    name = as_text(d.get("name"), w, required=False)
    if ref is not None and not name:
        name = framework.competency(ref.code).name
    return Alignment(
        target_name=name or as_text(None, w.at(w.field + ".name")),
        competency=ref,
        level=None if level is None else _level(framework, level, w.at(w.field + ".level")),
        target_url=framework.competency(ref.code).uri if ref else None,
        status=status,
    )


def _awards(
    path: Path, achievements: dict[str, Achievement], people: tuple[Person, ...]
) -> tuple[Award, ...]:
    person_ids = {p.employee_id for p in people}
    awards = []
    for row in read_csv(path, AWARD_COLUMNS):
        achievement = achievements.get(row.req("achievement_id"))
        if achievement is None:
            raise row.error("achievement_id", f"unknown achievement {row.req('achievement_id')!r}")
        person = row.text("employee_id", required=False)
        if person is not None and person not in person_ids:
            raise row.error("employee_id", f"unknown person {person!r}")
        issued = _moment(as_date(row.req("issued_on"), Where(row.file, "issued_on", row.number)))
        expires_text = row.text("expires_on", required=False)
        expires = (
            _moment(as_date(expires_text, Where(row.file, "expires_on", row.number)))
            if expires_text
            else achievement.expiry.expires(issued)
        )
        url = row.text("evidence_url", required=False)
        try:
            awards.append(
                Award(
                    id=row.req("award_id"),
                    achievement_id=achievement.id,
                    recipient=normalise_email(row.req("recipient")),
                    issued_on=issued,
                    person_id=person,
                    expires_on=expires,
                    evidence=(Evidence(name="Evidence", url=url),) if url else (),
                    source=f"{path.name} row {row.number}",
                )
            )
        except ValidationError as exc:
            raise InputError(str(exc), file=row.file, row=row.number) from None
    _unique([a.id for a in awards], Where(path.name, "award_id"), "award id")
    return tuple(awards)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _claims(
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
            raise _rule(exc, where("level")) from None
        source = as_enum(row.req("source"), SourceKind, where("source"))
        if source not in (SourceKind.SELF, SourceKind.MANAGER):
            raise row.error("source", "a claim's source must be self or manager")
        rater = row.text("rated_by", required=False)
        claims.append(
            Observation(
                id=f"claim-{row.number - 1:05d}",
                person_id=person,
                competency=_competency(framework, row.req("competency"), where("competency")),
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


def _unique(values: list[str], where: Where, what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise where.error(f"{what} {value!r} appears twice")
        seen.add(value)
