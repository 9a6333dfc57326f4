"""Micro-credentials: issuers, achievements (definitions) and awards (earned credentials).

These types are neutral to the standard a credential came in (Open Badges 2.0 / 3.0,
CLR 2.0): format adapters translate documents into them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from skillgap.domain.frameworks import CompetencyRef
from skillgap.domain.verification import VerificationReport
from skillgap.errors import ValidationError


class AssessmentType(StrEnum):
    """How the achievement was assessed, strongest evidence first."""

    PERFORMANCE = "performance"  # observed practice or a real work project
    PORTFOLIO = "portfolio"
    PRACTICAL_EXAM = "practical-exam"
    PROCTORED_EXAM = "proctored-exam"
    UNPROCTORED_TEST = "unproctored-test"
    QUIZ = "quiz"
    ATTENDANCE = "attendance"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """Higher is stronger proof (performance 5 ... quiz and attendance 1, unknown 0)."""
        return _ASSESSMENT_RANK[self]


_ASSESSMENT_RANK = {
    AssessmentType.PERFORMANCE: 5,
    AssessmentType.PORTFOLIO: 5,
    AssessmentType.PRACTICAL_EXAM: 4,
    AssessmentType.PROCTORED_EXAM: 3,
    AssessmentType.UNPROCTORED_TEST: 2,
    AssessmentType.QUIZ: 1,
    AssessmentType.ATTENDANCE: 1,
    AssessmentType.UNKNOWN: 0,
}


class IssuerTier(StrEnum):
    """How far the organisation recognises an issuer (edited in its trusted-issuer registry)."""

    INDUSTRY_VENDOR = "industry-vendor"
    ACCREDITED = "accredited"
    INTERNAL_BOARD = "internal-board"
    KNOWN = "known"
    UNKNOWN = "unknown"


class AlignmentStatus(StrEnum):
    """How an alignment to a framework competency was established."""

    EXACT = "exact"  # the credential names the competency by URI or code
    CONFIRMED = "confirmed"  # a reviewer confirmed the mapping
    SUGGESTED = "suggested"  # proposed (by text matching or AI), does not count yet
    UNMAPPED = "unmapped"  # the credential names a target skillgap could not map

    @property
    def counts(self) -> bool:
        return self in (AlignmentStatus.EXACT, AlignmentStatus.CONFIRMED)


@dataclass(frozen=True)
class Issuer:
    id: str
    name: str
    url: str | None = None
    email: str | None = None
    tier: IssuerTier = IssuerTier.UNKNOWN


@dataclass(frozen=True)
class Alignment:
    """A claim that the achievement evidences a competency, optionally at a level."""

    target_name: str
    competency: CompetencyRef | None = None
    level: int | None = None
    target_url: str | None = None
    status: AlignmentStatus = AlignmentStatus.EXACT

    def __post_init__(self) -> None:
        if self.competency is None and self.status.counts:
            raise ValidationError(
                f"alignment to {self.target_name!r} is {self.status} but names no competency"
            )


MAX_VALIDITY_DAYS = 36_525  # a hundred years; longer is a data error, not a policy


@dataclass(frozen=True)
class ExpiryPolicy:
    """How long an award stays valid after issue; ``None`` days: it does not expire."""

    valid_for_days: int | None = None

    def __post_init__(self) -> None:
        days = self.valid_for_days
        if days is not None and not 1 <= days <= MAX_VALIDITY_DAYS:
            raise ValidationError(
                f"valid_for_days must be from 1 to {MAX_VALIDITY_DAYS} (or omitted: never "
                f"expires), not {days}"
            )

    def expires(self, issued: datetime) -> datetime | None:
        if self.valid_for_days is None:
            return None
        return issued + timedelta(days=self.valid_for_days)


@dataclass(frozen=True)
class Achievement:
    """A credential *definition* (an Open Badges BadgeClass / Achievement)."""

    id: str
    name: str
    issuer_id: str
    description: str = ""
    criteria: str = ""
    achievement_type: str = "Badge"
    assessment: AssessmentType = AssessmentType.UNKNOWN
    alignments: tuple[Alignment, ...] = ()
    expiry: ExpiryPolicy = ExpiryPolicy()
    stackable_into: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.id in self.stackable_into:
            raise ValidationError(f"achievement {self.id!r} cannot stack into itself")


@dataclass(frozen=True)
class Evidence:
    name: str = ""
    url: str | None = None
    narrative: str = ""


#: The longest credential text an award keeps (characters): a credential is a few kilobytes;
#: more is an embedded image or an attack, and is not kept.
MAX_DOCUMENT_CHARS = 1 << 20


@dataclass(frozen=True)
class Award:
    """An earned credential: an achievement awarded to a recipient.

    ``document`` keeps the credential as it was presented (JSON or a JWT), so it can be
    verified again later and shown as evidence; ``format`` names its standard
    ("ob2.0-hosted", "ob3.0", "ob3.0-jwt" ...). Both are empty for awards entered by hand.
    """

    id: str
    achievement_id: str
    recipient: str  # the identity the credential names (e-mail, DID, hashed identity)
    issued_on: datetime
    person_id: str | None = None  # the person the recipient was matched to, if any
    expires_on: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    verification: VerificationReport | None = None
    source: str = ""  # where it came from: a file name, an import batch
    format: str = ""
    document: str = ""

    def __post_init__(self) -> None:
        if len(self.document) > MAX_DOCUMENT_CHARS:
            raise ValidationError(
                f"award {self.id!r}: the credential text is longer than {MAX_DOCUMENT_CHARS} "
                "characters"
            )
        if self.issued_on.tzinfo is None or (
            self.expires_on is not None and self.expires_on.tzinfo is None
        ):
            raise ValidationError(f"award {self.id!r}: dates must carry a time zone")
        if self.expires_on is not None and self.expires_on < self.issued_on:
            raise ValidationError(f"award {self.id!r} expires before it was issued")

    def expired_at(self, moment: datetime) -> bool:
        return self.expires_on is not None and self.expires_on <= moment
