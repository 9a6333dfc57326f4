"""What a catalog is read against (``CompetencyLookup``): the competencies it may name, as
FRAMEWORK:CODE@LEVEL, by URI or as a credential alignment's target. Both readers use it: of
tables and YAML (``formats.catalog``) and of Open Badges definitions (``formats.badges.catalog``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from skillgap.domain import CompetencyRef, Framework
from skillgap.domain.catalog import Outcome
from skillgap.domain.scales import ProficiencyScale
from skillgap.errors import ValidationError

LEVEL_SUFFIX = re.compile(r"@\s*(\d+)\s*$")


@dataclass(frozen=True, eq=False)
class CompetencyLookup:
    """What a catalog is read against: the competencies it may name (``known``), and to match
    credential alignments, competency URIs and framework names (id, name or URI, any case)
    to framework ids. ``scales`` (by framework id) check levels; ``default_framework`` reads a
    bare code."""

    known: frozenset[CompetencyRef]
    by_uri: Mapping[str, tuple[CompetencyRef, ...]] = field(default_factory=dict)
    frameworks: Mapping[str, str] = field(default_factory=dict)
    scales: Mapping[str, ProficiencyScale] = field(default_factory=dict)
    default_framework: str | None = None

    @classmethod
    def of(cls, frameworks: Iterable[Framework]) -> CompetencyLookup:
        frameworks = list(frameworks)
        by_uri: dict[str, list[CompetencyRef]] = {}
        names: dict[str, str] = {}
        for fw in frameworks:
            for key in (fw.id, fw.name, fw.uri):
                if key:
                    names.setdefault(key.strip().casefold(), fw.id)
            for comp in sorted(fw.competencies, key=lambda c: c.retired):  # current first
                if comp.uri and (not comp.retired or comp.uri.strip() not in by_uri):
                    by_uri.setdefault(comp.uri.strip(), []).append(comp.ref)
        return cls(
            known=frozenset(c.ref for fw in frameworks for c in fw.competencies),
            by_uri={uri: tuple(refs) for uri, refs in by_uri.items()},
            frameworks=names,
            scales={fw.id: fw.scale for fw in frameworks},
            default_framework=frameworks[0].id if len(frameworks) == 1 else None,
        )

    def ref(self, text: str) -> CompetencyRef:
        ref = CompetencyRef.parse(text.strip(), self.default_framework)
        if ref not in self.known:
            raise ValidationError(f"unknown competency {text.strip()!r}")
        return ref

    def outcome(self, ref: CompetencyRef, level: int) -> Outcome:
        if level < 1:
            raise ValidationError(f"the level of {ref} must be 1 or more, not {level}")
        scale = self.scales.get(ref.framework)
        if scale is not None:
            scale.level(level)
        return Outcome(ref, level)

    def parse_outcome(self, text: str) -> Outcome:
        """``FRAMEWORK:CODE@LEVEL``."""
        ref_text, at, level_text = text.strip().rpartition("@")
        if not at or not ref_text.strip():
            raise ValidationError(f"{text.strip()!r} has no level (expected FRAMEWORK:CODE@LEVEL)")
        ref = self.ref(ref_text)
        if not level_text.strip().isdigit():
            raise ValidationError(f"{text.strip()!r}: the level is not a whole number")
        return self.outcome(ref, int(level_text))

    def targets(
        self, url: str | None, code: str | None, framework: str | None
    ) -> list[CompetencyRef]:
        """The competencies an alignment target names exactly."""
        found = list(self.by_uri.get(url.strip(), ())) if url else []
        if code:
            fw_id = self.frameworks.get(framework.strip().casefold()) if framework else None
            if fw_id is not None and CompetencyRef(fw_id, code) in self.known:
                found.append(CompetencyRef(fw_id, code))
            prefix, sep, rest = code.partition(":")
            if sep and rest and "/" not in prefix and CompetencyRef(prefix, rest) in self.known:
                found.append(CompetencyRef(prefix, rest))
        return list(dict.fromkeys(found))
