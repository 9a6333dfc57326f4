"""Bundle files about credentials: issuers.yaml, achievements.yaml and awards.csv."""

from __future__ import annotations

from datetime import UTC, datetime, time
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
from skillgap.formats.bundle.skills import competency_ref, scale_level
from skillgap.formats.tabular import (
    CsvRow,
    Where,
    as_date,
    as_enum,
    as_int,
    as_list,
    as_mapping,
    as_text,
    list_items,
    read_csv,
    rules_at,
    unique,
)

AWARD_COLUMNS = ["award_id", "achievement_id", "employee_id", "recipient", "issued_on"]
ISSUER_KEYS = {"id", "name", "url", "email", "tier"}
ACHIEVEMENT_KEYS = {
    "id",
    "name",
    "issuer",
    "type",
    "description",
    "criteria",
    "assessment",
    "valid_for_days",
    "alignments",
    "stackable_into",
}
ALIGNMENT_KEYS = {"competency", "level", "status", "name"}


def read_issuers(data: dict[str, Any]) -> tuple[Issuer, ...]:
    issuers = []
    for w, item in list_items(data, "issuers", "issuers.yaml"):
        d = as_mapping(item, w, ISSUER_KEYS)
        issuer = Issuer(
            id=as_text(d.get("id"), w.sub("id")),
            name=as_text(d.get("name"), w.sub("name")),
            url=as_text(d.get("url"), w.sub("url"), required=False) or None,
            email=as_text(d.get("email"), w.sub("email"), required=False) or None,
            tier=as_enum(d.get("tier", "unknown"), IssuerTier, w.sub("tier")),
        )
        issuers.append((issuer, w))
    unique([(i.id, w.sub("id")) for i, w in issuers], "issuer id")
    return tuple(i for i, _ in issuers)


def read_achievements(
    data: dict[str, Any], framework: Framework, issuer_ids: set[str]
) -> tuple[Achievement, ...]:
    found = []
    for w, item in list_items(data, "achievements", "achievements.yaml"):
        d = as_mapping(item, w, ACHIEVEMENT_KEYS)
        issuer = as_text(d.get("issuer"), w.sub("issuer"))
        if issuer not in issuer_ids:
            raise w.sub("issuer").error(f"unknown issuer {issuer!r}")
        alignments = w.sub("alignments")
        stacks = w.sub("stackable_into")
        targets = [
            as_text(s, stacks.sub(k))
            for k, s in enumerate(as_list(d.get("stackable_into"), stacks))
        ]
        with rules_at(stacks):  # the one rule left: it stacks into itself
            achievement = Achievement(
                id=as_text(d.get("id"), w.sub("id")),
                name=as_text(d.get("name"), w.sub("name")),
                issuer_id=issuer,
                description=as_text(d.get("description"), w.sub("description"), required=False),
                criteria=as_text(d.get("criteria"), w.sub("criteria"), required=False),
                achievement_type=as_text(d.get("type", "Badge"), w.sub("type")),
                assessment=as_enum(
                    d.get("assessment", "unknown"), AssessmentType, w.sub("assessment")
                ),
                alignments=tuple(
                    read_alignment(framework, a, alignments.sub(j))
                    for j, a in enumerate(as_list(d.get("alignments"), alignments))
                ),
                expiry=_expiry(d.get("valid_for_days"), w.sub("valid_for_days")),
                stackable_into=tuple(targets),
            )
        found.append((achievement, w))
    unique([(a.id, w.sub("id")) for a, w in found], "achievement id")
    ids = {a.id for a, _ in found}
    for a, w in found:
        for k, target in enumerate(a.stackable_into):
            if target not in ids:
                raise w.sub("stackable_into").sub(k).error(f"unknown achievement {target!r}")
    return tuple(a for a, _ in found)


def _expiry(value: object, where: Where) -> ExpiryPolicy:
    days = None if value is None else as_int(value, where)
    with rules_at(where):
        return ExpiryPolicy(days)


def read_alignment(framework: Framework, item: object, w: Where) -> Alignment:
    d = as_mapping(item, w, ALIGNMENT_KEYS)
    status = as_enum(d.get("status", "exact"), AlignmentStatus, w.sub("status"))
    code = d.get("competency")
    ref = competency_ref(framework, code, w.sub("competency")) if code else None
    level = d.get("level")
    if ref is None and status.counts:
        raise w.error(f"a {status.value} alignment needs a competency")
    name = as_text(d.get("name"), w.sub("name"), required=ref is None)
    if ref is not None and not name:
        name = framework.competency(ref.code).name
    with rules_at(w):
        return Alignment(
            target_name=name,
            competency=ref,
            level=None if level is None else scale_level(framework, level, w.sub("level")),
            target_url=framework.competency(ref.code).uri if ref else None,
            status=status,
        )


def read_awards(
    path: Path, achievement_ids: set[str], people: tuple[Person, ...]
) -> tuple[Award, ...]:
    person_ids = {p.employee_id for p in people}
    awards = []
    for row in read_csv(path, AWARD_COLUMNS):
        achievement = row.req("achievement_id")
        if achievement not in achievement_ids:
            raise row.error("achievement_id", f"unknown achievement {achievement!r}")
        person = row.text("employee_id", required=False)
        if person is not None and person not in person_ids:
            raise row.error("employee_id", f"unknown person {person!r}")
        url = row.text("evidence_url", required=False)
        # none given: the analysis applies the achievement's validity period
        expires = _moment(row, "expires_on") if row.text("expires_on", required=False) else None
        with rules_at(row.where("expires_on")):  # the one rule left: expiry before issue
            award = Award(
                id=row.req("award_id"),
                achievement_id=achievement,
                recipient=normalise_email(row.req("recipient")),
                issued_on=_moment(row, "issued_on"),
                person_id=person,
                expires_on=expires,
                evidence=(Evidence(name="Evidence", url=url),) if url else (),
                source=f"{path.name} row {row.number}",
            )
        awards.append((award, row.where("award_id")))
    unique([(a.id, where) for a, where in awards], "award id")
    return tuple(a for a, _ in awards)


def _moment(row: CsvRow, field: str) -> datetime:
    """The date in the row's ``field``, as midnight UTC."""
    return datetime.combine(as_date(row.req(field), row.where(field)), time(), tzinfo=UTC)
