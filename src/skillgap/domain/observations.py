"""Observations: one piece of evidence that a person holds a competency at a level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from skillgap.domain.frameworks import CompetencyRef
from skillgap.errors import ValidationError


class SourceKind(StrEnum):
    CREDENTIAL = "credential"
    ASSESSMENT = "assessment"
    MANAGER = "manager"
    SELF = "self"
    INFERRED = "inferred"

    @property
    def verified(self) -> bool:
        """Only credentials and formal assessments count as verified evidence."""
        return self in (SourceKind.CREDENTIAL, SourceKind.ASSESSMENT)

    @property
    def default_confidence(self) -> float:
        """Confidence given to a rating of this kind when its source states none."""
        return _DEFAULT_CONFIDENCE[self]


_DEFAULT_CONFIDENCE = {
    SourceKind.CREDENTIAL: 1.0,
    SourceKind.ASSESSMENT: 0.9,
    SourceKind.MANAGER: 0.6,
    SourceKind.SELF: 0.4,
    SourceKind.INFERRED: 0.3,
}


@dataclass(frozen=True)
class Observation:
    id: str
    person_id: str
    competency: CompetencyRef
    level: int  # on the scale named by scale_id
    scale_id: str
    source: SourceKind
    observed_on: date
    confidence: float = 1.0
    provenance: str = ""  # human-readable origin: "award X (Y)", "claims.csv row 12"
    award_id: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValidationError(f"observation {self.id!r}: confidence must lie within 0-1")
        if self.source is SourceKind.CREDENTIAL and self.award_id is None:
            raise ValidationError(f"observation {self.id!r}: credential evidence needs its award")
