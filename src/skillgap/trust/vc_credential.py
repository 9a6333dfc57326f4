"""A W3C Verifiable Credential as a document: how to recognise one, its format (OB 3.0,
CLR 2.0, endorsement, plain VC), the fields verification reads, and ``VcOutcome``, what
verifying one learnt beside the checks in the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillgap.trust.recipients import Identity

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"


@dataclass
class VcOutcome:
    format: str = "vc"
    credential: Any = None
    identities: list[Identity] = field(default_factory=list)
    inner: list[Any] = field(default_factory=list)  # credentials a CLR carries

    @property
    def achievement(self) -> str | None:
        subject = first_item(self.credential.get("credentialSubject")) if self.credential else None
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(achievement, dict) and isinstance(achievement.get("name"), str):
            return str(achievement["name"])
        name = self.credential.get("name") if isinstance(self.credential, dict) else None
        return name if isinstance(name, str) else None


def is_vc(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    contexts = doc.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    return first in (VC1, VC2) or "VerifiableCredential" in credential_types(doc)


def credential_format(doc: dict[str, Any]) -> str:
    types = credential_types(doc)
    if "ClrCredential" in types:
        return "clr2.0"
    if "OpenBadgeCredential" in types or "AchievementCredential" in types:
        return "ob3.0"
    if "EndorsementCredential" in types:
        return "ob3.0-endorsement"
    return "vc"


def issuer_id(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def subject_id(doc: dict[str, Any]) -> str | None:
    subject = first_item(doc.get("credentialSubject"))
    value = subject.get("id") if isinstance(subject, dict) else None
    return value if isinstance(value, str) else None


def credential_types(doc: dict[str, Any]) -> list[str]:
    return strings(doc.get("type"))


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def first_item(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value
