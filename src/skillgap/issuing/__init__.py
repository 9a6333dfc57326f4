"""The organisation as an issuer: its own Open Badges 3.0 credentials, signed with its own key.

This package's ``__init__`` holds only the two values the workspace stores (the issuer
profile and the record of each credential issued), so the store can import them without
pulling in signing code; like ``domain/`` it imports nothing but the standard library and
``errors``. The rest lives in submodules:

- ``keystore``: where the private key lives (a 0600 file, an environment variable, memory);
  never the workspace, so a database dump or an export cannot leak it.
- pure functions, no I/O: ``credential`` builds the unsigned credential; ``signing`` signs
  it (an eddsa-rdfc-2022 proof or a VC-JWT); ``hosted`` builds what the organisation serves
  (its DID, the status list, the DID document and the issuer profile).
- the use cases behind ``skillgap issuer …``, ``issue`` and ``revoke``: ``issuer_setup``
  (``init_issuer``, ``publish``), ``issuance`` (``issue``), ``revocation`` (``revoke``,
  ``list_issued``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from skillgap.errors import ValidationError, WorkspaceError

__all__ = ["CredentialFormat", "IssuedCredential", "IssuerProfile"]

#: How a credential was secured: an embedded eddsa-rdfc-2022 proof, or a VC-JWT (EdDSA).
CredentialFormat = Literal["di", "jwt"]
FORMATS: tuple[CredentialFormat, ...] = ("di", "jwt")


@dataclass(frozen=True)
class IssuerProfile:
    """The organisation's public identity as an issuer (no secret in it: it is stored).

    ``id`` is a ``did:key`` (derived from the key: nothing to host but the status list) or
    a ``did:web`` (a domain the organisation serves ``did.json`` on). ``key_file`` is where
    the private key was written, when it was written to a file: a path, not a secret.
    """

    id: str
    name: str
    url: str
    verification_method: str
    public_key: str  # publicKeyMultibase
    status_list_url: str
    created: datetime
    key_file: str | None = None

    def __post_init__(self) -> None:
        if not self.id.startswith(("did:key:", "did:web:")):
            raise ValidationError(f"issuer id {self.id!r} must be a did:key or did:web DID")
        if not self.verification_method.startswith(self.id + "#"):
            raise ValidationError(
                f"verification method {self.verification_method!r} is not one of {self.id}"
            )
        if self.created.tzinfo is None:
            raise ValidationError("the issuer profile's creation time must carry a time zone")

    @property
    def did_web(self) -> bool:
        return self.id.startswith("did:web:")

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "verification_method": self.verification_method,
            "public_key": self.public_key,
            "status_list_url": self.status_list_url,
            "created": self.created.isoformat(),
            "key_file": self.key_file,
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> IssuerProfile:
        try:
            data = json.loads(text)
            return cls(
                id=data["id"],
                name=data["name"],
                url=data["url"],
                verification_method=data["verification_method"],
                public_key=data["public_key"],
                status_list_url=data["status_list_url"],
                created=datetime.fromisoformat(data["created"]),
                key_file=data.get("key_file"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise WorkspaceError(
                f"the workspace's issuer profile is unreadable ({exc}): run `skillgap issuer "
                "init --force` to write it again"
            ) from None


@dataclass(frozen=True)
class IssuedCredential:
    """One credential the organisation issued: what it said, where its status bit is.

    ``id`` is the credential's own id (``urn:uuid:…``), which is also the id of the award
    stored for the person. ``document`` is the signed credential exactly as handed out
    (JSON, or a compact JWT). A revoked credential keeps its record; only the status list
    bit, the time and the reason change.
    """

    id: str
    award_id: str
    person_id: str
    achievement_id: str
    status_index: int
    format: CredentialFormat
    issued_on: datetime
    document: str
    expires_on: datetime | None = None
    revoked: bool = False
    revoked_on: datetime | None = None
    revocation_reason: str | None = None

    def __post_init__(self) -> None:
        if self.status_index < 0:
            raise ValidationError(f"credential {self.id!r}: a status index cannot be negative")
        if self.format not in FORMATS:
            raise ValidationError(f"credential {self.id!r}: unknown format {self.format!r}")
        if self.revoked != (self.revoked_on is not None):
            raise ValidationError(f"credential {self.id!r}: a revocation needs its time")
        for moment in (self.issued_on, self.expires_on, self.revoked_on):
            if moment is not None and moment.tzinfo is None:
                raise ValidationError(f"credential {self.id!r}: dates must carry a time zone")

    def state(self, at: datetime) -> str:
        """``revoked``, ``expired`` or ``active`` at ``at`` (revoked wins, as in verification)."""
        if self.revoked:
            return "revoked"
        if self.expires_on is not None and self.expires_on <= at:
            return "expired"
        return "active"
