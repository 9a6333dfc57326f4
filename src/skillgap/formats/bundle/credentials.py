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
    Issuer,
    IssuerTier,
)
from skillgap.domain.people import normalise_email
from skillgap.errors import ValidationError
from skillgap.formats.bundle.checks import Known, Read, attempt, mapping_of, read_rows, settle
from skillgap.formats.bundle.skills import FrameworkRead
from skillgap.formats.collect import ErrorList
from skillgap.formats.sheets import RowReader, SheetRow
from skillgap.formats.tabular import (
    Where,
    as_date,
    as_enum,
    as_int,
    as_list,
    as_text,
    list_items,
    rules_at,
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


def read_issuers(data: dict[str, Any], errors: ErrorList) -> tuple[tuple[Issuer, ...], Known]:
    """The issuers that read well, and the ids of all; the errors of the others are kept."""
    read = [_issuer(item, w, errors) for w, item in list_items(data, "issuers", "issuers.yaml")]
    issuers, known = settle(read, "issuer id", errors)
    return tuple(issuers), known


def _issuer(item: object, w: Where, errors: ErrorList) -> Read[Issuer]:
    before = len(errors)
    d = mapping_of(item, w, ISSUER_KEYS, errors)
    if d is None:
        return Read(None, None, w.sub("id"))
    ident = attempt(errors, as_text, d.get("id"), w.sub("id"))
    name = attempt(errors, as_text, d.get("name"), w.sub("name"))
    url = attempt(errors, as_text, d.get("url"), w.sub("url"), required=False)
    email = attempt(errors, as_text, d.get("email"), w.sub("email"), required=False)
    tier = attempt(errors, as_enum, d.get("tier", "unknown"), IssuerTier, w.sub("tier"))
    issuer = None
    if ident is not None and name is not None and tier is not None and len(errors) == before:
        issuer = Issuer(id=ident, name=name, url=url or None, email=email or None, tier=tier)
    return Read(ident, issuer, w.sub("id"))


def read_achievements(
    data: dict[str, Any], framework: FrameworkRead, issuers: Known, errors: ErrorList
) -> tuple[tuple[Achievement, ...], Known]:
    """The achievements that read well, and the ids of all; the errors of the others kept."""
    read = [
        _achievement(item, w, framework, issuers, errors)
        for w, item in list_items(data, "achievements", "achievements.yaml")
    ]
    found, known = settle(read, "achievement id", errors)
    for a, w in found:
        for k, target in enumerate(a.stackable_into):
            if known.unknown(target):
                errors.add(w.sub("stackable_into").sub(k).error(f"unknown achievement {target!r}"))
    return tuple(a for a, _ in found), known


def _achievement(
    item: object, w: Where, framework: FrameworkRead, issuers: Known, errors: ErrorList
) -> Read[tuple[Achievement, Where]]:
    before = len(errors)
    d = mapping_of(item, w, ACHIEVEMENT_KEYS, errors)
    if d is None:
        return Read(None, None, w.sub("id"))
    ident = attempt(errors, as_text, d.get("id"), w.sub("id"))
    name = attempt(errors, as_text, d.get("name"), w.sub("name"))
    issuer = attempt(errors, as_text, d.get("issuer"), w.sub("issuer"))
    if issuer is not None and issuers.unknown(issuer):
        errors.add(w.sub("issuer").error(f"unknown issuer {issuer!r}"))
    kind = attempt(errors, as_text, d.get("type", "Badge"), w.sub("type"))
    description = attempt(
        errors, as_text, d.get("description"), w.sub("description"), required=False
    )
    criteria = attempt(errors, as_text, d.get("criteria"), w.sub("criteria"), required=False)
    assessment = attempt(
        errors, as_enum, d.get("assessment", "unknown"), AssessmentType, w.sub("assessment")
    )
    alignments_at = w.sub("alignments")
    alignments = [
        read_alignment(framework, a, alignments_at.sub(j), errors)
        for j, a in enumerate(attempt(errors, as_list, d.get("alignments"), alignments_at) or [])
    ]
    expiry = attempt(errors, _expiry, d.get("valid_for_days"), w.sub("valid_for_days"))
    stacks = w.sub("stackable_into")
    targets = [
        attempt(errors, as_text, s, stacks.sub(k))
        for k, s in enumerate(attempt(errors, as_list, d.get("stackable_into"), stacks) or [])
    ]
    achievement = None
    if (
        ident is not None
        and name is not None
        and issuer is not None
        and kind is not None
        and assessment is not None
        and expiry is not None
    ):
        with errors.collect(), rules_at(stacks):  # the one rule left: it stacks into itself
            achievement = Achievement(
                id=ident,
                name=name,
                issuer_id=issuer,
                description=description or "",
                criteria=criteria or "",
                achievement_type=kind,
                assessment=assessment,
                alignments=tuple(a for a in alignments if a is not None),
                expiry=expiry,
                stackable_into=tuple(t for t in targets if t is not None),
            )
    ok = achievement is not None and len(errors) == before
    return Read(ident, (achievement, w) if achievement is not None and ok else None, w.sub("id"))


def _expiry(value: object, where: Where) -> ExpiryPolicy:
    days = None if value is None else as_int(value, where)
    with rules_at(where):
        return ExpiryPolicy(days)


def read_alignment(
    framework: FrameworkRead, item: object, w: Where, errors: ErrorList
) -> Alignment | None:
    """The alignment; ``None`` when it had an error, or names a competency that did."""
    before = len(errors)
    d = mapping_of(item, w, ALIGNMENT_KEYS, errors)
    if d is None:
        return None
    status = attempt(errors, as_enum, d.get("status", "exact"), AlignmentStatus, w.sub("status"))
    code = d.get("competency")
    ref = attempt(errors, framework.competency, code, w.sub("competency")) if code else None
    level = d.get("level")
    scaled = None if level is None else attempt(errors, framework.level, level, w.sub("level"))
    if not code and status is not None and status.counts:
        errors.add(w.error(f"a {status.value} alignment needs a competency"))
    name = attempt(errors, as_text, d.get("name"), w.sub("name"), required=not code)
    if status is None or name is None or len(errors) > before or (code and ref is None):
        return None
    fw = framework.framework
    competency = fw.competency(ref.code) if fw is not None and ref is not None else None
    with errors.collect(), rules_at(w):
        return Alignment(
            target_name=name or (competency.name if competency else ""),
            competency=ref,
            level=scaled,
            target_url=competency.uri if competency else None,
            status=status,
        )
    return None


def read_awards(
    path: Path, achievements: Known, people: Known, errors: ErrorList
) -> tuple[Award, ...]:
    """The awards that read well; the errors of the others are kept in ``errors``."""
    read = [_award(row, achievements, people, errors) for row in read_rows(path, AWARD_COLUMNS)]
    awards, _ = settle(read, "award id", errors)
    return tuple(awards)


def _award(row: SheetRow, achievements: Known, people: Known, errors: ErrorList) -> Read[Award]:
    r = RowReader(row)
    award_id = r.text("award_id", required=True)
    achievement = r.text("achievement_id", required=True)
    if achievement is not None and achievements.unknown(achievement):
        r.fail("achievement_id", f"unknown achievement {achievement!r}")
    person = r.text("employee_id")
    if person is not None and people.unknown(person):
        r.fail("employee_id", f"unknown person {person!r}")
    recipient = r.text("recipient", required=True)
    issued = r.get("issued_on", _moment, required=True)
    # none given: the analysis applies the achievement's validity period
    expires = r.get("expires_on", _moment)
    url = r.text("evidence_url")
    award = None
    if (
        r.ok
        and award_id is not None
        and achievement is not None
        and recipient is not None
        and issued is not None
    ):
        try:
            award = Award(
                id=award_id,
                achievement_id=achievement,
                recipient=normalise_email(recipient),
                issued_on=issued,
                person_id=person,
                expires_on=expires,
                evidence=(Evidence(name="Evidence", url=url),) if url else (),
                source=f"{row.file} row {row.number}",
            )
        except ValidationError as exc:  # the one rule left: expiry before issue
            r.fail("expires_on", str(exc))
    errors.extend(r.errors)
    return Read(award_id, award if r.ok else None, row.where("award_id"))


def _moment(text: str, where: Where) -> datetime:
    """The date ``text``, as midnight UTC."""
    return datetime.combine(as_date(text, where), time(), tzinfo=UTC)
