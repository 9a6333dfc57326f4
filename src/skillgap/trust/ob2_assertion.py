"""An Open Badges 0.5-2.0 assertion as a document: how to recognise one and tell its version,
its verification route, its recipient, what makes it unreadable, and ``Ob2Outcome``, what
verifying one learnt beside the checks in the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillgap.trust.recipients import Identity, ob2_identity

OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
OB1_CONTEXTS = ("https://w3id.org/openbadges/v1", "https://openbadgespec.org/v1/context.json")


@dataclass
class Ob2Outcome:
    """What OB 1.x/2.0 verification learnt, beside the checks in the log."""

    format: str
    assertion: Any = None
    badge: Any = None
    issuer: Any = None
    identities: list[Identity] = field(default_factory=list)

    @property
    def achievement(self) -> str | None:
        for source in (self.badge, _field(self.assertion, "badge")):
            if isinstance(source, dict) and isinstance(source.get("name"), str):
                return str(source["name"])
        badge = _field(self.assertion, "badge")
        return badge if isinstance(badge, str) else None


def is_ob2_assertion(doc: Any) -> bool:
    return isinstance(doc, dict) and (
        _has_type(doc, "Assertion")
        or "verification" in doc
        or "verify" in doc
        or ("recipient" in doc and "badge" in doc)
    )


def legacy_version(doc: dict[str, Any]) -> str:
    """'ob2.0', 'ob1.1', 'ob1.0' or 'ob0.5' for an assertion-shaped document."""
    contexts = strings(doc.get("@context"))
    if "verification" in doc or any(c in OB2_CONTEXTS for c in contexts):
        return "ob2.0"
    if any(c in OB1_CONTEXTS for c in contexts):
        return "ob1.1"
    if "verify" in doc:
        return "ob1.0"
    return "ob0.5"


def verification_route(doc: dict[str, Any], version: str) -> tuple[str, str | None]:
    """The verification type ('hosted'/'signed') and its URL (hosted id, or signing key)."""
    if version == "ob2.0":
        verification = doc.get("verification")
        kind = ""
        creator = None
        if isinstance(verification, dict):
            kind = str(verification.get("type", "")).lower()
            creator = verification.get("creator")
        kind = {"hostedbadge": "hosted", "signedbadge": "signed"}.get(kind, kind)
        if kind == "hosted":
            url = doc.get("id")
            return kind, url if isinstance(url, str) and url.startswith("http") else None
        return kind, creator if isinstance(creator, str) else None
    verify = doc.get("verify")
    if not isinstance(verify, dict):
        return "", None
    url = verify.get("url")
    return str(verify.get("type", "")).lower(), url if isinstance(url, str) else None


def recipient_identities(doc: Any) -> list[Identity]:
    identity = ob2_identity(doc.get("recipient")) if isinstance(doc, dict) else None
    if identity is not None and isinstance(doc, dict) and not identity.salt:
        salt = doc.get("salt")  # OB 0.5 kept the salt beside the recipient
        if isinstance(salt, str):
            identity = Identity(identity.type, identity.value, identity.hashed, salt)
    return [identity] if identity else []


def id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def structure_problem(doc: dict[str, Any], version: str) -> str | None:
    """What makes an OB 1.x/2.0 assertion unreadable, before anything is fetched."""
    recipient = doc.get("recipient")
    if not isinstance(recipient, dict):
        return (
            f"recipient must be an identity object (type, identity, hashed) in Open Badges "
            f"{version[2:]}, not {type(recipient).__name__}"
        )
    if not isinstance(recipient.get("identity"), str) or not recipient["identity"]:
        return "recipient.identity is missing"
    if "badge" not in doc:
        return "the assertion names no badge"
    return None


def _has_type(doc: dict[str, Any], name: str) -> bool:
    kinds = doc.get("type")
    return kinds == name or (isinstance(kinds, list) and name in kinds)


def _field(doc: Any, name: str) -> Any:
    return doc.get(name) if isinstance(doc, dict) else None
