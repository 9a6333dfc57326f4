"""From what a credential says it evidences to the workspace's competencies.

An Open Badges alignment names a target: a name, and perhaps a URL, a code and the framework
the code belongs to. Mapping it decides whether the credential can ever count as evidence,
so the rules are strict:

- **exact**: the target URL *is* a competency's URI (an ESCO skill URI, a CASE item URI), or
  the target code is a competency's code in the framework the target names (by the
  framework's id, name or URI). The credential itself says which competency it means.
- **suggested**: only a label is alike (rapidfuzz ``token_sort_ratio`` of at least
  ``threshold`` against a competency's name or an alternative label). A label can be alike
  by chance ("Java" the island), so a suggestion waits for a reviewer and never counts.
- **unmapped**: nothing in the workspace fits; the target is kept for a later mapping.

A label never makes an exact alignment. A target matching the same competency in several
frameworks (two versions of ESCO side by side) aligns to each of them; a retired competency
is used only when no current one matches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process, utils

from skillgap.domain import Alignment, AlignmentStatus, Competency, CompetencyRef, Framework

#: How alike (0-100, token_sort_ratio) a target name and a label must be to suggest it.
SUGGEST_THRESHOLD = 90.0


class Target(Protocol):
    """An alignment target as a credential gives it (``records.AlignmentTarget``)."""

    @property
    def name(self) -> str: ...

    @property
    def url(self) -> str | None: ...

    @property
    def code(self) -> str | None: ...

    @property
    def framework(self) -> str | None: ...


@dataclass(frozen=True)
class Suggestion:
    """A competency whose label is like a target's name: for a reviewer to confirm."""

    target: str
    competency: Competency
    label: str  # the name or alternative label that was alike
    score: float


@dataclass(frozen=True)
class Resolution:
    alignments: tuple[Alignment, ...]
    suggestions: tuple[Suggestion, ...]

    def count(self, status: AlignmentStatus) -> int:
        return sum(1 for a in self.alignments if a.status is status)


class AlignmentResolver:
    """Built once per import over the workspace's frameworks; resolves many targets."""

    def __init__(self, frameworks: Iterable[Framework], *, threshold: float = SUGGEST_THRESHOLD):
        self.threshold = threshold
        self._by_uri: dict[str, list[Competency]] = defaultdict(list)
        self._frameworks: dict[str, list[Framework]] = defaultdict(list)
        self._labels: list[str] = []
        self._labelled: list[Competency] = []
        for framework in frameworks:
            for key in (framework.id, framework.name, framework.uri):
                if key:
                    self._frameworks[_key(key)].append(framework)
            for comp in framework.competencies:
                if comp.uri:
                    self._by_uri[comp.uri.strip()].append(comp)
                if comp.retired:
                    continue
                for label in dict.fromkeys((comp.name, *comp.alt_labels)):
                    if label.strip():
                        self._labels.append(label)
                        self._labelled.append(comp)

    def resolve(self, targets: Iterable[Target]) -> Resolution:
        alignments: list[Alignment] = []
        suggestions: list[Suggestion] = []
        exact: set[CompetencyRef] = set()
        for target in targets:
            name = target.name.strip() or target.code or target.url or "(unnamed target)"
            url = target.url.strip() if target.url else None
            found = self._exact(target)
            if found:
                for comp in found:
                    if comp.ref not in exact:
                        exact.add(comp.ref)
                        alignments.append(Alignment(name, comp.ref, None, url))
                continue
            suggestion = self._suggest(target.name)
            if suggestion is not None:
                suggestions.append(suggestion)
                ref = suggestion.competency.ref
                alignments.append(Alignment(name, ref, None, url, AlignmentStatus.SUGGESTED))
            else:
                alignments.append(Alignment(name, None, None, url, AlignmentStatus.UNMAPPED))
        return Resolution(tuple(alignments), tuple(suggestions))

    def _exact(self, target: Target) -> list[Competency]:
        found: list[Competency] = []
        if target.url and target.url.strip():
            found.extend(self._by_uri.get(target.url.strip(), ()))
        if target.code and target.framework:
            code = target.code.strip()
            for framework in self._frameworks.get(_key(target.framework), ()):
                if framework.has(code):
                    found.append(framework.competency(code))
        return _one_per_framework(found)

    def _suggest(self, name: str) -> Suggestion | None:
        if not name.strip() or not self._labels:
            return None
        hits = process.extract(
            name,
            self._labels,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=self.threshold,
            limit=20,
        )
        if not hits:
            return None
        # The best score; among equals, the first competency in (framework, code) order.
        _, score, index = min(hits, key=lambda h: (-h[1], self._labelled[h[2]].ref))
        return Suggestion(name, self._labelled[index], self._labels[index], round(score, 1))


def _key(text: str) -> str:
    return text.strip().casefold()


def _one_per_framework(found: Sequence[Competency]) -> list[Competency]:
    """Each framework's match once, current competencies before retired ones."""
    best: dict[str, Competency] = {}
    for comp in found:
        held = best.get(comp.framework)
        if held is None or (held.retired and not comp.retired):
            best[comp.framework] = comp
    current = [c for c in best.values() if not c.retired]
    return sorted(current or best.values(), key=lambda c: c.ref)
