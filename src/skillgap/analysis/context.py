"""What the analysis needs to read levels: frameworks and scales, looked up by id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from skillgap.domain import (
    BUILTIN_SCALES,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    ProficiencyScale,
)
from skillgap.errors import NotFoundError


@dataclass(frozen=True)
class SkillContext:
    frameworks: dict[str, Framework]
    scales: dict[str, ProficiencyScale]

    @classmethod
    def of(
        cls, frameworks: Iterable[Framework], scales: Iterable[ProficiencyScale] = ()
    ) -> SkillContext:
        fws = {f.id: f for f in frameworks}
        all_scales = dict(BUILTIN_SCALES)
        all_scales.update({f.scale.id: f.scale for f in fws.values()})
        all_scales.update({s.id: s for s in scales})
        return cls(fws, all_scales)

    def framework(self, ref: CompetencyRef) -> Framework:
        try:
            return self.frameworks[ref.framework]
        except KeyError:
            raise NotFoundError(f"no framework {ref.framework!r} (needed by {ref})") from None

    def competency(self, ref: CompetencyRef) -> Competency:
        return self.framework(ref).competency(ref.code)

    def capability(self, ref: CompetencyRef) -> CapabilityGroup | None:
        return self.framework(ref).top_group(ref.code)

    def scale(self, scale_id: str) -> ProficiencyScale:
        try:
            return self.scales[scale_id]
        except KeyError:
            raise NotFoundError(f"no proficiency scale {scale_id!r}") from None

    def canonical(self, ref: CompetencyRef, level: int) -> float:
        """A level on the competency's own framework scale, read on the canonical 0-5."""
        return self.framework(ref).scale.to_canonical(level)
