"""The credential quality rubric, which the organisation edits: the weight of each of the four
checks (alignment, assessment, issuer, stackability), the score of each outcome of a check,
the threshold a weight must reach, and the decay of evidence (``DEFAULT_RUBRIC``: the
documented defaults). ``analysis.quality`` judges each achievement by it.

A rubric keeps its scores in the order of the evidence (a stronger assessment or tier never
scores less than a weaker one), so raising an achievement's assessment or its issuer's tier
can never lower its weight: ``problems`` names every rule a set of settings breaks.
``changes`` says what differs between two rubrics; ``lapses_on``, when evidence lapses.

Pure: no I/O; the rubric is read and written by ``formats.rubric`` and stored by a service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from skillgap.domain import AlignmentStatus, AssessmentType, IssuerTier
from skillgap.errors import ValidationError


class CheckName(StrEnum):
    ALIGNMENT = "alignment"
    ASSESSMENT = "assessment"
    ISSUER = "issuer"
    STACKABILITY = "stackability"


class Stacking(StrEnum):
    """How a credential sits among others (``Achievement.stackable_into``)."""

    STACKS = "stacks"  # it stacks into a larger credential or a qualification
    PATHWAY = "pathway"  # other credentials stack into it: it completes a pathway
    STANDALONE = "standalone"


#: The alignment statuses a rubric scores; suggested and unmapped never count (score 0).
SCORED_ALIGNMENTS = (AlignmentStatus.EXACT, AlignmentStatus.CONFIRMED)
#: Tiers by how far the organisation vouches for them (scores may not fall with the rank).
TIER_RANK = {
    IssuerTier.INDUSTRY_VENDOR: 2,
    IssuerTier.ACCREDITED: 2,
    IssuerTier.INTERNAL_BOARD: 2,
    IssuerTier.KNOWN: 1,
    IssuerTier.UNKNOWN: 0,
}
ALIGNMENT_RANK = {AlignmentStatus.EXACT: 1, AlignmentStatus.CONFIRMED: 0}
STACKING_RANK = {Stacking.STACKS: 1, Stacking.PATHWAY: 1, Stacking.STANDALONE: 0}
MAX_DECAY_YEARS = 100

# The documented defaults (docs/user-guide.md, "Credential quality"): they keep the
# provisional gate's decisions (recognised issuer, at least an unproctored test, aligned)
# and rank what passes; the threshold turns away the weakest mix the gate let through.
DEFAULT_WEIGHTS = {
    CheckName.ALIGNMENT: 0.3,
    CheckName.ASSESSMENT: 0.4,
    CheckName.ISSUER: 0.2,
    CheckName.STACKABILITY: 0.1,
}
DEFAULT_ALIGNMENT = {AlignmentStatus.EXACT: 1.0, AlignmentStatus.CONFIRMED: 0.8}
DEFAULT_ASSESSMENT = {
    AssessmentType.PERFORMANCE: 1.0,
    AssessmentType.PORTFOLIO: 1.0,
    AssessmentType.PRACTICAL_EXAM: 0.9,
    AssessmentType.PROCTORED_EXAM: 0.75,
    AssessmentType.UNPROCTORED_TEST: 0.5,
    AssessmentType.QUIZ: 0.0,
    AssessmentType.ATTENDANCE: 0.0,
    AssessmentType.UNKNOWN: 0.0,
}
DEFAULT_ISSUER = {
    IssuerTier.INDUSTRY_VENDOR: 1.0,
    IssuerTier.ACCREDITED: 1.0,
    IssuerTier.INTERNAL_BOARD: 0.9,
    IssuerTier.KNOWN: 0.6,
    IssuerTier.UNKNOWN: 0.0,
}
DEFAULT_STACKABILITY = {Stacking.STACKS: 1.0, Stacking.PATHWAY: 1.0, Stacking.STANDALONE: 0.5}
DEFAULT_THRESHOLD = 0.65


@dataclass(frozen=True)
class Rubric:
    """Weights of the four checks, the score of each outcome, the threshold and decay, and
    whether award records (loaded without a credential to verify) count."""

    weights: Mapping[CheckName, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    alignment: Mapping[AlignmentStatus, float] = field(
        default_factory=lambda: dict(DEFAULT_ALIGNMENT)
    )
    assessment: Mapping[AssessmentType, float] = field(
        default_factory=lambda: dict(DEFAULT_ASSESSMENT)
    )
    issuer: Mapping[IssuerTier, float] = field(default_factory=lambda: dict(DEFAULT_ISSUER))
    stackability: Mapping[Stacking, float] = field(
        default_factory=lambda: dict(DEFAULT_STACKABILITY)
    )
    threshold: float = DEFAULT_THRESHOLD
    decay_years: int | None = None  # evidence older than this lapses (None: never)
    # Awards loaded as records (a bundle's awards.csv: no credential, so no verification
    # report) count as the organisation vouching for them; False: they never count.
    count_records: bool = True

    def __post_init__(self) -> None:
        for f in fields(self):  # read-only tables: the shared default cannot be changed
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                object.__setattr__(self, f.name, MappingProxyType(dict(value)))
        found = problems(**{f.name: getattr(self, f.name) for f in fields(self)})
        if found:
            raise ValidationError("; ".join(f"{where}: {why}" for where, why in found))

    def flat(self) -> dict[str, float | int | None]:
        """Every setting by its dotted name ("weights.issuer", "assessment.quiz" ...)."""
        out: dict[str, float | int | None] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                out.update({f"{f.name}.{key}": score for key, score in value.items()})
            else:
                out[f.name] = value
        return out


Value = float | int | str | None


@dataclass(frozen=True)
class Change:
    """One setting (or a reviewer's field) changed: from ``old`` to ``new``."""

    field: str
    old: Value
    new: Value


def changes(old: Rubric, new: Rubric) -> list[Change]:
    """What differs between two rubrics, setting by setting."""
    before, after = old.flat(), new.flat()
    return [Change(k, before.get(k), after.get(k)) for k in after if before.get(k) != after[k]]


def problems(
    *,
    weights: Mapping[CheckName, float],
    alignment: Mapping[AlignmentStatus, float],
    assessment: Mapping[AssessmentType, float],
    issuer: Mapping[IssuerTier, float],
    stackability: Mapping[Stacking, float],
    threshold: float,
    decay_years: int | None,
    count_records: bool = True,
) -> list[tuple[str, str]]:
    """Every rule a rubric with these settings would break, as (dotted setting, reason);
    empty when it is sound (a file reader locates each one)."""
    found: list[tuple[str, str]] = []
    tables: list[tuple[str, Mapping[Any, float], Iterable[Any], Mapping[Any, int]]] = [
        ("weights", weights, CheckName, {}),
        ("alignment", alignment, SCORED_ALIGNMENTS, ALIGNMENT_RANK),
        ("assessment", assessment, AssessmentType, {a: a.rank for a in AssessmentType}),
        ("issuer", issuer, IssuerTier, TIER_RANK),
        ("stackability", stackability, Stacking, STACKING_RANK),
    ]
    for name, table, keys, rank in tables:
        for key in keys:
            score = table.get(key)
            if score is None:
                found.append((f"{name}.{key}", "is missing"))
            elif not 0.0 <= score <= 1.0:
                found.append((f"{name}.{key}", f"{score!r} is not a number from 0 to 1"))
        for key in table:
            if key not in set(keys):
                found.append((f"{name}.{key}", "is not a setting of the rubric"))
        for key, score in table.items():
            if not 0.0 <= score <= 1.0:
                continue  # reported above
            below = [k for k in rank if rank[k] > rank.get(key, 0) and table.get(k, 1) < score]
            if below:
                found.append((f"{name}.{key}", _order(name, key, score, below[0], table)))
    total = sum(weights.values())
    if abs(total - 1.0) > 1e-6:
        found.append(("weights", f"must add up to 1, not {round(total, 6):g}"))
    if not 0.0 <= threshold <= 1.0:
        found.append(("threshold", f"{threshold!r} is not a number from 0 to 1"))
    if decay_years is not None and not 1 <= decay_years <= MAX_DECAY_YEARS:
        found.append(("decay_years", f"must be from 1 to {MAX_DECAY_YEARS} (or null: off)"))
    if not isinstance(count_records, bool):
        found.append(("count_records", f"{count_records!r} is not true or false"))
    return found


def _order(
    name: str, key: object, score: float, stronger: object, table: Mapping[Any, float]
) -> str:
    return (
        f"scores {score:g}, more than the stronger {stronger} ({table[stronger]:g}): a "
        f"weaker {name} may not score more than a stronger one"
    )


DEFAULT_RUBRIC = Rubric()


# --- decay ---------------------------------------------------------------------------------


def lapses_on(issued: datetime, rubric: Rubric) -> datetime | None:
    """When evidence issued at ``issued`` lapses under the rubric's decay (None: never)."""
    if rubric.decay_years is None:
        return None
    year = issued.year + rubric.decay_years
    try:
        return issued.replace(year=year)
    except ValueError:  # 29 February, in a year without one
        return issued.replace(year=year, day=28)
