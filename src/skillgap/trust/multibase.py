"""Multibase strings and multicodec-prefixed keys, as used by did:key and Data Integrity.

Only what credentials use: base58btc (``z``), base64url without padding (``u``), and the
multicodec headers of Ed25519, X25519 and P-256 public keys and Ed25519 private keys.
"""

from __future__ import annotations

import base64
import binascii

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
MAX_DECODED = 64 * 1024  # no key, signature or status list header is longer

# multicodec headers (unsigned varints of the codes)
ED25519_PUB = b"\xed\x01"
X25519_PUB = b"\xec\x01"
P256_PUB = b"\x80\x24"
ED25519_PRIV = b"\x80\x26"


class MultibaseError(ValueError):
    """A multibase or multicodec value that cannot be decoded; the message says why."""


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    if len(text) > MAX_DECODED * 2:
        raise MultibaseError("base58 value too long")
    number = 0
    for char in text:
        try:
            number = number * 58 + _INDEX[char]
        except KeyError:
            raise MultibaseError(f"{char!r} is not a base58btc character") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64url_decode(text: str) -> bytes:
    """base64url with or without padding; anything outside the alphabet is refused."""
    if len(text) > MAX_DECODED * 2 and not text.isascii():
        raise MultibaseError("base64url value too long or not ASCII")
    stripped = text.rstrip("=")
    if any(c in stripped for c in "+/=") or not stripped.isascii():
        raise MultibaseError("not base64url")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MultibaseError(f"not base64url: {exc}") from None


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(value: str) -> bytes:
    """Decode a multibase string (``z...`` base58btc or ``u...`` base64url)."""
    if not value:
        raise MultibaseError("empty multibase value")
    prefix, body = value[0], value[1:]
    if prefix == "z":
        return b58decode(body)
    if prefix == "u":
        return b64url_decode(body)
    raise MultibaseError(f"unsupported multibase prefix {prefix!r} (expected 'z' or 'u')")


def encode_base58btc(data: bytes) -> str:
    return "z" + b58encode(data)


def decode_key(value: str, header: bytes) -> bytes:
    """Decode a multibase multicodec key and check its header (e.g. ``ED25519_PUB``)."""
    raw = decode(value)
    if not raw.startswith(header):
        raise MultibaseError(
            f"key header {raw[:2].hex()} is not the expected multicodec {header.hex()}"
        )
    return raw[len(header) :]


def encode_key(raw: bytes, header: bytes) -> str:
    return encode_base58btc(header + raw)
