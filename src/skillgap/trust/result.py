"""What verifying one input produced: the report, plus what the credential says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skillgap.domain.verification import VerificationReport, VerificationStatus
from skillgap.trust.recipients import Identity


@dataclass(frozen=True)
class Verified:
    """One verified input (a file, a zip member, an embedded credential).

    ``document`` is the credential as data (the presented OB 2.0 assertion or the VC); for
    OB 2.0, ``related`` holds the BadgeClass and Issuer documents it points to, when they
    could be had. ``parts`` are the credentials inside a CLR.
    """

    name: str
    format: str
    report: VerificationReport
    container: str | None = None
    identities: tuple[Identity, ...] = ()
    achievement: str | None = None
    document: Any = None
    related: Mapping[str, Any] = field(default_factory=dict)
    parts: tuple[Verified, ...] = ()

    @property
    def status(self) -> VerificationStatus:
        return self.report.status

    @property
    def valid(self) -> bool:
        return self.report.status is VerificationStatus.VALID

    @property
    def recipient(self) -> str | None:
        return self.identities[0].display() if self.identities else None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.name,
            "format": self.format,
            "status": str(self.report.status),
            "checks": [
                {"name": c.name, "status": str(c.status), "message": c.message}
                for c in self.report.checks
            ],
            "recipient": self.recipient,
            "achievement": self.achievement,
        }
        if self.parts:  # the credentials inside a CLR, each reported the same way
            data["credentials"] = [part.to_json() for part in self.parts]
        return data
