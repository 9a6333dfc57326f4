"""The status list bitstring, for verifiers and issuers alike: entries set and read, lists
encoded and decoded.

One bit per credential in a GZIP-compressed bitstring; bit 0 is the most significant bit of
byte 0. Where the specs leave room:

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
import zlib

MIN_ENTRIES = 131_072  # 16 KiB of bits: the spec's minimum list length
MAX_LIST_BYTES = 16 * 1024 * 1024  # decompressed: 134 million entries, far beyond real lists
GZIP_MAGIC = b"\x1f\x8b"
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class StatusListError(ValueError):
    """An encoded status list that cannot be read; the message says why."""


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
        raw = decode_b64url(text)
        if raw is not None and raw.startswith(GZIP_MAGIC):
            return _gunzip(raw, max_bytes)
    raise StatusListError("encodedList is not base64url-encoded GZIP data")


def decode_b64url(text: str) -> bytes | None:
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
