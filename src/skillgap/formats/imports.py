"""What a framework importer returns: a framework, the occupations that came with it, and
warnings about the source data (dangling references and the like) that did not stop it."""

from __future__ import annotations

from dataclasses import dataclass

from skillgap.domain import Framework, Occupation


@dataclass(frozen=True)
class FrameworkImport:
    framework: Framework
    occupations: tuple[Occupation, ...] = ()
    warnings: tuple[str, ...] = ()
