"""The documents an issuer hosts, built and signed without any I/O.

- ``identifiers``: the issuer's DID (``did:key``, or ``did:web`` when the organisation serves
  its own DID document) and its verification method.
- ``build_status_list``: the unsigned ``BitstringStatusListCredential`` holding every
  revoked index; it carries a ``validUntil`` so a stale copy stops vouching for credentials
  on its own, which is why it must be published again before that date.
- ``did_document`` and ``profile_document``: what a ``did:web`` issuer must host, and its
  public Open Badges profile.
- ``hosted_documents``: all of them, the status list signed, as the files to serve.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skillgap.errors import ValidationError
from skillgap.fetch import did_web_url
from skillgap.issuing import IssuerProfile
from skillgap.issuing.credential import CREDENTIAL_CONTEXT, VC2, issuer_object, timestamp
from skillgap.issuing.signing import sign_data_integrity
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.status_bitstring import MIN_ENTRIES, encode_list, new_status_list, set_bit

__all__ = [
    "Hosted",
    "build_status_list",
    "did_document",
    "hosted_documents",
    "identifiers",
    "profile_document",
]

DID_CONTEXT = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
STATUS_LIST_LENGTH = MIN_ENTRIES  # the spec's minimum: herd privacy for the holders
#: How long a published status list is valid: verifiers refuse it afterwards, so a list
#: that stops being published (or is replayed from an old copy) stops vouching.
STATUS_LIST_DAYS = 30
STATUS_LIST_FILE, DID_FILE, PROFILE_FILE = "status-list.json", "did.json", "issuer.json"


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
