"""The errors of ``skillgap.trust.jsonld``, shared with ``jsonld_plan`` (import from jsonld)."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["JsonLdError", "NeedsFullProcessor", "UndefinedTerms"]


class JsonLdError(ValueError):
    """A document that cannot be turned into RDF as the JSON-LD libraries would."""


class NeedsFullProcessor(JsonLdError):
    """A node needs several type-scoped contexts: only the full JSON-LD processor can do it."""


class UndefinedTerms(ValueError):
    """Terms or types the document's contexts do not define (JSON-LD safe mode refuses them)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(sorted(set(terms)))
        super().__init__("not defined by the document's contexts: " + ", ".join(self.terms))
