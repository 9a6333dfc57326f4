"""The documents an issuer makes, built and signed without any I/O.

- ``build_credential``: an unsigned Open Badges 3.0 AchievementCredential on the VC 2.0 data
  model, as the 1EdTech JSON Schema wants it (a test validates every one we build), with a
  ``BitstringStatusListEntry`` so it can be revoked later.
- ``build_status_list``: the unsigned ``BitstringStatusListCredential`` holding every
  revoked index; it carries a ``validUntil`` so a stale copy stops vouching for credentials
  on its own, which is why it must be published again before that date.
- ``did_document`` and ``profile_document``: what a ``did:web`` issuer must host, and its
  public Open Badges profile.
- ``sign_data_integrity`` (eddsa-rdfc-2022, the suite Open Badges 3.0 names) and ``sign_jwt``
  (VC-JOSE: the credential itself is the JWT payload, ``typ`` ``vc+jwt``).

Times are written in whole seconds, UTC, with a ``Z``: the form every verifier reads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillgap.domain import Achievement, Evidence, Framework, Person
from skillgap.domain.people import is_identifier
from skillgap.errors import ValidationError
from skillgap.fetch import did_web_url
from skillgap.issuing import CredentialFormat, IssuerProfile
from skillgap.trust import dataintegrity, jws
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.status_bitstring import MIN_ENTRIES, encode_list, new_status_list, set_bit

__all__ = [
    "CREDENTIAL_CONTEXT",
    "Hosted",
    "Recipient",
    "achievement_uri",
    "alignment_targets",
    "build_credential",
    "build_status_list",
    "did_document",
    "hosted_documents",
    "identifiers",
    "profile_document",
    "sign_data_integrity",
    "sign_jwt",
    "timestamp",
]

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_CONTEXT = (VC2, OB3)
DID_CONTEXT = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
STATUS_LIST_LENGTH = MIN_ENTRIES  # the spec's minimum: herd privacy for the holders
#: How long a published status list is valid: verifiers refuse it afterwards, so a list
#: that stops being published (or is replayed from an old copy) stops vouching.
STATUS_LIST_DAYS = 30
STATUS_LIST_FILE, DID_FILE, PROFILE_FILE = "status-list.json", "did.json", "issuer.json"
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


def identifiers(public_key: str, did_web: str | None = None) -> tuple[str, str]:
    """The issuer DID and its verification method, for a key and an optional did:web domain.

    ``did:key:z6Mk…`` (method ``did:key:z6Mk…#z6Mk…``) by default; ``did:web:DOMAIN[:path]``
    (method ``…#key-1``) when the organisation serves its own DID document.
    """
    if did_web is None:
        did = f"did:key:{public_key}"
        return did, f"{did}#{public_key}"
    did = did_web if did_web.startswith("did:web:") else f"did:web:{did_web}"
    try:
        did_web_url(did)
    except ValueError as exc:
        raise ValidationError(f"--did-web: {exc}") from None
    return did, f"{did}#key-1"


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


def build_status_list(
    profile: IssuerProfile,
    revoked: Iterable[int],
    *,
    valid_from: datetime,
    valid_until: datetime,
    length: int = STATUS_LIST_LENGTH,
) -> dict[str, Any]:
    """The unsigned revocation list: bit ``i`` set when the credential at index ``i`` is
    revoked. Every list has the same length, so its size says nothing about how many
    credentials the organisation issued."""
    bits = new_status_list(length)
    for index in revoked:
        set_bit(bits, index)
    return {
        "@context": [VC2],
        "id": profile.status_list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": profile.id,
        "validFrom": timestamp(valid_from),
        "validUntil": timestamp(valid_until),
        "credentialSubject": {
            "id": f"{profile.status_list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bits),
        },
    }


def did_document(profile: IssuerProfile) -> dict[str, Any]:
    """The DID document a ``did:web`` issuer serves (a ``did:key`` one needs none)."""
    method = {
        "id": profile.verification_method,
        "type": "Multikey",
        "controller": profile.id,
        "publicKeyMultibase": profile.public_key,
    }
    return {
        "@context": list(DID_CONTEXT),
        "id": profile.id,
        "verificationMethod": [method],
        "assertionMethod": [profile.verification_method],
        "authentication": [profile.verification_method],
    }


def profile_document(profile: IssuerProfile) -> dict[str, Any]:
    """The issuer's public Open Badges 3.0 ``Profile`` (for a web page or a registry)."""
    return {"@context": list(CREDENTIAL_CONTEXT), **issuer_object(profile)}


def sign_data_integrity(
    document: Mapping[str, Any],
    key: PrivateKey,
    verification_method: str,
    *,
    created: str,
    canonicalizer: Canonicalizer,
) -> dict[str, Any]:
    """``document`` with an eddsa-rdfc-2022 ``DataIntegrityProof`` (assertionMethod).

    Deterministic: Ed25519 signatures are, so the same document, key and ``created`` give
    the same ``proofValue`` (the W3C test vectors are reproduced with it).
    """
    raw = key.key
    if not isinstance(raw, Ed25519PrivateKey):
        raise ValidationError(f"eddsa-rdfc-2022 needs an Ed25519 key, not {key.kind}")
    try:
        return dataintegrity.sign(
            document,
            raw,
            verification_method,
            cryptosuite="eddsa-rdfc-2022",
            created=created,
            proof_purpose="assertionMethod",
            canonicalizer=canonicalizer,
        )
    except ValueError as exc:
        raise ValidationError(f"cannot sign the credential: {exc}") from None


def secure(
    document: Mapping[str, Any],
    key: PrivateKey,
    verification_method: str,
    format: CredentialFormat,
    *,
    created: str,
    canonicalizer: Canonicalizer,
) -> str:
    """The signed credential as text: JSON with a proof made at ``created``, or a VC-JWT."""
    if format == "jwt":
        return sign_jwt(document, key, verification_method)
    signed = sign_data_integrity(
        document, key, verification_method, created=created, canonicalizer=canonicalizer
    )
    return json.dumps(signed, indent=2, ensure_ascii=False)


def sign_jwt(document: Mapping[str, Any], key: PrivateKey, verification_method: str) -> str:
    """A VC-JWT (VC-JOSE-COSE): the credential is the payload, signed with EdDSA."""
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": verification_method}
    try:
        return jws.sign_compact(payload, key, header)
    except jws.JwsError as exc:
        raise ValidationError(f"cannot sign the credential: {exc}") from None


@dataclass(frozen=True)
class Hosted:
    """A document the organisation must serve: its file, and the URL (or DID) it answers."""

    file: str
    body: bytes
    answers: str | None  # the URL or DID in index.json; None: verifiers never fetch it
    host_at: str | None  # where to serve it
    content_type: str = "application/json"


def json_bytes(document: object) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def hosted_documents(
    profile: IssuerProfile,
    key: PrivateKey,
    revoked: Iterable[int],
    *,
    now: datetime,
    valid_days: int = STATUS_LIST_DAYS,
    canonicalizer: Canonicalizer,
) -> list[Hosted]:
    """The signed status list, ``did.json`` for a did:web issuer, and the public profile."""
    if not 1 <= valid_days <= 366:
        raise ValidationError(f"a status list is valid for 1 to 366 days, not {valid_days}")
    now = now.replace(microsecond=0)
    status_list = build_status_list(
        profile, revoked, valid_from=now, valid_until=now + timedelta(days=valid_days)
    )
    signed = sign_data_integrity(
        status_list,
        key,
        profile.verification_method,
        created=timestamp(now),
        canonicalizer=canonicalizer,
    )
    url = profile.status_list_url
    found = [Hosted(STATUS_LIST_FILE, json_bytes(signed), url, url)]
    if profile.did_web:
        body = json_bytes(did_document(profile))
        did_url = did_web_url(profile.id)
        found.append(Hosted(DID_FILE, body, profile.id, did_url, "application/did+json"))
    found.append(Hosted(PROFILE_FILE, json_bytes(profile_document(profile)), None, None))
    return found
