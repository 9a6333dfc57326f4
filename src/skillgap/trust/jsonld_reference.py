"""The full JSON-LD 1.1 processor (pyld), for the documents the fast path cannot take.

pyoxigraph applies one type-scoped context per node; a node typed with two types that each
bring one (a CLR 2.0 ``ClrCredential`` is also a ``VerifiableCredential``) needs the complete
algorithm. pyld turns such a document into RDF with the same pinned, inlined contexts and the
same safe-mode sentinel; pyoxigraph then canonicalises the result, so both paths write
identical N-Quads. It is about ten times slower, and only used when it must be.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]


class _NoRemoteContexts:
    """Every context is inlined before pyld sees the document; any fetch is a bug."""

    def __call__(self, url: str, options: Any = None) -> Any:
        raise jsonld.JsonLdError(
            f"remote context {url!r} requested",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )


def to_nquads(document: dict[str, Any], base: str) -> str:
    """N-Quads (not canonical) of ``document``, whose ``@context`` is already inlined."""
    options = {
        "format": "application/n-quads",
        "base": base,
        "documentLoader": _NoRemoteContexts(),
        "produceGeneralizedRdf": False,
    }
    result = jsonld.to_rdf(document, options)
    return str(result)


JsonLdFailure = jsonld.JsonLdError
