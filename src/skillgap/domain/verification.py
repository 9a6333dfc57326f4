"""The outcome of verifying a credential, as data: a status and every check that ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class VerificationStatus(StrEnum):
    VALID = "valid"
    INVALID_SIGNATURE = "invalid-signature"
    TAMPERED = "tampered"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    REVOKED = "revoked"
    MALFORMED = "malformed"
    ISSUER_MISMATCH = "issuer-mismatch"
    STATUS_UNVERIFIABLE = "status-unverifiable"
    UNVERIFIABLE = "unverifiable"


class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Check:
    name: str
    status: CheckStatus
    message: str


@dataclass(frozen=True)
class VerificationReport:
    status: VerificationStatus
    checked_at: datetime
    format: str
    checks: tuple[Check, ...] = ()
