"""Pinned JSON-LD contexts: the only source of contexts skillgap uses.

Verification never fetches a context (a context served by an attacker can change what a
signature means). ``index.json`` maps each URL to a file in this folder, its SHA-256 (checked
on load) and where the copy came from; ``alternatives`` holds other content a URL is known
to have served (the Open Badges 3.0 context changed on 2022-11-07, and again later).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

JsonLd = Any


class UnknownContext(LookupError):
    """A context URL skillgap has no pinned copy of; a credential using it is unverifiable."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"unknown JSON-LD context {url!r} (skillgap ships no copy of it)")


@dataclass(frozen=True)
class PinnedContext:
    url: str
    file: str
    sha256: str
    source: str
    document: JsonLd
    signed_before: date | None = None  # an alternative served only until this date


class ContextStore:
    """Contexts by URL, each with its ``@context`` value inlined (nested URLs resolved too)."""

    def __init__(
        self, current: dict[str, PinnedContext], alternatives: dict[str, list[PinnedContext]]
    ) -> None:
        self._current = current
        self._alternatives = alternatives

    def __contains__(self, url: object) -> bool:
        return url in self._current

    @property
    def urls(self) -> list[str]:
        return sorted(self._current)

    def get(self, url: str) -> PinnedContext:
        try:
            return self._current[url]
        except KeyError:
            raise UnknownContext(url) from None

    def alternatives(self, url: str) -> list[PinnedContext]:
        """Other content ``url`` is known to have served (empty for most contexts)."""
        return list(self._alternatives.get(url, ()))

    def document(self, url: str) -> JsonLd:
        """The whole context document, as a JSON-LD document loader returns it."""
        return self.get(url).document

    def inline(self, context: JsonLd, overrides: dict[str, PinnedContext] | None = None) -> JsonLd:
        """``context`` with every URL replaced by the pinned ``@context`` value it names.

        ``overrides`` picks other content for some URLs (an earlier version). Raises
        ``UnknownContext`` for a URL with no pinned copy.
        """
        overrides = overrides or {}
        if isinstance(context, str):
            pinned = overrides.get(context) or self.get(context)
            return self.inline(pinned.document.get("@context", {}), overrides)
        if isinstance(context, list):
            return [self.inline(item, overrides) for item in context]
        if isinstance(context, dict):
            return {
                key: _inline_term(self, key, value, overrides) for key, value in context.items()
            }
        return context


def _inline_term(
    store: ContextStore, key: str, value: JsonLd, overrides: dict[str, PinnedContext]
) -> JsonLd:
    # Only scoped contexts inside term definitions can name further contexts.
    if isinstance(value, dict) and "@context" in value:
        return {**value, "@context": store.inline(value["@context"], overrides)}
    return value


def _load(entry: dict[str, Any], url: str) -> PinnedContext:
    data = resources.files(__package__).joinpath(entry["file"]).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry["sha256"]:
        raise RuntimeError(f"pinned context {entry['file']} does not match its SHA-256")
    before = entry.get("signed_before")
    return PinnedContext(
        url=url,
        file=entry["file"],
        sha256=digest,
        source=entry["source"],
        document=json.loads(data),
        signed_before=date.fromisoformat(before) if before else None,
    )


@cache
def pinned() -> ContextStore:
    """The contexts shipped with skillgap (loaded and checked once per process)."""
    index = json.loads(resources.files(__package__).joinpath("index.json").read_bytes())
    current = {url: _load(entry, url) for url, entry in index["contexts"].items()}
    alternatives = {
        url: [_load(entry, url) for entry in entries]
        for url, entries in index["alternatives"].items()
    }
    return ContextStore(current, alternatives)
