"""Competency frameworks: competencies, the capability groups they roll up to, a scale."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from skillgap.domain.scales import DEFAULT_SCALE, ProficiencyScale
from skillgap.errors import NotFoundError, ValidationError


class SkillKind(StrEnum):
    HARD = "hard"
    SOFT = "soft"


@dataclass(frozen=True, order=True)
class CompetencyRef:
    """Names one competency: the framework it belongs to and its code in that framework."""

    framework: str
    code: str

    def __str__(self) -> str:
        return f"{self.framework}:{self.code}"

    @classmethod
    def parse(cls, text: str, default_framework: str | None = None) -> CompetencyRef:
        """``"fw:code"``, or a bare ``"code"`` when a default framework is given."""
        framework, sep, code = text.partition(":")
        if sep and framework and code and "/" not in framework:
            return cls(framework, code)
        if default_framework and text:
            return cls(default_framework, text)
        raise ValidationError(f"{text!r} is not a competency reference (expected FRAMEWORK:CODE)")


@dataclass(frozen=True)
class CapabilityGroup:
    code: str
    name: str
    description: str = ""
    parent: str | None = None
    uri: str | None = None
    #: Source fields skillgap does not model (JSON values), kept for lossless export.
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Competency:
    framework: str
    code: str
    name: str
    description: str = ""
    group: str | None = None
    kind: SkillKind = SkillKind.HARD
    uri: str | None = None
    alt_labels: tuple[str, ...] = ()
    #: The source's own type: ESCO "skill/competence" or "knowledge", O*NET "skill",
    #: "knowledge" or "technology", NICE "knowledge", "skill" or "task"; "" when unknown.
    skill_type: str = ""
    #: ESCO reuse level: "transversal", "cross-sector", "sector-specific",
    #: "occupation-specific"; "" when the source has none.
    reuse_level: str = ""
    #: In an earlier version of the framework but not in the current one; kept because
    #: roles, observations or credentials may still refer to it.
    retired: bool = False
    #: Source fields skillgap does not model (JSON values), kept for lossless export.
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def ref(self) -> CompetencyRef:
        return CompetencyRef(self.framework, self.code)


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    version: str = "1"
    description: str = ""
    source: str = ""
    scale: ProficiencyScale = DEFAULT_SCALE
    groups: tuple[CapabilityGroup, ...] = ()
    competencies: tuple[Competency, ...] = field(default=())
    uri: str | None = None
    #: Document-level source data skillgap does not model (JSON values): e.g. a CASE
    #: package's CFDocument fields, CFAssociations, CFItemTypes, CFRubrics.
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.id or ":" in self.id:
            raise ValidationError(f"framework id {self.id!r} must be non-empty and without ':'")
        group_codes = [g.code for g in self.groups]
        _require_unique(group_codes, f"framework {self.id!r}: capability group")
        _require_unique([c.code for c in self.competencies], f"framework {self.id!r}: competency")
        known = set(group_codes)
        for group in self.groups:
            if group.parent is not None and group.parent not in known:
                raise ValidationError(
                    f"framework {self.id!r}: group {group.code!r} has unknown parent "
                    f"{group.parent!r}"
                )
        self._check_group_cycles()
        for comp in self.competencies:
            if comp.framework != self.id:
                raise ValidationError(
                    f"competency {comp.code!r} says framework {comp.framework!r}, "
                    f"but sits in {self.id!r}"
                )
            if comp.group is not None and comp.group not in known:
                raise ValidationError(
                    f"framework {self.id!r}: competency {comp.code!r} is in unknown group "
                    f"{comp.group!r}"
                )

    def _check_group_cycles(self) -> None:
        parent = {g.code: g.parent for g in self.groups}
        for start in parent:
            seen = {start}
            node = parent[start]
            while node is not None:
                if node in seen:
                    raise ValidationError(
                        f"framework {self.id!r}: capability groups form a cycle at {node!r}"
                    )
                seen.add(node)
                node = parent[node]

    @cached_property
    def _competencies(self) -> dict[str, Competency]:
        return {c.code: c for c in self.competencies}

    @cached_property
    def _groups(self) -> dict[str, CapabilityGroup]:
        return {g.code: g for g in self.groups}

    def competency(self, code: str) -> Competency:
        try:
            return self._competencies[code]
        except KeyError:
            raise NotFoundError(f"competency {code!r} is not in framework {self.id!r}") from None

    def has(self, code: str) -> bool:
        return code in self._competencies

    def group(self, code: str) -> CapabilityGroup:
        try:
            return self._groups[code]
        except KeyError:
            raise NotFoundError(f"group {code!r} is not in framework {self.id!r}") from None

    def top_group(self, competency_code: str) -> CapabilityGroup | None:
        """The root of the competency's group hierarchy (the capability for roll-ups)."""
        tops = self._top_groups
        if competency_code not in tops:
            code = self.competency(competency_code).group
            group = None if code is None else self._groups[code]
            while group is not None and group.parent is not None:
                group = self._groups[group.parent]
            tops[competency_code] = group
        return tops[competency_code]

    @cached_property
    def _top_groups(self) -> dict[str, CapabilityGroup | None]:
        return {}  # filled as asked: every report line asks for its competency's


def _require_unique(codes: list[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if not code:
            raise ValidationError(f"{what} with an empty code")
        if code in seen:
            raise ValidationError(f"{what} {code!r} appears twice")
        seen.add(code)
