"""Catalog items judged like credentials: a learning unit is only recommended as *proof* of
a level when the credential it ends in would pass the organisation's quality rubric.

Each item is read as the achievement it awards (its outcomes as exact alignments, its
assessment type, its issuer's tier, whether it stacks into a pathway) and given the same
quality profile an imported credential of that kind would get. An item whose profile fails
(a quiz-only course, attendance, an unknown issuer) still appears in the catalog, but its
outcomes close no gap in a plan: the plan would end with a credential that does not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from skillgap.analysis.context import SkillContext
from skillgap.analysis.quality import QualityProfile, profile
from skillgap.analysis.rubric import DEFAULT_RUBRIC, Rubric
from skillgap.domain import Achievement, Alignment, AlignmentStatus, CompetencyRef, Issuer
from skillgap.domain.catalog import CatalogItem
from skillgap.domain.pathways import Pathway, UnitKind


@dataclass(frozen=True)
class JudgedItem:
    item: CatalogItem
    quality: QualityProfile
    #: The canonical (0-5) level of each outcome the item credibly evidences: empty when
    #: its quality profile fails.
    levels: Mapping[CompetencyRef, float]

    @property
    def credible(self) -> bool:
        return self.quality.passes


def as_achievement(item: CatalogItem, stacks: bool = False) -> tuple[Achievement, Issuer]:
    """The credential the item would award, and its provider as an issuer."""
    alignments = tuple(
        Alignment(
            target_name=str(o.competency),
            competency=o.competency,
            level=o.level,
            status=AlignmentStatus.EXACT,
        )
        for o in item.outcomes
    )
    achievement = Achievement(
        id=f"catalog:{item.id}",
        name=item.name,
        issuer_id=f"provider:{item.provider}",
        assessment=item.assessment,  # as the catalog states it (its text was read on import)
        alignments=alignments,
        stackable_into=("pathway",) if stacks else (),
    )
    return achievement, Issuer(id=achievement.issuer_id, name=item.provider, tier=item.issuer_tier)


def judge_items(
    items: Iterable[CatalogItem],
    context: SkillContext,
    rubric: Rubric | None = None,
    pathways: Iterable[Pathway] = (),
) -> dict[str, JudgedItem]:
    """Every item's quality profile and credible levels, by item id. An item that is a unit
    of a pathway stacks (the stackability check), as a credential in a pathway does."""
    rubric = rubric or DEFAULT_RUBRIC
    in_pathway = {unit.id for p in pathways for unit in p.units if unit.kind is UnitKind.ITEM}
    judged: dict[str, JudgedItem] = {}
    # A profile depends only on these (the outcomes' count is in the alignment's wording):
    # items sharing them share it, so a catalog of thousands is judged in a few profiles.
    seen: dict[tuple[int, str, str, str, bool], QualityProfile] = {}
    for item in items:
        stacks = item.id in in_pathway
        key = (len(item.outcomes), item.assessment, item.issuer_tier, item.provider, stacks)
        quality = seen.get(key)
        if quality is None:
            achievement, issuer = as_achievement(item, stacks)
            quality = seen[key] = profile(achievement, issuer, rubric)
        levels = (
            {o.competency: context.canonical(o.competency, o.level) for o in item.outcomes}
            if quality.passes
            else {}
        )
        judged[item.id] = JudgedItem(item, quality, levels)
    return judged
