"""The Open Badges 3.0 credential an issuer makes, built without any I/O.

- ``build_credential``: an unsigned Open Badges 3.0 AchievementCredential on the VC 2.0 data
  model, as the 1EdTech JSON Schema wants it (a test validates every one we build), with a
  ``BitstringStatusListEntry`` so it can be revoked later.
- ``Recipient``: who the credential names; ``alignment_targets``: the competencies it
  vouches for.

``signing`` signs it; ``hosted`` builds the documents the issuer serves beside it (the
status list, the DID document, the public profile).

Times are written in whole seconds, UTC, with a ``Z``: the form every verifier reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from skillgap.domain import Achievement, Evidence, Framework, Person
from skillgap.domain.people import is_identifier
from skillgap.errors import ValidationError
from skillgap.issuing import IssuerProfile

__all__ = [
    "CREDENTIAL_CONTEXT",
    "Recipient",
    "achievement_uri",
    "alignment_targets",
    "build_credential",
    "timestamp",
]

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_CONTEXT = (VC2, OB3)
#: The Open Badges 3.0 AchievementType vocabulary; other types are written ``ext:<Type>``.
_TYPES = """Achievement ApprenticeshipCertificate Assessment Assignment AssociateDegree Award
Badge BachelorDegree Certificate CertificateOfCompletion Certification CommunityService Competency
Course CoCurricular Degree Diploma DoctoralDegree Fieldwork GeneralEducationDevelopment
JourneymanCertificate LearningProgram License Membership ProfessionalDoctorate
QualityAssuranceCredential MasterCertificate MasterDegree MicroCredential ResearchDoctorate
SecondarySchoolDiploma"""
ACHIEVEMENT_TYPES = frozenset(_TYPES.split())


def timestamp(moment: datetime) -> str:
    """``2026-01-31T12:00:00Z``: UTC, whole seconds."""
    if moment.tzinfo is None:
        raise ValueError("a credential time must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Recipient:
    """Who the credential names: a DID, else an e-mail address hashed with ``salt``.

    A hashed address lets the holder prove the credential is theirs without the credential
    publishing their address to everyone it is shown to (Open Badges ``IdentityObject``).
    """

    did: str | None = None
    email: str | None = None
    salt: str = ""

    def __post_init__(self) -> None:
        if self.did is None and self.email is None:
            raise ValidationError("a recipient needs a DID or an e-mail address")

    @classmethod
    def of(cls, person: Person, *, salt: str) -> Recipient:
        """The person's first DID, else their first e-mail address (hashed with ``salt``)."""
        did = next((i for i in person.identifiers if i.startswith("did:")), None)
        if did is not None:
            return cls(did=did)
        if person.emails:
            return cls(email=person.emails[0], salt=salt)
        raise ValidationError(
            f"person {person.employee_id!r} has neither a DID nor an e-mail address to name "
            "as the credential's recipient"
        )

    def subject_fields(self) -> dict[str, Any]:
        if self.did is not None:
            return {"id": self.did}
        assert self.email is not None
        digest = hashlib.sha256((self.email + self.salt).encode("utf-8")).hexdigest()
        return {
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": f"sha256${digest}",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": self.salt,
                }
            ]
        }


def achievement_uri(achievement_id: str) -> str:
    """The achievement's id when it is a URI already, else a URN made from it."""
    if is_identifier(achievement_id):
        return achievement_id
    return f"urn:skillgap:achievement:{quote(achievement_id, safe='')}"


def alignment_targets(
    achievement: Achievement, frameworks: Mapping[str, Framework]
) -> list[dict[str, Any]]:
    """The achievement's alignments that count, as OB 3.0 ``Alignment`` objects.

    ``targetUrl`` is the competency's URI when it has one (an ESCO skill, a CASE item:
    anyone can resolve it), else the alignment's own URL, else the framework's URI (with
    ``targetCode`` naming the competency in it), else a URN. Suggested and unmapped
    alignments are left out: the organisation does not vouch for them.
    """
    targets = []
    for alignment in achievement.alignments:
        ref = alignment.competency
        if ref is None or not alignment.status.counts:
            continue
        framework = frameworks.get(ref.framework)
        competency = (
            framework.competency(ref.code) if framework and framework.has(ref.code) else None
        )
        url = (
            (competency.uri if competency else None)
            or alignment.target_url
            or (framework.uri if framework else None)
            or f"urn:skillgap:competency:{quote(ref.framework, safe='')}:{quote(ref.code, safe='')}"
        )
        target: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": competency.name if competency else alignment.target_name,
            "targetUrl": url,
            "targetCode": ref.code,
            "targetFramework": framework.name if framework else ref.framework,
            "targetType": "ceasn:Competency",
        }
        if competency and competency.description:
            target["targetDescription"] = competency.description
        targets.append(target)
    return targets


def _achievement_type(kind: str) -> str | None:
    if not kind:
        return None
    if kind in ACHIEVEMENT_TYPES or kind.startswith("ext:"):
        return kind
    safe = "".join(c for c in kind if c.isascii() and (c.isalnum() or c in ".-_"))
    return f"ext:{safe}" if safe else None


def status_entry(profile: IssuerProfile, index: int) -> dict[str, Any]:
    return {
        "id": f"{profile.status_list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": profile.status_list_url,
    }


def issuer_object(profile: IssuerProfile) -> dict[str, Any]:
    return {"id": profile.id, "type": ["Profile"], "name": profile.name, "url": profile.url}


def build_credential(
    *,
    credential_id: str,
    profile: IssuerProfile,
    achievement: Achievement,
    alignment: Sequence[dict[str, Any]],
    recipient: Recipient,
    issued: datetime,
    expires: datetime | None,
    evidence: Sequence[Evidence],
    status_index: int,
) -> dict[str, Any]:
    """The unsigned AchievementCredential (an OpenBadgeCredential, as wallets call it)."""
    criteria = {"narrative": achievement.criteria} if achievement.criteria else {}
    definition: dict[str, Any] = {
        "id": achievement_uri(achievement.id),
        "type": ["Achievement"],
        "name": achievement.name,
        "description": achievement.description or achievement.name,
        "criteria": criteria,
    }
    kind = _achievement_type(achievement.achievement_type)
    if kind:
        definition["achievementType"] = kind
    if alignment:
        definition["alignment"] = list(alignment)
    subject = {"type": ["AchievementSubject"], **recipient.subject_fields()}
    subject["achievement"] = definition
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_object(profile),
        "name": achievement.name,
        "validFrom": timestamp(issued),
    }
    if expires is not None:
        credential["validUntil"] = timestamp(expires)
    credential["credentialSubject"] = subject
    if evidence:
        credential["evidence"] = [_evidence(item) for item in evidence]
    credential["credentialStatus"] = status_entry(profile, status_index)
    return credential


def _evidence(item: Evidence) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.url} if item.url else {}
    out["type"] = ["Evidence"]
    if item.name:
        out["name"] = item.name
    if item.narrative:
        out["narrative"] = item.narrative
    return out
