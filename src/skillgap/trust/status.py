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
* How an encoded list is read (the multibase ``u`` prefix, the decompression cap):
  ``status_bitstring``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from skillgap.domain.verification import VerificationReport, VerificationStatus
from skillgap.fetch import Fetcher
from skillgap.trust.checks import CheckLog
from skillgap.trust.status_bitstring import MIN_ENTRIES, get_bit
from skillgap.trust.status_lists import (
    BITSTRING,
    STATUS_LIST_2021,
    BitListFormat,
    StatusContext,
    StatusListCache,
    Unreadable,
    cached,
    issuer_id,
    load_bit_list,
    load_revocations,
    strings,
)

S = VerificationStatus
_INDEX = re.compile(r"[0-9]{1,1000}")  # int() refuses 4,300 digits and more


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
    ctx = StatusContext(
        fetcher,
        verify_list,
        at if at.tzinfo else at.replace(tzinfo=UTC),
        cache if cache is not None else StatusListCache(),
        issuer_id(credential.get("issuer")),
    )
    for entry in entries:
        try:
            if not isinstance(entry, dict):
                raise Unreadable("a credentialStatus entry is not an object")
            types = strings(entry.get("type"))
            if "BitstringStatusListEntry" in types:
                _check_bit(entry, BITSTRING, log, ctx)
            elif "StatusList2021Entry" in types:
                _check_bit(entry, STATUS_LIST_2021, log, ctx)
            elif "1EdTechRevocationList" in types:
                _check_revocation_list(entry, credential.get("id"), log, ctx)
            else:
                raise Unreadable(f"unknown status method {', '.join(types) or '(no type)'}")
        except Unreadable as exc:
            log.failed("status", f"{exc}; revocation cannot be checked", S.STATUS_UNVERIFIABLE)


def _check_bit(
    entry: dict[str, Any], fmt: BitListFormat, log: CheckLog, ctx: StatusContext
) -> None:
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise Unreadable(f"the {fmt.name} entry has no statusPurpose")
    purpose = purpose if fmt.exact_purpose else purpose.lower()
    if purpose not in ("revocation", "suspension"):
        where = entry.get("statusListCredential")
        log.skipped("status", f"status purpose {purpose!r} ({where}) is not about validity")
        return
    url, index = _entry_target(entry, fmt)
    bit_list = cached(ctx, fmt.name, url, lambda: load_bit_list(ctx, fmt, url))
    purposes = [p if fmt.exact_purpose else p.lower() for p in bit_list.purposes]
    size = len(bit_list.bits) * 8
    if purpose not in purposes:
        listed = ", ".join(bit_list.purposes) or "no purpose"
        raise Unreadable(f"the status list {url} is for {listed}, not {purpose}")
    if index >= size:
        raise Unreadable(f"index {index} is outside the status list {url} ({size:,} entries)")
    if bit_list.issuer and ctx.issuer and bit_list.issuer != ctx.issuer:
        # Anyone can sign a list with every bit clear: only the credential's issuer can say
        # whether it still stands by the credential.
        raise Unreadable(
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


def _entry_target(entry: dict[str, Any], fmt: BitListFormat) -> tuple[str, int]:
    """The entry's list URL and index, once they and its size are known to be usable."""
    url, size = entry.get("statusListCredential"), entry.get("statusSize", 1)
    if not isinstance(url, str) or not url.strip():
        raise Unreadable(f"the {fmt.name} entry names no statusListCredential")
    if size != 1 or isinstance(size, bool):
        raise Unreadable(f"the {fmt.name} entry has statusSize {size!r} (only 1 is supported)")
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not _INDEX.fullmatch(index):
        raise Unreadable(
            f"the {fmt.name} entry has statusListIndex {index!r}, "
            "not a non-negative integer in a string"
        )
    return url, int(index)


def _check_revocation_list(
    entry: dict[str, Any], credential_id: object, log: CheckLog, ctx: StatusContext
) -> None:
    url = entry.get("id")
    if not isinstance(url, str) or not url.strip():
        raise Unreadable("the 1EdTechRevocationList entry has no id (the list's URL)")
    if not isinstance(credential_id, str) or not credential_id:
        raise Unreadable(f"the credential has no id for the revocation list {url} to name")
    kind = "1EdTechRevocationList"
    revocations = cached(ctx, kind, url, lambda: load_revocations(ctx, url))
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
