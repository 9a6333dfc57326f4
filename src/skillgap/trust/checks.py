"""Collecting checks as verification runs, and choosing the overall status from them.

Every check that runs is recorded with its outcome and a message for people. A failed check
names the status it argues for; the report's overall status is the most serious of those,
by ``PRECEDENCE``. Checks that could not run are ``skip`` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from skillgap.domain.verification import (
    Check,
    CheckStatus,
    VerificationReport,
    VerificationStatus,
)

S = VerificationStatus

# Most serious first. A document that cannot be read is malformed whatever else; a forged or
# altered one is reported as such before anything its (untrustworthy) dates say; a credential
# that cannot be checked is never "valid". Revoked outranks expired (the issue's rule), and a
# status list that cannot be checked is the least serious finding.
PRECEDENCE: tuple[VerificationStatus, ...] = (
    S.MALFORMED,
    S.TAMPERED,
    S.INVALID_SIGNATURE,
    S.ISSUER_MISMATCH,
    S.UNVERIFIABLE,
    S.REVOKED,
    S.EXPIRED,
    S.NOT_YET_VALID,
    S.STATUS_UNVERIFIABLE,
    S.VALID,
)
_RANK = {status: rank for rank, status in enumerate(PRECEDENCE)}


def most_serious(statuses: list[VerificationStatus]) -> VerificationStatus:
    return min(statuses, key=_RANK.__getitem__, default=S.VALID)


@dataclass
class CheckLog:
    """The checks of one verification, in the order they ran."""

    checks: list[Check] = field(default_factory=list)
    findings: list[VerificationStatus] = field(default_factory=list)

    def passed(self, name: str, message: str) -> None:
        self.checks.append(Check(name, CheckStatus.PASS, message))

    def failed(self, name: str, message: str, status: VerificationStatus) -> None:
        """A check failed; ``status`` is what the failure means for the credential."""
        if status is S.VALID:
            raise ValueError("a failed check cannot argue for 'valid'")
        self.checks.append(Check(name, CheckStatus.FAIL, message))
        self.findings.append(status)

    def skipped(self, name: str, message: str) -> None:
        self.checks.append(Check(name, CheckStatus.SKIP, message))

    def extend(self, other: CheckLog, prefix: str = "") -> None:
        """Take over another log's checks (e.g. an embedded credential's), names prefixed."""
        for check in other.checks:
            self.checks.append(Check(prefix + check.name, check.status, check.message))
        self.findings.extend(other.findings)

    @property
    def status(self) -> VerificationStatus:
        return most_serious(self.findings)

    @property
    def ok(self) -> bool:
        return not self.findings

    def report(self, format: str, checked_at: datetime) -> VerificationReport:
        return VerificationReport(self.status, checked_at, format, tuple(self.checks))


def unusable_signature(header: dict[str, object]) -> VerificationStatus:
    """What a JWS that can never be checked means: unsigned (``alg: none``) or signed with a
    shared secret (HS*), which no relying party can check, is ``malformed``; an algorithm
    skillgap does not support, or that does not fit the key, is ``unverifiable`` (never
    ``invalid-signature``: nothing shows the signature is wrong)."""
    alg = str(header.get("alg", ""))
    if alg.lower() == "none" or alg.upper().startswith("HS"):
        return S.MALFORMED
    return S.UNVERIFIABLE
