"""From a verified credential to what the workspace stores: issuer, achievement and award.

``records_from`` reads the documents verification returned (``Verified.document``, and for
Open Badges 2.0 the BadgeClass and Issuer profile in ``Verified.related``) — never the input
again, so what is stored is what was verified. Open Badges 1.x/2.0 assertions, Open Badges
3.0 credentials (JSON or VC-JWT) and the credentials inside a CLR 2.0 each give one record;
a CLR itself gives none (it is the envelope, not an achievement).

A credential that did not verify still gives a record: it is stored with its report and the
analysis never counts it. An OB 2.0 badge whose BadgeClass or issuer cannot be had now (a
revoked hosted badge answers 410) gives a ``StatusUpdate``: the new report for an award the
workspace holds. What cannot be placed at all gives a ``NotImported`` with the reason: an
input that is no credential, a credential without an achievement or an issue date.

``RecipientIndex`` tells which person a credential names: by e-mail (plain, or hashed with
its salt as OB 2.0 allows) against the people's e-mail addresses, by DID or URL against
their identifiers. Exactly one person, or none: it never guesses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from skillgap.analysis.assessment import infer_assessment
from skillgap.domain import Achievement, Alignment, AlignmentStatus, Award, Evidence, Issuer
from skillgap.domain.credentials import MAX_DOCUMENT_CHARS
from skillgap.domain.people import Person, normalise_email
from skillgap.domain.verification import CheckStatus
from skillgap.errors import ValidationError
from skillgap.formats.badges.baking import BakedBadgeError, extract_png, extract_svg
from skillgap.formats.badges.sniff import Kind, sniff
from skillgap.trust import jws
from skillgap.trust.dates import parse_datetime
from skillgap.trust.recipients import Identity
from skillgap.trust.result import Verified

ISSUED = ("issuedOn", "validFrom", "issuanceDate", "awardedDate")
EXPIRES = ("expires", "validUntil", "expirationDate")
EMAIL_TYPES = frozenset({"email", "emailaddress"})


@dataclass(frozen=True)
class AlignmentTarget:
    """An alignment as the credential gives it (OB 2.0 AlignmentObject, OB 3.0 Alignment)."""

    name: str
    url: str | None = None
    code: str | None = None
    framework: str | None = None
    description: str = ""
    type: str | None = None


@dataclass(frozen=True)
class CredentialRecord:
    """One credential, ready to store once its recipient and alignments are resolved.

    ``achievement.alignments`` holds each target as ``unmapped`` until ``analysis.alignment``
    maps ``targets``; ``award.person_id`` is None until the recipient is matched."""

    issuer: Issuer
    achievement: Achievement
    targets: tuple[AlignmentTarget, ...]
    award: Award
    identities: tuple[Identity, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusUpdate:
    """A credential whose achievement or issuer could not be read this time (a revoked or
    vanished hosted badge): it can only bring a new report to an award the workspace holds
    (same id, recipient and achievement); ``reason`` says why it is no more."""

    award: Award
    identities: tuple[Identity, ...]
    reason: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotImported:
    name: str
    reason: str


class _Skip(Exception):
    """Why one credential gives no record (caught within this module)."""


Record = CredentialRecord | StatusUpdate | NotImported


def records_from(verified: Verified, text: str) -> list[Record]:
    """The records of one verified input; ``text`` is the credential as presented
    (``presented_text``), kept on the award."""
    if not isinstance(verified.document, dict):
        return [NotImported(verified.name, _failure(verified) or "not a credential")]
    if verified.format.startswith("clr"):
        if not verified.parts:
            reason = _failure(verified) or "the CLR holds no credentials"
            return [NotImported(verified.name, f"a CLR without readable credentials: {reason}")]
        inner = _inner(verified.document)
        found: list[Record] = []
        for index, part in enumerate(verified.parts):
            item = inner[index] if index < len(inner) else None
            found.extend(records_from(part, item if isinstance(item, str) else _dump(item)))
        return found
    try:
        if verified.format.startswith("ob") and not verified.format.startswith("ob3"):
            return [_ob2(verified, text)]
        return [_ob3(verified, text)]
    except _Skip as exc:
        return [NotImported(verified.name, str(exc))]


def presented_text(data: bytes) -> str:
    """The credential text an input carries: a baked image's payload, else the text itself
    ("" when there is none to keep)."""
    kind = sniff(data)
    try:
        if kind is Kind.PNG:
            return (extract_png(data) or "").strip()
        if kind is Kind.SVG:
            return (extract_svg(data) or "").strip()
        return data.decode("utf-8-sig").strip()
    except (BakedBadgeError, UnicodeDecodeError):
        return ""


# --------------------------------------------------------------------------- the standards


def _ob2(verified: Verified, text: str) -> CredentialRecord | StatusUpdate:
    assertion: dict[str, Any] = verified.document
    verify = assertion.get("verify")
    hosted = _text(verify, "url") if isinstance(verify, dict) else None
    award_id = _text(assertion, "id") or hosted or _fingerprint(assertion)
    badge = verified.related.get("badge") or assertion.get("badge")
    profile = verified.related.get("issuer") or (
        badge.get("issuer") if isinstance(badge, dict) else None
    )
    if not isinstance(badge, dict) or not isinstance(profile, dict):
        # Revoked (410), gone or offline: what the badge is cannot be read now. The
        # outcome can still be recorded on an award the workspace holds.
        missing = "BadgeClass" if not isinstance(badge, dict) else "issuer profile"
        reason = f"the {missing} could not be read ({_failure(verified) or 'missing'})"
        badge_id = badge if isinstance(badge, str) else _text(badge, "id")
        if badge_id is None:
            raise _Skip(reason)
        award, notes = _award(verified, text, badge_id, award_id, assertion)
        return StatusUpdate(award, tuple(verified.identities), reason, notes)
    issuer_id = _text(profile, "id") or _text(profile, "url") or _text(profile, "origin")
    if issuer_id is None:
        raise _Skip("the issuer profile has no id")
    issuer = _issuer(profile, issuer_id)
    targets = tuple(_target(a) for a in _list(badge.get("alignment")) if isinstance(a, dict))
    evidence = bool(list(_evidence(assertion.get("evidence"))))
    achievement = _achievement(badge, "BadgeClass", issuer_id, "Badge", targets, evidence)
    award, notes = _award(verified, text, achievement.id, award_id, assertion)
    return CredentialRecord(issuer, achievement, targets, award, tuple(verified.identities), notes)


def _ob3(verified: Verified, text: str) -> CredentialRecord:
    credential: dict[str, Any] = _with_jwt_claims(verified.document, text)
    subjects = _list(credential.get("credentialSubject"))
    subject = subjects[0] if subjects else None
    found = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(found, dict):
        raise _Skip(
            f"the credential ({verified.format}) names no achievement (credentialSubject."
            "achievement): an endorsement or another kind of verifiable credential"
        )
    raw = credential.get("issuer")
    profile = raw if isinstance(raw, dict) else {"id": raw}
    issuer_id = _text(profile, "id")
    if issuer_id is None:
        raise _Skip("the credential names no issuer id")
    issuer = _issuer(profile, issuer_id)
    targets = tuple(_target(a) for a in _list(found.get("alignment")) if isinstance(a, dict))
    kind = _text(found, "achievementType") or "Achievement"
    evidence = bool(list(_evidence(credential.get("evidence"))))
    achievement = _achievement(found, "achievement", issuer_id, kind, targets, evidence)
    award_id = _text(credential, "id") or _fingerprint(credential)
    award, notes = _award(verified, text, achievement.id, award_id, credential)
    return CredentialRecord(issuer, achievement, targets, award, tuple(verified.identities), notes)


def _with_jwt_claims(credential: dict[str, Any], text: str) -> dict[str, Any]:
    """A VC 1.1 JWT (``{"vc": {...}}``) may leave the credential's id, issuer and dates to
    its registered claims (jti, iss, nbf, exp); the credential's own values come first (the
    verifier checked that they agree)."""
    try:
        claims = jws.parse_compact(text).payload_json()
    except (jws.JwsError, ValueError):
        return credential
    if not isinstance(claims.get("vc"), dict):
        return credential
    named = {"id": "jti", "issuer": "iss", "issuanceDate": "nbf", "expirationDate": "exp"}
    found = {field: claims[claim] for field, claim in named.items() if claim in claims}
    return {**found, **credential}


def _issuer(profile: Mapping[str, Any], issuer_id: str) -> Issuer:
    return Issuer(
        issuer_id,
        _text(profile, "name") or issuer_id,
        url=_text(profile, "url"),
        email=_text(profile, "email"),
    )


def _achievement(
    doc: dict[str, Any],
    what: str,
    issuer_id: str,
    kind: str,
    targets: Sequence[AlignmentTarget],
    evidence: bool,
) -> Achievement:
    """The achievement a credential describes; its assessment type is read from its criteria,
    result descriptions, type and whether the award carries evidence (``infer_assessment``):
    the first award imported decides it, and a reviewer may change it."""
    achievement_id = _text(doc, "id")
    if achievement_id is None:
        raise _Skip(f"the {what} has no id")
    name = _text(doc, "name")
    if name is None:
        raise _Skip(f"the {what} {achievement_id} has no name")
    criteria = doc.get("criteria")
    if isinstance(criteria, dict):
        criteria_text = _text(criteria, "narrative") or _text(criteria, "id") or ""
    else:
        criteria_text = criteria.strip() if isinstance(criteria, str) else ""
    return Achievement(
        id=achievement_id,
        name=name,
        issuer_id=issuer_id,
        description=_text(doc, "description") or "",
        criteria=criteria_text,
        achievement_type=kind,
        assessment=infer_assessment(doc, evidence=evidence)[0],
        alignments=tuple(
            Alignment(t.name, None, None, t.url, AlignmentStatus.UNMAPPED) for t in targets
        ),
    )


def _target(doc: dict[str, Any]) -> AlignmentTarget:
    url = _text(doc, "targetUrl")
    code = _text(doc, "targetCode")
    return AlignmentTarget(
        name=_text(doc, "targetName") or code or url or "",
        url=url,
        code=code,
        framework=_text(doc, "targetFramework"),
        description=_text(doc, "targetDescription") or "",
        type=_text(doc, "targetType"),
    )


def _award(
    verified: Verified, text: str, achievement_id: str, award_id: str, doc: dict[str, Any]
) -> tuple[Award, tuple[str, ...]]:
    issued = _date(doc, ISSUED)
    if issued is None:
        raise _Skip(f"the credential has no issue date ({' / '.join(ISSUED)})")
    notes: tuple[str, ...] = ()
    if len(text) > MAX_DOCUMENT_CHARS:
        notes = (f"{verified.name}: the credential text is too long to keep with the award",)
        text = ""
    try:
        award = Award(
            id=award_id,
            achievement_id=achievement_id,
            recipient=verified.recipient or "",
            issued_on=issued,
            expires_on=_date(doc, EXPIRES),
            evidence=tuple(_evidence(doc.get("evidence"))),
            verification=verified.report,
            source=verified.name,
            format=verified.format,
            document=text,
        )
    except ValidationError as exc:
        raise _Skip(str(exc)) from None
    return award, notes


def _evidence(value: Any) -> Iterable[Evidence]:
    for item in _list(value):
        if isinstance(item, str) and item.strip():
            yield Evidence(url=item.strip())
        elif isinstance(item, dict):
            yield Evidence(
                name=_text(item, "name") or _text(item, "description") or "",
                url=_text(item, "id"),
                narrative=_text(item, "narrative") or "",
            )


def _date(doc: dict[str, Any], names: Sequence[str]) -> datetime | None:
    for name in names:
        value = doc.get(name)
        if value is None:
            continue
        try:
            return parse_datetime(value, numbers=True, digits=True)
        except ValueError as exc:
            raise _Skip(f"{name}: {exc}") from None
    return None


# --------------------------------------------------------------------------- recipients


@dataclass(frozen=True)
class Match:
    """Who a credential names: ``person_id`` when exactly one person; ``candidates`` are all
    the people any identity named; ``reason`` says how, or why nobody."""

    person_id: str | None
    candidates: tuple[str, ...]
    reason: str


class RecipientIndex:
    """The people's e-mail addresses and identifiers, to match recipients against."""

    def __init__(self, people: Iterable[Person]) -> None:
        self._emails: dict[str, str] = {}
        self._identifiers: dict[str, str] = {}
        for person in people:
            for email in person.emails:
                self._emails[email] = person.employee_id
            for identifier in person.identifiers:
                self._identifiers[identifier] = person.employee_id

    def match(self, identities: Sequence[Identity]) -> Match:
        named: dict[str, list[str]] = {}
        for identity in identities:
            for person_id in self._named(identity):
                named.setdefault(person_id, []).append(identity.display())
        if len(named) == 1:
            ((person_id, how),) = named.items()
            return Match(person_id, (person_id,), f"by {', '.join(dict.fromkeys(how))}")
        if named:
            people = ", ".join(sorted(named))
            return Match(None, tuple(sorted(named)), f"it names several people ({people})")
        if not identities:
            return Match(None, (), "the credential names no recipient")
        shown = ", ".join(i.display() for i in identities)
        return Match(None, (), f"no person in the workspace has {shown}")

    def _named(self, identity: Identity) -> set[str]:
        table = self._emails if identity.type.lower() in EMAIL_TYPES else self._identifiers
        if not identity.hashed:
            value = identity.value
            key = normalise_email(value) if table is self._emails else value.strip()
            owner = table.get(key)
            return {owner} if owner is not None else set()
        return {owner for value, owner in table.items() if identity.matches(value)}


# --------------------------------------------------------------------------- helpers


def _failure(verified: Verified) -> str | None:
    for check in verified.report.checks:
        if check.status is CheckStatus.FAIL:
            return check.message
    return None


def _inner(credential: dict[str, Any]) -> list[Any]:
    subject = _list(credential.get("credentialSubject"))
    first = subject[0] if subject else None
    inner = first.get("verifiableCredential") if isinstance(first, dict) else None
    return inner if isinstance(inner, list) else []


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(doc: Any, name: str) -> str | None:
    value = doc.get(name) if isinstance(doc, Mapping) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _dump(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False) if document is not None else ""


def _fingerprint(document: dict[str, Any]) -> str:
    """An id for a credential without one: the SHA-256 of its canonical JSON, the same
    whichever file or image it came in."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


__all__ = [
    "AlignmentTarget",
    "CredentialRecord",
    "Match",
    "NotImported",
    "RecipientIndex",
    "Record",
    "StatusUpdate",
    "presented_text",
    "records_from",
]
