"""Status lists fetched, verified and decoded, and the cache a bulk import shares.

A Bitstring Status List or StatusList2021 credential is verified (by the caller's verifier) and
decoded into a ``BitList``; an unsigned ``1EdTechRevocationList`` is read into ``Revocations``.
Whatever keeps a list from being read raises ``Unreadable``, whose message becomes the
failed check's.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from skillgap.domain.verification import CheckStatus, VerificationReport, VerificationStatus
from skillgap.errors import FetchError
from skillgap.fetch import Fetcher
from skillgap.formats.badges.sources import load_json
from skillgap.trust.dates import parse_datetime
from skillgap.trust.status_bitstring import decode_b64url, decode_list

S = VerificationStatus
L = TypeVar("L", bound="BitList | Revocations")
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
DEFAULT_TTL_SECONDS = 300.0  # the Bitstring spec's default ``ttl`` (300,000 ms)
_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class Unreadable(Exception):
    """The status cannot be read; the message says why (it becomes the failed check's)."""


@dataclass(frozen=True)
class BitListFormat:
    """What distinguishes the two bitstring methods."""

    name: str
    credential_type: str
    multibase: bool | None
    exact_purpose: bool  # StatusList2021 issuers were seen publishing "Revocation"


BITSTRING = BitListFormat("Bitstring Status List", "BitstringStatusListCredential", True, True)
STATUS_LIST_2021 = BitListFormat("StatusList2021", "StatusList2021Credential", None, False)


@dataclass(frozen=True)
class BitList:
    bits: bytes
    purposes: tuple[str, ...]
    issuer: str | None
    starts: datetime | None
    ends: datetime | None
    ttl: float | None  # seconds, from the list's ``ttl`` (milliseconds)

    def window_problem(self, at: datetime) -> str | None:
        if self.starts and at < self.starts:
            return f"is not valid until {self.starts.isoformat()}"
        if self.ends and at >= self.ends:
            return f"expired on {self.ends.isoformat()}"
        return None


@dataclass(frozen=True)
class Revocations:
    revoked: dict[str, str | None]  # credential id -> reason


_Loaded = BitList | Revocations | str  # a str is why the list cannot be read


@dataclass
class StatusListCache:
    """Fetched, verified and decoded lists by URL, so a bulk import fetches each list once.

    An entry lives for the list's ``ttl`` (default 300 s, the Bitstring spec's), at most
    ``max_age_seconds``; a list outside its validity window at the time asked about is
    fetched again. Failures are kept as long, so one unreachable list is not asked for once
    per credential. ``clock`` is a monotonic clock in seconds (tests may pass their own).
    """

    max_age_seconds: float = DEFAULT_TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    _entries: dict[tuple[str, str], tuple[float, _Loaded]] = field(default_factory=dict)

    def get(self, kind: str, url: str) -> _Loaded | None:
        kept = self._entries.get((kind, url))
        if kept is None or self.clock() >= kept[0]:
            self._entries.pop((kind, url), None)
            return None
        return kept[1]

    def put(self, kind: str, url: str, loaded: _Loaded, ttl: float | None = None) -> None:
        lifetime = min(ttl if ttl is not None else self.max_age_seconds, self.max_age_seconds)
        self._entries[(kind, url)] = (self.clock() + lifetime, loaded)

    def clear(self) -> None:
        self._entries.clear()


@dataclass
class StatusContext:
    fetcher: Fetcher
    verify_list: Callable[[Any], VerificationReport]
    at: datetime
    cache: StatusListCache
    issuer: str | None

    def fetch_json(self, url: str, what: str) -> tuple[Any, dict[str, Any]]:
        """The document at ``url`` as (what to verify, the credential as a dict). A compact
        JWT (VC-JWT) is verified as the string; its ``vc`` claim is the credential."""
        try:
            document = self.fetcher.fetch(url)
        except FetchError as exc:
            raise Unreadable(f"the {what} {url} cannot be fetched ({exc.reason})") from None
        if not document.ok:
            raise Unreadable(f"the {what} {url} answered HTTP {document.status}")
        if len(document.body) > MAX_DOCUMENT_BYTES:
            raise Unreadable(f"the {what} {url} is larger than {MAX_DOCUMENT_BYTES} bytes")
        try:
            text = document.body.decode("utf-8").strip()
            if _JWT.fullmatch(text):
                claims = load_json(decode_b64url(text.split(".")[1]) or b"", url)
                return text, _credential_of_jwt(claims)
            data = load_json(text, url)
        except (UnicodeDecodeError, ValueError):
            raise Unreadable(f"the {what} {url} is neither JSON nor a JWT") from None
        if not isinstance(data, dict):
            raise Unreadable(f"the {what} {url} is not a JSON object")
        return data, data


def _credential_of_jwt(claims: object) -> dict[str, Any]:
    """The credential in VC-JWT claims: the ``vc`` claim (VCDM 1.1), with ``iss``/``nbf``/
    ``exp`` standing in for absent fields, or the claims themselves (VC-JOSE, VCDM 2.0)."""
    if not isinstance(claims, dict):
        raise ValueError("JWT claims are not an object")
    vc = claims.get("vc")
    if not isinstance(vc, dict):
        return claims
    fallbacks = {"issuer": "iss", "validFrom": "nbf", "validUntil": "exp"}
    return {name: claims[claim] for name, claim in fallbacks.items() if claim in claims} | vc


def load_bit_list(ctx: StatusContext, fmt: BitListFormat, url: str) -> BitList:
    """Fetch, verify and decode a status list credential."""
    signed, vc = ctx.fetch_json(url, "status list")
    subject_type = fmt.credential_type.removesuffix("Credential")
    report = ctx.verify_list(signed)
    if report.status is not S.VALID:
        failing = next((c.message for c in report.checks if c.status is CheckStatus.FAIL), "")
        raise Unreadable(f"the status list {url} does not verify ({report.status}: {failing})")
    if isinstance(vc.get("id"), str) and vc["id"].split("#")[0] != url.split("#")[0]:
        raise Unreadable(f"the document at {url} is the status list {vc['id']} instead")
    if fmt.credential_type not in strings(vc.get("type")):
        raise Unreadable(f"the document at {url} is not a {fmt.credential_type}")
    subject = vc.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict) or subject_type not in strings(subject.get("type")):
        raise Unreadable(f"the status list {url} has no {subject_type} subject")
    try:
        encoded = subject.get("encodedList")
        bits = decode_list(encoded if isinstance(encoded, str) else "", multibase=fmt.multibase)
        starts = _date(vc, "validFrom", "issuanceDate")
        ends = _date(vc, "validUntil", "expirationDate")
    except ValueError as exc:
        raise Unreadable(f"the status list {url} cannot be read: {exc}") from None
    purposes = tuple(strings(subject.get("statusPurpose")))
    ttl = subject.get("ttl")
    seconds = max(ttl, 0) / 1000 if isinstance(ttl, int) and not isinstance(ttl, bool) else None
    return BitList(bits, purposes, issuer_id(vc.get("issuer")), starts, ends, seconds)


def _date(vc: dict[str, Any], *names: str) -> datetime | None:
    for name in names:
        if vc.get(name) is not None:
            try:
                return parse_datetime(vc[name], numbers=True)  # JWT lists: nbf/exp
            except ValueError as exc:
                raise ValueError(f"its {name} is unreadable ({exc})") from None
    return None


def load_revocations(ctx: StatusContext, url: str) -> Revocations:
    """``{"revokedCredentials": [{"id", "revoked"?, "revocationReason"?}]}``; an entry whose
    ``revoked`` is false does not count (as in 1EdTech's reference validator)."""
    listed = ctx.fetch_json(url, "revocation list")[1].get("revokedCredentials")
    if not isinstance(listed, list):
        raise Unreadable(f"the revocation list {url} has no revokedCredentials array")
    revoked: dict[str, str | None] = {}
    for item in listed:
        item = {"id": item} if isinstance(item, str) else item
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise Unreadable(f"the revocation list {url} has an entry without an id")
        if item.get("revoked", True) is not False:
            reason = item.get("revocationReason")
            revoked[item["id"]] = reason if isinstance(reason, str) else None
    return Revocations(revoked)


def cached(ctx: StatusContext, kind: str, url: str, load: Callable[[], L]) -> L:
    """The list from the cache or ``load()``, failures included. A bit list is used only
    inside its validity window at ``ctx.at``; a cached one outside it is loaded again (a newer
    one may have been published), a loaded one outside it is a failure."""
    kept = ctx.cache.get(kind, url)
    if isinstance(kept, BitList) and kept.window_problem(ctx.at):
        kept = None
    if kept is None:
        try:
            kept = load()
            window = kept.window_problem(ctx.at) if isinstance(kept, BitList) else None
            if window:
                raise Unreadable(f"the status list {url} {window} (at {ctx.at.isoformat()})")
        except Unreadable as exc:
            kept = str(exc)
        ctx.cache.put(kind, url, kept, kept.ttl if isinstance(kept, BitList) else None)
    if isinstance(kept, str):
        raise Unreadable(kept)
    return cast(L, kept)


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def issuer_id(issuer: object) -> str | None:
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None
