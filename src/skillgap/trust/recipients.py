"""Recipient identities: who a credential names, and whether that is a given person.

Open Badges 2.0 names the recipient by an identity object (``type`` email/url/telephone,
``identity``, optionally ``hashed`` with a ``salt``: ``sha256$<hex>`` or ``md5$<hex>`` of
identity + salt). Open Badges 3.0 names it by ``credentialSubject.id`` (a DID or URL) and/or
``identifier`` entries (IdentityObject: identityType, identityHash, hashed, salt).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Identity:
    """One way a credential names its recipient."""

    type: str  # email, url, telephone, did, emailAddress, sourcedId ...
    value: str  # the plain identity, or the hash "sha256$..." when hashed
    hashed: bool = False
    salt: str = ""

    def display(self) -> str:
        return self.value if not self.hashed else f"{self.type} (hashed) {self.value}"

    def matches(self, candidate: str) -> bool:
        """Does ``candidate`` (an e-mail, URL, DID ...) name the same recipient?"""
        if not self.hashed:
            if self.type.lower() in ("email", "emailaddress"):
                return self.value.strip().lower() == candidate.strip().lower()
            return self.value == candidate
        algorithm, _, digest = self.value.partition("$")
        if algorithm.lower() not in ("sha256", "md5") or not digest:
            return False
        forms = {candidate, candidate.strip().lower()}
        for form in forms:
            computed = hashlib.new(algorithm.lower(), (form + self.salt).encode()).hexdigest()
            if hmac.compare_digest(computed.lower(), digest.lower()):
                return True
        return False


def ob2_identity(recipient: Any) -> Identity | None:
    """The identity of an OB 1.x/2.0 ``recipient`` (an object, or an OB 0.5/1.0 string)."""
    if isinstance(recipient, str):
        hashed = "$" in recipient and recipient.split("$", 1)[0].lower() in ("sha256", "md5")
        return Identity("email", recipient, hashed)
    if not isinstance(recipient, dict):
        return None
    identity = recipient.get("identity")
    if not isinstance(identity, str) or not identity:
        return None
    hashed = recipient.get("hashed") is True or (
        recipient.get("hashed") is None and identity.lower().startswith(("sha256$", "md5$"))
    )
    salt = recipient.get("salt")
    return Identity(
        str(recipient.get("type", "email")), identity, hashed, salt if isinstance(salt, str) else ""
    )


def vc_identities(subject: Any) -> list[Identity]:
    """The identities an OB 3.0 ``credentialSubject`` gives (its id first)."""
    if not isinstance(subject, dict):
        return []
    found: list[Identity] = []
    subject_id = subject.get("id")
    if isinstance(subject_id, str) and subject_id:
        kind = "did" if subject_id.startswith("did:") else "url"
        if subject_id.startswith("mailto:"):
            kind, subject_id = "email", subject_id[len("mailto:") :]
        found.append(Identity(kind, subject_id))
    entries = subject.get("identifier", [])
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict):
            continue
        value = entry.get("identityHash")
        if not isinstance(value, str) or not value:
            continue
        salt = entry.get("salt")
        found.append(
            Identity(
                str(entry.get("identityType", "identifier")),
                value,
                entry.get("hashed") is True,
                salt if isinstance(salt, str) else "",
            )
        )
    return found
