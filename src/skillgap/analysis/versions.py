"""Framework versions: what changed between two, and the version to store.

A competency is the same across versions when its code is (codes are the sources' stable ids:
ESCO URIs, O*NET element ids, CASE identifiers). Nothing is lost: a competency the new
version no longer lists stays in the stored framework, marked retired, so roles, ratings and
credential alignments that name it keep resolving and can be reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from skillgap.domain import Competency, Framework


@dataclass(frozen=True)
class Relabel:
    code: str
    old: str
    new: str


@dataclass(frozen=True)
class Move:
    code: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class FrameworkDiff:
    framework: str
    old_version: str | None
    new_version: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    relabelled: tuple[Relabel, ...]
    moved: tuple[Move, ...]
    returned: tuple[str, ...]  # retired before, listed again now

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.relabelled or self.moved or self.returned)


def diff(old: Framework | None, new: Framework) -> FrameworkDiff:
    """What ``new`` changes against the stored ``old`` (None: everything is added)."""
    before = {c.code: c for c in old.competencies} if old else {}
    after = {c.code: c for c in new.competencies if not c.retired}
    live_before = {code for code, c in before.items() if not c.retired}
    both = sorted(live_before & after.keys())
    return FrameworkDiff(
        framework=new.id,
        old_version=old.version if old else None,
        new_version=new.version,
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(live_before - after.keys())),
        relabelled=tuple(
            Relabel(code, before[code].name, after[code].name)
            for code in both
            if before[code].name != after[code].name
        ),
        moved=tuple(
            Move(code, before[code].group, after[code].group)
            for code in both
            if before[code].group != after[code].group
        ),
        returned=tuple(sorted(code for code in after if code in before and before[code].retired)),
    )


def next_version(old: Framework | None, new: Framework) -> Framework:
    """The framework to store: ``new``, plus every competency of ``old`` it no longer lists,
    kept as retired (without a group if its group is gone)."""
    if old is None:
        return new
    listed = {c.code for c in new.competencies}
    groups = {g.code for g in new.groups}
    kept = tuple(_retired(c, groups) for c in old.competencies if c.code not in listed)
    return replace(new, competencies=(*new.competencies, *kept))


def _retired(competency: Competency, groups: set[str]) -> Competency:
    group = competency.group if competency.group in groups else None
    return replace(competency, retired=True, group=group)
