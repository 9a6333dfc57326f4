"""Credential status: has the issuer revoked or suspended the credential since signing it?

A signature proves what the issuer said; a status list says whether the issuer still stands by
it. Read are ``BitstringStatusListEntry`` (W3C Bitstring Status List v1.0) and its CCG
predecessor ``StatusList2021Entry`` (one bit per credential in a GZIP-compressed bitstring
inside a *signed* status list credential; bit 0 is the most significant bit of byte 0), and
``1EdTechRevocationList`` (named by Open Badges 3.0: an unsigned JSON list of revoked ids).

Only a set bit or a listed id argues ``revoked``. Whatever keeps the status from being read (a
list that cannot be fetched, does not verify, is outside its validity window, is malformed or
too short for the index) argues ``status-unverifiable``: nobody can say the credential has not
been revoked. A 404 too: an issuer that takes its list down does not vouch for its credentials.

Where the specs leave room:

* A *suspended* credential counts as ``revoked`` (it must not count towards a skill while
  suspended); the message says "suspended", so people can tell it may come back.
* The list's *issuer* must be the credential's: the Bitstring spec allows another, but then
  nothing ties the list to the issuer's will (anyone can sign a list with every bit clear), so
  such a list is ``status-unverifiable``.
* Lists *shorter* than the spec's 131,072 entries (a herd-privacy rule protecting holders, not
  the verifier's answer) are read, with a note; an index beyond the list is refused.
* Bitstring lists must carry the multibase ``u`` prefix (as the spec and its reference
  implementation require); StatusList2021 lists may or may not. The GZIP header after decoding
  tells the readings apart, never a leading ``u`` alone: plain base64url may start with one.
* Decompression stops at ``MAX_LIST_BYTES``: a few KB of GZIP can expand to gigabytes.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from skillgap.domain.verification import CheckStatus, VerificationReport, VerificationStatus
from skillgap.errors import FetchError
from skillgap.fetch import Fetcher
from skillgap.formats.badges.sources import load_json
from skillgap.trust.checks import CheckLog
from skillgap.trust.dates import parse_datetime

S = VerificationStatus
L = TypeVar("L", bound="_BitList | _Revocations")
MIN_ENTRIES = 131_072  # 16 KiB of bits: the spec's minimum list length
MAX_LIST_BYTES = 16 * 1024 * 1024  # decompressed: 134 million entries, far beyond real lists
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
DEFAULT_TTL_SECONDS = 300.0  # the Bitstring spec's default ``ttl`` (300,000 ms)
GZIP_MAGIC = b"\x1f\x8b"
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_INDEX = re.compile(r"[0-9]{1,1000}")  # int() refuses 4,300 digits and more
_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class StatusListError(ValueError):
    """An encoded status list that cannot be read; the message says why."""


class _Unreadable(Exception):
    """The status cannot be read; the message says why (it becomes the failed check's)."""


# --- the bitstring, for verifiers and issuers alike --------------------------------------


def new_status_list(length: int = MIN_ENTRIES) -> bytearray:
    """An all-clear bitstring of ``length`` entries (a multiple of 8)."""
    if length <= 0 or length % 8:
        raise ValueError(f"a status list length must be a positive multiple of 8, not {length}")
    return bytearray(length // 8)


def set_bit(bits: bytearray, index: int, value: bool = True) -> None:
    """Set (or clear) entry ``index``: bit 0 is the most significant bit of byte 0."""
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"index {index} is outside a list of {len(bits) * 8} entries")
    mask = 0x80 >> (index % 8)
    if value:
        bits[index // 8] |= mask
    else:
        bits[index // 8] &= ~mask & 0xFF


def get_bit(bits: bytes | bytearray, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"index {index} is outside a list of {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode_list(bits: bytes | bytearray, *, multibase: bool = True) -> str:
    """GZIP (with a zero timestamp, so equal lists encode equally), then base64url without
    padding, prefixed with ``u`` for a Bitstring Status List (``multibase=False`` for
    StatusList2021)."""
    text = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()
    return "u" + text if multibase else text


def encode_bitstring(bits: set[int], length: int = MIN_ENTRIES, *, multibase: bool) -> str:
    """The ``encodedList`` of a list of ``length`` entries with exactly ``bits`` set."""
    array = new_status_list(length)
    for index in bits:
        set_bit(array, index)
    return encode_list(array, multibase=multibase)


def decode_list(
    encoded: str, *, multibase: bool | None = True, max_bytes: int = MAX_LIST_BYTES
) -> bytes:
    """The bitstring of an ``encodedList``. ``multibase``: True requires the ``u`` prefix,
    False forbids it, None accepts either (deciding by the GZIP header, not by the ``u``)."""
    if not isinstance(encoded, str) or not encoded:
        raise StatusListError("encodedList is missing or not a string")
    if len(encoded) > max_bytes:
        raise StatusListError(f"encodedList is longer than {max_bytes} characters; refused")
    if multibase and not encoded.startswith("u"):
        raise StatusListError("encodedList is not multibase base64url (no 'u' prefix)")
    if multibase:
        candidates = [encoded[1:]]
    elif multibase is None and encoded.startswith("u"):
        candidates = [encoded[1:], encoded]
    else:
        candidates = [encoded]
    for text in candidates:
        raw = _b64url(text)
        if raw is not None and raw.startswith(GZIP_MAGIC):
            return _gunzip(raw, max_bytes)
    raise StatusListError("encodedList is not base64url-encoded GZIP data")


def _b64url(text: str) -> bytes | None:
    text = text.rstrip("=")
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _gunzip(data: bytes, cap: int) -> bytes:
    """Decompress every GZIP member of ``data``, refusing more than ``cap`` bytes of output."""
    out = bytearray()
    while True:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, cap + 1 - len(out))
        except zlib.error as exc:
            raise StatusListError(f"encodedList is not valid GZIP data ({exc})") from None
        if len(out) > cap:
            raise StatusListError(f"encodedList expands to more than {cap} bytes; refused")
        if not inflater.eof:
            raise StatusListError("encodedList holds truncated GZIP data")
        data = inflater.unused_data
        if not data:
            return bytes(out)
        if not data.startswith(GZIP_MAGIC):
            raise StatusListError("encodedList has stray bytes after its GZIP data")


# --- fetched lists, and the cache a bulk import shares -----------------------------------


@dataclass(frozen=True)
class _Format:
    """What distinguishes the two bitstring methods."""

    name: str
    credential_type: str
    multibase: bool | None
    exact_purpose: bool  # StatusList2021 issuers were seen publishing "Revocation"


_BITSTRING = _Format("Bitstring Status List", "BitstringStatusListCredential", True, True)
_STATUS_LIST_2021 = _Format("StatusList2021", "StatusList2021Credential", None, False)


@dataclass(frozen=True)
class _BitList:
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
class _Revocations:
    revoked: dict[str, str | None]  # credential id -> reason


_Loaded = _BitList | _Revocations | str  # a str is why the list cannot be read


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
class _Context:
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
            raise _Unreadable(f"the {what} {url} cannot be fetched ({exc.reason})") from None
        if not document.ok:
            raise _Unreadable(f"the {what} {url} answered HTTP {document.status}")
        if len(document.body) > MAX_DOCUMENT_BYTES:
            raise _Unreadable(f"the {what} {url} is larger than {MAX_DOCUMENT_BYTES} bytes")
        try:
            text = document.body.decode("utf-8").strip()
            if _JWT.fullmatch(text):
                claims = load_json(_b64url(text.split(".")[1]) or b"", url)
                return text, _credential_of_jwt(claims)
            data = load_json(text, url)
        except (UnicodeDecodeError, ValueError):
            raise _Unreadable(f"the {what} {url} is neither JSON nor a JWT") from None
        if not isinstance(data, dict):
            raise _Unreadable(f"the {what} {url} is not a JSON object")
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


def _load_bit_list(ctx: _Context, fmt: _Format, url: str) -> _BitList:
    """Fetch, verify and decode a status list credential."""
    signed, vc = ctx.fetch_json(url, "status list")
    subject_type = fmt.credential_type.removesuffix("Credential")
    report = ctx.verify_list(signed)
    if report.status is not S.VALID:
        failing = next((c.message for c in report.checks if c.status is CheckStatus.FAIL), "")
        raise _Unreadable(f"the status list {url} does not verify ({report.status}: {failing})")
    if isinstance(vc.get("id"), str) and vc["id"].split("#")[0] != url.split("#")[0]:
        raise _Unreadable(f"the document at {url} is the status list {vc['id']} instead")
    if fmt.credential_type not in _strings(vc.get("type")):
        raise _Unreadable(f"the document at {url} is not a {fmt.credential_type}")
    subject = vc.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict) or subject_type not in _strings(subject.get("type")):
        raise _Unreadable(f"the status list {url} has no {subject_type} subject")
    try:
        encoded = subject.get("encodedList")
        bits = decode_list(encoded if isinstance(encoded, str) else "", multibase=fmt.multibase)
        starts = _date(vc, "validFrom", "issuanceDate")
        ends = _date(vc, "validUntil", "expirationDate")
    except ValueError as exc:
        raise _Unreadable(f"the status list {url} cannot be read: {exc}") from None
    purposes = tuple(_strings(subject.get("statusPurpose")))
    ttl = subject.get("ttl")
    seconds = max(ttl, 0) / 1000 if isinstance(ttl, int) and not isinstance(ttl, bool) else None
    return _BitList(bits, purposes, _issuer_id(vc.get("issuer")), starts, ends, seconds)


def _date(vc: dict[str, Any], *names: str) -> datetime | None:
    for name in names:
        if vc.get(name) is not None:
            try:
                return parse_datetime(vc[name], numbers=True)  # JWT lists: nbf/exp
            except ValueError as exc:
                raise ValueError(f"its {name} is unreadable ({exc})") from None
    return None


def _load_revocations(ctx: _Context, url: str) -> _Revocations:
    """``{"revokedCredentials": [{"id", "revoked"?, "revocationReason"?}]}``; an entry whose
    ``revoked`` is false does not count (as in 1EdTech's reference validator)."""
    listed = ctx.fetch_json(url, "revocation list")[1].get("revokedCredentials")
    if not isinstance(listed, list):
        raise _Unreadable(f"the revocation list {url} has no revokedCredentials array")
    revoked: dict[str, str | None] = {}
    for item in listed:
        item = {"id": item} if isinstance(item, str) else item
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise _Unreadable(f"the revocation list {url} has an entry without an id")
        if item.get("revoked", True) is not False:
            reason = item.get("revocationReason")
            revoked[item["id"]] = reason if isinstance(reason, str) else None
    return _Revocations(revoked)


def _cached(ctx: _Context, kind: str, url: str, load: Callable[[], L]) -> L:
    """The list from the cache or ``load()``, failures included. A bit list is used only
    inside its validity window at ``ctx.at``; a cached one outside it is loaded again (a newer
    one may have been published), a loaded one outside it is a failure."""
    kept = ctx.cache.get(kind, url)
    if isinstance(kept, _BitList) and kept.window_problem(ctx.at):
        kept = None
    if kept is None:
        try:
            kept = load()
            window = kept.window_problem(ctx.at) if isinstance(kept, _BitList) else None
            if window:
                raise _Unreadable(f"the status list {url} {window} (at {ctx.at.isoformat()})")
        except _Unreadable as exc:
            kept = str(exc)
        ctx.cache.put(kind, url, kept, kept.ttl if isinstance(kept, _BitList) else None)
    if isinstance(kept, str):
        raise _Unreadable(kept)
    return cast(L, kept)


# --- the checks ----------------------------------------------------------------------------


def check_status(
    credential: dict[str, Any],
    log: CheckLog,
    *,
    fetcher: Fetcher,
    verify_list: Callable[[Any], VerificationReport],
    at: datetime,
    cache: StatusListCache | None = None,
) -> None:
    """Append one ``status`` check per ``credentialStatus`` entry of ``credential`` to ``log``.

    ``verify_list`` verifies a fetched status list credential (a dict, or a compact JWT as a
    string) at ``at``, as the caller's verifier does any credential: its report must be
    ``valid``. It must not itself check the status list's status.
    """
    status = credential.get("credentialStatus")
    entries = status if isinstance(status, list) else [] if status is None else [status]
    if not entries:
        log.skipped("status", "the credential names no status list")
        return
    ctx = _Context(
        fetcher,
        verify_list,
        at if at.tzinfo else at.replace(tzinfo=UTC),
        cache if cache is not None else StatusListCache(),
        _issuer_id(credential.get("issuer")),
    )
    for entry in entries:
        try:
            if not isinstance(entry, dict):
                raise _Unreadable("a credentialStatus entry is not an object")
            types = _strings(entry.get("type"))
            if "BitstringStatusListEntry" in types:
                _check_bit(entry, _BITSTRING, log, ctx)
            elif "StatusList2021Entry" in types:
                _check_bit(entry, _STATUS_LIST_2021, log, ctx)
            elif "1EdTechRevocationList" in types:
                _check_revocation_list(entry, credential.get("id"), log, ctx)
            else:
                raise _Unreadable(f"unknown status method {', '.join(types) or '(no type)'}")
        except _Unreadable as exc:
            log.failed("status", f"{exc}; revocation cannot be checked", S.STATUS_UNVERIFIABLE)


def _check_bit(entry: dict[str, Any], fmt: _Format, log: CheckLog, ctx: _Context) -> None:
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise _Unreadable(f"the {fmt.name} entry has no statusPurpose")
    purpose = purpose if fmt.exact_purpose else purpose.lower()
    if purpose not in ("revocation", "suspension"):
        where = entry.get("statusListCredential")
        log.skipped("status", f"status purpose {purpose!r} ({where}) is not about validity")
        return
    url, index = _entry_target(entry, fmt)
    bit_list = _cached(ctx, fmt.name, url, lambda: _load_bit_list(ctx, fmt, url))
    purposes = [p if fmt.exact_purpose else p.lower() for p in bit_list.purposes]
    size = len(bit_list.bits) * 8
    if purpose not in purposes:
        listed = ", ".join(bit_list.purposes) or "no purpose"
        raise _Unreadable(f"the status list {url} is for {listed}, not {purpose}")
    if index >= size:
        raise _Unreadable(f"index {index} is outside the status list {url} ({size:,} entries)")
    if bit_list.issuer and ctx.issuer and bit_list.issuer != ctx.issuer:
        # Anyone can sign a list with every bit clear: only the credential's issuer can say
        # whether it still stands by the credential.
        raise _Unreadable(
            f"the status list {url} is issued by {bit_list.issuer}, not by the credential's "
            f"issuer {ctx.issuer}"
        )
    verb = "revoked" if purpose == "revocation" else "suspended"
    if get_bit(bit_list.bits, index):
        message = f"{verb} by the issuer's status list {url} (index {index})"
        if purpose == "suspension":
            message += "; a suspended credential does not count while the suspension lasts"
        log.failed("status", message, S.REVOKED)
        return
    notes = ""
    if size < MIN_ENTRIES:
        notes += f"; the list has only {size:,} entries (the spec asks for {MIN_ENTRIES:,})"
    log.passed("status", f"not {verb}: index {index} of the status list {url} is clear{notes}")


def _entry_target(entry: dict[str, Any], fmt: _Format) -> tuple[str, int]:
    """The entry's list URL and index, once they and its size are known to be usable."""
    url, size = entry.get("statusListCredential"), entry.get("statusSize", 1)
    if not isinstance(url, str) or not url.strip():
        raise _Unreadable(f"the {fmt.name} entry names no statusListCredential")
    if size != 1 or isinstance(size, bool):
        raise _Unreadable(f"the {fmt.name} entry has statusSize {size!r} (only 1 is supported)")
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not _INDEX.fullmatch(index):
        raise _Unreadable(
            f"the {fmt.name} entry has statusListIndex {index!r}, "
            "not a non-negative integer in a string"
        )
    return url, int(index)


def _check_revocation_list(
    entry: dict[str, Any], credential_id: object, log: CheckLog, ctx: _Context
) -> None:
    url = entry.get("id")
    if not isinstance(url, str) or not url.strip():
        raise _Unreadable("the 1EdTechRevocationList entry has no id (the list's URL)")
    if not isinstance(credential_id, str) or not credential_id:
        raise _Unreadable(f"the credential has no id for the revocation list {url} to name")
    kind = "1EdTechRevocationList"
    revocations = _cached(ctx, kind, url, lambda: _load_revocations(ctx, url))
    if credential_id in revocations.revoked:
        reason = revocations.revoked[credential_id]
        because = f": {reason}" if reason else ""
        log.failed("status", f"revoked by the issuer's revocation list {url}{because}", S.REVOKED)
    else:
        log.passed(
            "status",
            f"not in the issuer's revocation list {url} "
            "(an unsigned list: as trustworthy as the place it came from)",
        )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _issuer_id(issuer: object) -> str | None:
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None
