"""The network port: every document skillgap reads from a URL or DID comes through a Fetcher.

Verification never reaches the network on its own: the caller hands it a Fetcher, which may be
the in-memory twin (tests), a folder of documents (``--documents DIR``), the hardened HTTP
fetcher, or a chain of these. JSON-LD contexts never come through here: they are pinned
(``skillgap.trust.contexts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote

from skillgap.errors import FetchError

__all__ = ["Document", "FetchError", "Fetcher", "MemoryFetcher", "did_web_url"]


@dataclass(frozen=True)
class Document:
    """A response: ``status`` is the HTTP status (200, 404, 410 ...); ``body`` may be empty."""

    url: str
    status: int
    content_type: str = "application/json"
    body: bytes = b""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Fetcher(Protocol):
    def fetch(self, url: str) -> Document:
        """Return the document at ``url`` (an http(s) URL or a ``did:web`` DID), or raise
        ``FetchError``.

        A ``did:web`` DID is fetched at ``did_web_url(did)`` (a documents folder may also map
        the DID itself). An HTTP error status is returned, not raised; FetchError means no
        answer at all.
        """
        ...


@dataclass
class MemoryFetcher:
    """The in-memory twin: answers from ``documents``; anything else cannot be had."""

    documents: dict[str, Document] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls, bodies: Mapping[str, bytes | str], content_type: str = "application/json"
    ) -> MemoryFetcher:
        docs = {
            url: Document(url, 200, content_type, body.encode() if isinstance(body, str) else body)
            for url, body in bodies.items()
        }
        return cls(docs)

    def add(
        self,
        url: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "application/json",
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.documents[url] = Document(url, status, content_type, data)

    def fetch(self, url: str) -> Document:
        self.requests.append(url)
        try:
            return self.documents[url]
        except KeyError:
            raise FetchError(
                url, "not available (offline, and not among the known documents)"
            ) from None


def did_web_url(did: str) -> str:
    """The HTTPS URL of a ``did:web`` DID's document (W3C did:web method, section 3.2.1).

    ``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
    ``did:web:example.com:u:alice`` → ``https://example.com/u/alice/did.json``;
    a port is percent-encoded: ``did:web:localhost%3A8443``.
    """
    if not did.startswith("did:web:"):
        raise ValueError(f"{did!r} is not a did:web DID")
    method_specific = did[len("did:web:") :].split("#", 1)[0].split("?", 1)[0]
    parts = method_specific.split(":")
    if not parts[0] or any(not part for part in parts):
        raise ValueError(f"{did!r} is not a well-formed did:web DID")
    host = unquote(parts[0])
    if "/" in host or "@" in host:
        raise ValueError(f"{did!r}: the host part of a did:web DID cannot hold '/' or '@'")
    path = "/".join(unquote(part) for part in parts[1:])
    if any(segment in ("", ".", "..") for segment in path.split("/")) and path:
        raise ValueError(f"{did!r}: path segments cannot be empty, '.' or '..'")
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"
