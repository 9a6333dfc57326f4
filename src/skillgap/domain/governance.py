"""Governance: pay and recognition rules linked to verified credentials, and the audit log.

skillgap never decides on pay or promotion itself: a ``PolicyRule`` says which verified,
job-relevant credentials *qualify* a person under an organisation's rule, and every output
about an individual is recorded as an ``AuditEntry`` (who ran it, when, with which rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from skillgap.domain.credentials import AssessmentType, IssuerTier
from skillgap.domain.frameworks import CompetencyRef
from skillgap.domain.roles import Importance
from skillgap.errors import ValidationError


class Effect(StrEnum):
    PAY_PREMIUM = "pay-premium"
    PROMOTION = "promotion-criterion"
    RECOGNITION = "recognition"


@dataclass(frozen=True)
class PolicyRule:
    """A person qualifies when they hold at least ``min_count`` verified credentials, each of
    which passes the quality rubric and is aligned to a requirement of their own role with
    one of ``importance``, and meets every other condition given.

    ``meets_level``: the credential's level reaches the requirement's level.
    ``include_future``: requirements at the role's future horizons count too."""

    id: str
    name: str
    effect: Effect
    description: str = ""
    importance: tuple[Importance, ...] = (Importance.CRITICAL,)
    meets_level: bool = True
    include_future: bool = False
    min_quality: float | None = None  # a quality weight floor above the rubric's threshold
    min_assessment: AssessmentType | None = None
    issuer_tiers: tuple[IssuerTier, ...] = ()  # empty: any tier the rubric accepts
    competencies: tuple[CompetencyRef, ...] = ()  # empty: any competency of the role
    min_count: int = 1
    amount: float | None = None  # the premium, as the organisation states it (informative)

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValidationError("a policy rule needs an id")
        if not self.importance:
            raise ValidationError(f"policy rule {self.id!r}: name at least one importance")
        if self.min_count < 1:
            raise ValidationError(f"policy rule {self.id!r}: min_count must be 1 or more")
        if self.min_quality is not None and not 0.0 <= self.min_quality <= 1.0:
            raise ValidationError(f"policy rule {self.id!r}: min_quality must lie within 0-1")


@dataclass(frozen=True)
class AuditEntry:
    """One recorded output about individuals: ``action`` ("policy check", "candidates" ...),
    ``subject`` (a person, role or rule set), and ``details`` (JSON values: the rules and
    parameters used, and who came out of it)."""

    at: datetime
    actor: str
    action: str
    subject: str
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)
    id: int | None = None  # given by the store, in order of recording

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValidationError("an audit entry's time must carry a time zone")
        if not self.actor.strip() or not self.action.strip():
            raise ValidationError("an audit entry needs an actor and an action")
