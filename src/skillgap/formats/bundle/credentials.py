"""Bundle files about credentials: issuers.yaml, achievements.yaml and awards.csv."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    Evidence,
    ExpiryPolicy,
    Framework,
    Issuer,
    IssuerTier,
    Person,
)
from skillgap.domain.people import normalise_email
from skillgap.errors import InputError, ValidationError
from skillgap.formats.bundle.skills import competency_ref, scale_level
from skillgap.formats.tabular import (
    Where,
    as_date,
    as_enum,
    as_int,
    as_list,
    as_mapping,
    as_text,
    read_csv,
    rule_broken,
    unique,
)

AWARD_COLUMNS = ["award_id", "achievement_id", "employee_id", "recipient", "issued_on"]


def read_issuers(data: dict[str, Any]) -> tuple[Issuer, ...]:
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
    unique([i.id for i in issuers], Where(file, "issuers"), "issuer id")
    return tuple(issuers)


def read_achievements(
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
            read_alignment(framework, a, Where(file, f"{field}.alignments[{j}]"))
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
            raise rule_broken(exc, w) from None
    ids = [a.id for a in found]
    unique(ids, Where(file, "achievements"), "achievement id")
    for a in found:
        for target in a.stackable_into:
            if target not in ids:
                raise Where(file, "stackable_into").error(
                    f"achievement {a.id!r} stacks into unknown achievement {target!r}"
                )
    return tuple(found)


def read_alignment(framework: Framework, item: object, w: Where) -> Alignment:
    d = as_mapping(item, w)
    status = as_enum(d.get("status", "exact"), AlignmentStatus, w.at(w.field + ".status"))
    code = d.get("competency")
    ref = competency_ref(framework, code, w.at(w.field + ".competency")) if code else None
    level = d.get("level")
    if ref is None and status.counts:
        raise w.error(f"a {status.value} alignment needs a competency")
    name = as_text(d.get("name"), w, required=False)
    if ref is not None and not name:
        name = framework.competency(ref.code).name
    return Alignment(
        target_name=name or as_text(None, w.at(w.field + ".name")),
        competency=ref,
        level=None if level is None else scale_level(framework, level, w.at(w.field + ".level")),
        target_url=framework.competency(ref.code).uri if ref else None,
        status=status,
    )


def read_awards(
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
    unique([a.id for a in awards], Where(path.name, "award_id"), "award id")
    return tuple(awards)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
