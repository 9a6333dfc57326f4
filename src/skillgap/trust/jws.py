"""Compact JWS (RFC 7515) for JWT credentials, and detached unencoded-payload JWS (RFC 7797).

Parsing is strict because a token is attacker-controlled input: exactly three parts, canonical
base64url without padding, a header that is a JSON object without duplicate names, and a
``crit`` list holding only what we implement (``b64``). Parsing accepts any ``alg`` so a
verifier can still show what a token says; ``verify`` is where the algorithm allow-list is
enforced, and it *raises* ``JwsError`` for a refused algorithm (``none``, ``HS256`` ...) or a
key that cannot check the algorithm, while a signature that does not match returns False. So
"this token could never be verified" stays distinguishable from "this token was altered".

Detached JWS is what Ed25519Signature2018 / RsaSignature2018 proofs carry: ``header..sig``
with ``{"alg":"EdDSA","b64":false,"crit":["b64"]}``; the signing input is the ASCII header,
a dot, and the payload bytes themselves.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

from skillgap.formats.badges.sources import PayloadError, load_json
from skillgap.trust.key_algorithms import KeyMismatch
from skillgap.trust.multibase import b64url_encode
from skillgap.trust.private_key import PrivateKey
from skillgap.trust.public_key import PublicKey

__all__ = [
    "ALLOWED_ALGS",
    "Jws",
    "JwsError",
    "parse_compact",
    "parse_detached",
    "sign_compact",
    "sign_detached",
    "verify",
    "verify_detached",
]

ALLOWED_ALGS = frozenset({"EdDSA", "ES256", "ES384", "RS256", "RS384", "RS512", "PS256"})
UNDERSTOOD_CRIT = frozenset({"b64"})
MAX_HEADER = 16 * 1024
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class JwsError(ValueError):
    """A token that cannot be read or can never be verified; the message says why."""


@dataclass(frozen=True)
class Jws:
    """A parsed compact JWS; ``signing_input`` is exactly what the signature covers."""

    header: dict[str, Any]
    payload: bytes
    signing_input: bytes
    signature: bytes

    @property
    def alg(self) -> str:
        return str(self.header["alg"])

    def payload_json(self) -> dict[str, Any]:
        """The payload as a JSON object (the claims of a JWT)."""
        return _json_object(self.payload, "payload")


def parse_compact(token: str, max_length: int = 1_000_000) -> Jws:
    """Split and decode a compact JWS ``header.payload.signature``; nothing is verified."""
    if not isinstance(token, str):
        raise JwsError("a JWS must be text")
    token = token.strip()
    if len(token) > max_length:
        raise JwsError(f"token of {len(token)} characters is over the limit of {max_length}")
    if not token.isascii():
        raise JwsError("a compact JWS holds only ASCII characters")
    parts = token.split(".")
    if len(parts) == 5:
        raise JwsError("this is an encrypted token (JWE, five parts), not a signed JWS")
    if len(parts) != 3:
        raise JwsError(f"a compact JWS has 3 parts separated by '.', this one has {len(parts)}")
    header_part, payload_part, signature_part = parts
    header = _parse_header(header_part)
    if header.get("b64", True):
        payload = _b64decode(payload_part, "payload")
    elif not payload_part:
        raise JwsError("the payload is detached (RFC 7797); verify it with verify_detached")
    else:
        payload = payload_part.encode("ascii")
    signature = _b64decode(signature_part, "signature")
    if not signature:
        _check_alg(header["alg"])  # an unsecured JWT ("alg": "none") is reported as such
        raise JwsError("the signature part is empty: the token is not signed")
    signing_input = f"{header_part}.{payload_part}".encode("ascii")
    return Jws(header, payload, signing_input, signature)


def verify(jws: Jws, key: PublicKey) -> bool:
    """True when the signature is good; raises ``JwsError`` if it can never be checked."""
    return _verify(jws.header, jws.signing_input, jws.signature, key)


def sign_compact(payload: bytes, key: PrivateKey, header: dict[str, Any] | None = None) -> str:
    """Sign ``payload``; ``alg`` is set from the key (a conflicting ``alg`` is refused)."""
    fields = dict(header or {})
    alg = fields.setdefault("alg", key.alg)
    _check_alg(alg)
    if fields.get("b64", True) is not True:
        raise JwsError("sign_compact encodes its payload; use sign_detached for b64=false")
    header_part = _encode_header(fields)
    signing_input = f"{header_part}.{b64url_encode(payload)}".encode("ascii")
    try:
        signature = key.sign(signing_input, alg)
    except KeyMismatch as exc:
        raise JwsError(str(exc)) from None
    return f"{signing_input.decode('ascii')}.{b64url_encode(signature)}"


def parse_detached(token: str) -> tuple[dict[str, Any], bytes]:
    """Read a detached JWS ``header..signature``: its header and the signing-input prefix.

    The prefix is ``ASCII(base64url(header)) + b"."``; the payload follows it as raw bytes
    when the header says ``b64: false`` and base64url-encoded otherwise.
    """
    header_part, _ = _split_detached(token)
    return _parse_header(header_part), header_part.encode("ascii") + b"."


def verify_detached(token: str, payload: bytes, key: PublicKey) -> bool:
    """Check a detached JWS over ``payload``; raises ``JwsError`` as ``verify`` does."""
    header_part, signature_part = _split_detached(token)
    header = _parse_header(header_part)
    signature = _b64decode(signature_part, "signature")
    if not signature:
        raise JwsError("the signature part is empty: the token is not signed")
    encoded = payload if header.get("b64", True) is False else b64url_encode(payload).encode()
    return _verify(header, header_part.encode("ascii") + b"." + encoded, signature, key)


def sign_detached(payload: bytes, key: PrivateKey) -> str:
    """A detached unencoded-payload JWS over ``payload`` (the Ed25519Signature2018 form)."""
    header_part = _encode_header({"alg": key.alg, "b64": False, "crit": ["b64"]})
    try:
        signature = key.sign(header_part.encode("ascii") + b"." + payload)
    except KeyMismatch as exc:
        raise JwsError(str(exc)) from None
    return f"{header_part}..{b64url_encode(signature)}"


# --- internals -----------------------------------------------------------------------------


def _verify(header: dict[str, Any], signing_input: bytes, signature: bytes, key: PublicKey) -> bool:
    alg = header["alg"]
    _check_alg(alg)
    try:
        return key.verify(alg, signing_input, signature)
    except KeyMismatch as exc:
        raise JwsError(f"the key cannot check this token: {exc}") from None


def _check_alg(alg: str) -> None:
    if alg not in ALLOWED_ALGS:
        reason = "an unsigned token proves nothing" if alg.lower() == "none" else "not supported"
        allowed = ", ".join(sorted(ALLOWED_ALGS))
        raise JwsError(f"alg {alg!r} is not allowed ({reason}; allowed: {allowed})")


def _split_detached(token: str) -> tuple[str, str]:
    if not isinstance(token, str) or not token.isascii():
        raise JwsError("a detached JWS must be ASCII text")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise JwsError(f"a detached JWS has 3 parts ('header..signature'), not {len(parts)}")
    if parts[1]:
        raise JwsError("the payload part of a detached JWS must be empty ('header..signature')")
    return parts[0], parts[2]


def _parse_header(part: str) -> dict[str, Any]:
    if not part:
        raise JwsError("the protected header is empty")
    if len(part) > MAX_HEADER:
        raise JwsError("the protected header is too long")
    header = _json_object(_b64decode(part, "header"), "header")
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise JwsError("the header has no 'alg' (signature algorithm)")
    crit = header.get("crit")
    if crit is not None:
        if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
            raise JwsError("header 'crit' must be a non-empty list of names")
        unknown = sorted(set(crit) - UNDERSTOOD_CRIT)
        if unknown:
            raise JwsError(f"header 'crit' names extensions this verifier does not know: {unknown}")
        missing = [name for name in crit if name not in header]
        if missing:
            raise JwsError(f"header 'crit' lists {missing} but the header does not have them")
    if "b64" in header:
        if not isinstance(header["b64"], bool):
            raise JwsError("header 'b64' must be true or false")
        if "b64" not in (crit or []):
            raise JwsError("header 'b64' must be listed in 'crit' (RFC 7797 section 6)")
    return header


def _b64decode(part: str, what: str) -> bytes:
    """Canonical unpadded base64url only: padding, other alphabets and stray bits refused."""
    if not _B64URL.fullmatch(part) or len(part) % 4 == 1:
        raise JwsError(f"the {what} is not base64url (no padding, alphabet A-Z a-z 0-9 - _)")
    data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    if b64url_encode(data) != part:
        raise JwsError(f"the {what} is not canonical base64url (its last character is altered)")
    return data


def _encode_header(header: dict[str, Any]) -> str:
    return b64url_encode(json.dumps(header, separators=(",", ":")).encode("utf-8"))


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = load_json(data, f"the {what}")  # size, depth, duplicates, NaN, huge numbers
    except PayloadError as exc:
        raise JwsError(f"the {what} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise JwsError(f"the {what} must be a JSON object")
    return value
