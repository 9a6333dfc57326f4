"""What the analysis needs to read levels: frameworks and scales, looked up by id; and
``resolve_competency``, the competency a user's text names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from skillgap.domain import (
    BUILTIN_SCALES,
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    ProficiencyScale,
)
from skillgap.errors import NotFoundError, ValidationError


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


# --- naming a competency -------------------------------------------------------------------


def resolve_competency(
    text: str, context: SkillContext, preferred: Sequence[str] = ()
) -> CompetencyRef:
    """The competency ``text`` names: ``FRAMEWORK:CODE``, a bare code, or an exact name
    (case-insensitive). A bare code or a name is looked up in the ``preferred`` frameworks
    first (the person's role's), then in every framework; it must name one competency."""
    wanted = text.strip()
    if not wanted:
        raise ValidationError("name a competency: FRAMEWORK:CODE, a code or its name")
    framework_id, sep, code = wanted.partition(":")
    if sep and framework_id in context.frameworks:
        framework = context.frameworks[framework_id]
        if framework.has(code):
            return CompetencyRef(framework_id, code)
    first = [f for f in dict.fromkeys(preferred) if f in context.frameworks]
    order = [*first, *(f for f in context.frameworks if f not in first)]
    scopes = [first, order] if first else [order]
    folded = wanted.casefold()
    for scope in scopes:
        frameworks = [context.frameworks[f] for f in scope]
        by_code = [CompetencyRef(f.id, wanted) for f in frameworks if f.has(wanted)]
        by_name = [c.ref for f in frameworks for c in f.competencies if c.name.casefold() == folded]
        for found in (by_code, by_name):
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                names = ", ".join(str(r) for r in sorted(found))
                raise ValidationError(
                    f"{wanted!r} names several competencies ({names}): give FRAMEWORK:CODE"
                )
    if sep and framework_id in context.frameworks:
        raise NotFoundError(f"competency {code!r} is not in framework {framework_id!r}")
    where = f" (e.g. {order[0]}:CODE)" if order else ""
    raise NotFoundError(
        f"no competency {wanted!r}: give FRAMEWORK:CODE{where}, a competency's code or its "
        "exact name (see `skillgap framework search`)"
    )
