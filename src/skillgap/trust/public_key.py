"""Public keys as credentials publish them: ``PublicKey``.

A verifier meets the same public key in many spellings: a Multikey ``publicKeyMultibase``, a
JWK, an Ed25519VerificationKey2018 ``publicKeyBase58``, an Open Badges 2.0 ``publicKeyPem``.
``PublicKey`` reads them all into one value so signature checks never care where the key came
from. Which keys and algorithms are accepted, and the errors, are in ``key_algorithms``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from skillgap.trust import multibase
from skillgap.trust.key_algorithms import (
    CURVES,
    ED_ALGS,
    MAX_RSA_BITS,
    RSA_ALGS,
    KeyFormatError,
    KeyMismatch,
    PublicKeyType,
    kind_of,
    rsa_scheme,
)
from skillgap.trust.multibase import ED25519_PUB, P256_PUB, MultibaseError

P384_PUB = b"\x81\x24"  # multicodec p384-pub (0x1201)
_JWK_CURVES: dict[str, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}


@dataclass(frozen=True, eq=False)
class PublicKey:
    """A signature-checking public key; ``kind`` is Ed25519, P-256, P-384 or RSA."""

    key: PublicKeyType

    def __post_init__(self) -> None:
        kind_of(self.key)  # refuses unsupported curves and weak RSA keys

    @property
    def kind(self) -> str:
        return kind_of(self.key)

    def _spki(self) -> bytes:
        return self.key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and self._spki() == other._spki()

    def __hash__(self) -> int:
        return hash(self._spki())

    def __repr__(self) -> str:
        if isinstance(self.key, rsa.RSAPublicKey):
            return f"PublicKey(RSA {self.key.key_size} bits)"
        return f"PublicKey({self.to_multibase()})"

    # --- checking signatures ------------------------------------------------------------

    def verify(self, alg: str, data: bytes, signature: bytes) -> bool:
        """True when ``signature`` over ``data`` is good under JOSE algorithm ``alg``.

        ES256/ES384 signatures are the JOSE form (raw r||s); they are converted to DER here.
        Raises ``KeyMismatch`` when ``alg`` does not fit this key or is unknown.
        """
        key = self.key
        try:
            if alg in ED_ALGS:
                if not isinstance(key, ed25519.Ed25519PublicKey):
                    raise KeyMismatch(f"alg {alg} needs an Ed25519 key, not {self.kind}")
                key.verify(signature, data)
                return True
            if alg in ("ES256", "ES384"):
                if not isinstance(key, ec.EllipticCurvePublicKey):
                    raise KeyMismatch(f"alg {alg} needs an elliptic curve key, not {self.kind}")
                kind, curve_alg, size, digest = CURVES[key.curve.name]
                if curve_alg != alg:
                    raise KeyMismatch(f"alg {alg} cannot be checked with a {kind} key")
                if len(signature) != 2 * size:
                    return False
                r = int.from_bytes(signature[:size], "big")
                s = int.from_bytes(signature[size:], "big")
                key.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest))
                return True
            if alg in RSA_ALGS:
                if not isinstance(key, rsa.RSAPublicKey):
                    raise KeyMismatch(f"alg {alg} needs an RSA key, not {self.kind}")
                key.verify(signature, data, *rsa_scheme(alg))
                return True
        except InvalidSignature:
            return False
        raise KeyMismatch(f"signature algorithm {alg!r} is not supported")

    # --- exporting ----------------------------------------------------------------------

    def raw_ed25519(self) -> bytes:
        """The 32 raw bytes of an Ed25519 key (what Data Integrity and did:key encode)."""
        if not isinstance(self.key, ed25519.Ed25519PublicKey):
            raise KeyFormatError(f"not an Ed25519 key but {self.kind}")
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def to_multibase(self) -> str:
        """The Multikey ``publicKeyMultibase`` (base58btc; EC keys as compressed points)."""
        key = self.key
        if isinstance(key, ed25519.Ed25519PublicKey):
            return multibase.encode_key(self.raw_ed25519(), ED25519_PUB)
        if isinstance(key, ec.EllipticCurvePublicKey):
            point = key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
            return multibase.encode_key(point, P256_PUB if self.kind == "P-256" else P384_PUB)
        raise KeyFormatError("RSA keys have no Multikey form")

    def to_jwk(self) -> dict[str, str]:
        key = self.key
        b64 = multibase.b64url_encode
        if isinstance(key, ed25519.Ed25519PublicKey):
            return {"kty": "OKP", "crv": "Ed25519", "x": b64(self.raw_ed25519())}
        if isinstance(key, ec.EllipticCurvePublicKey):
            size = CURVES[key.curve.name][2]
            numbers = key.public_numbers()
            return {
                "kty": "EC",
                "crv": self.kind,
                "x": b64(numbers.x.to_bytes(size, "big")),
                "y": b64(numbers.y.to_bytes(size, "big")),
            }
        rsa_numbers = key.public_numbers()
        return {
            "kty": "RSA",
            "n": b64(_int_bytes(rsa_numbers.n)),
            "e": b64(_int_bytes(rsa_numbers.e)),
        }

    def to_pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    # --- reading ------------------------------------------------------------------------

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicKey:
        """Read a public JWK. Private members (``d``, ``p`` ...) are ignored, never used."""
        if not isinstance(jwk, Mapping):
            raise KeyFormatError("a JWK must be a JSON object")
        kty, crv = jwk.get("kty"), jwk.get("crv")
        if jwk.get("use", "sig") != "sig":
            raise KeyFormatError(f"JWK is for use {jwk.get('use')!r}, not signatures ('sig')")
        if kty == "OKP":
            if crv != "Ed25519":
                raise KeyFormatError(f"OKP key curve {crv!r} is not supported (only Ed25519)")
            raw = _jwk_bytes(jwk, "x")
            if len(raw) != 32:
                raise KeyFormatError(f"Ed25519 JWK 'x' is {len(raw)} bytes, not 32")
            return cls(ed25519.Ed25519PublicKey.from_public_bytes(raw))
        if kty == "EC":
            if not isinstance(crv, str) or crv not in _JWK_CURVES:
                raise KeyFormatError(f"EC key curve {crv!r} is not supported (P-256 or P-384)")
            curve = _JWK_CURVES[crv]
            size = CURVES[curve.name][2]
            x, y = _jwk_bytes(jwk, "x"), _jwk_bytes(jwk, "y")
            if len(x) != size or len(y) != size:
                raise KeyFormatError(f"{crv} JWK coordinates must be {size} bytes each")
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve
            )
            try:
                return cls(numbers.public_key())
            except ValueError:
                raise KeyFormatError(f"{crv} JWK is not a point on the curve") from None
        if kty == "RSA":
            n = int.from_bytes(_jwk_bytes(jwk, "n"), "big")
            e = int.from_bytes(_jwk_bytes(jwk, "e"), "big")
            if n.bit_length() > MAX_RSA_BITS:
                raise KeyFormatError(f"RSA key of {n.bit_length()} bits refused (too large)")
            try:
                return cls(rsa.RSAPublicNumbers(e, n).public_key())
            except ValueError as exc:
                raise KeyFormatError(f"RSA JWK is not a valid key: {exc}") from None
        raise KeyFormatError(f"JWK key type {kty!r} is not supported (OKP, EC or RSA)")

    @classmethod
    def from_multibase(cls, value: str) -> PublicKey:
        """Read a Multikey ``publicKeyMultibase``: Ed25519 ``z6Mk…``, P-256 ``zDn…``, P-384."""
        try:
            raw = multibase.decode(value)
        except MultibaseError as exc:
            raise KeyFormatError(f"publicKeyMultibase: {exc}") from None
        header, body = raw[:2], raw[2:]
        if header == ED25519_PUB:
            if len(body) != 32:
                raise KeyFormatError(f"Ed25519 Multikey holds {len(body)} bytes, not 32")
            return cls(ed25519.Ed25519PublicKey.from_public_bytes(body))
        curves: dict[bytes, ec.EllipticCurve] = {P256_PUB: ec.SECP256R1(), P384_PUB: ec.SECP384R1()}
        if header in curves:
            try:
                return cls(ec.EllipticCurvePublicKey.from_encoded_point(curves[header], body))
            except ValueError:
                raise KeyFormatError("Multikey EC point is not valid on its curve") from None
        if header == multibase.X25519_PUB:
            raise KeyFormatError("an X25519 key is for key agreement, it cannot check signatures")
        raise KeyFormatError(f"Multikey with multicodec header {header.hex()} is not supported")

    @classmethod
    def from_base58_ed25519(cls, value: str) -> PublicKey:
        """Read an Ed25519VerificationKey2018 ``publicKeyBase58`` (32 raw bytes, no header)."""
        try:
            raw = multibase.b58decode(value)
        except MultibaseError as exc:
            raise KeyFormatError(f"publicKeyBase58: {exc}") from None
        if len(raw) != 32:
            raise KeyFormatError(f"publicKeyBase58 holds {len(raw)} bytes, not 32")
        return cls(ed25519.Ed25519PublicKey.from_public_bytes(raw))

    @classmethod
    def from_pem(cls, pem: str) -> PublicKey:
        """Read a PEM public key (Open Badges 2.0 ``publicKeyPem``): RSA, EC or Ed25519."""
        text = _normalise_pem(pem)
        if "PRIVATE KEY" in text.split("\n", 1)[0]:
            raise KeyFormatError("publicKeyPem holds a private key; only public keys are read")
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except (ValueError, TypeError) as exc:
            raise KeyFormatError(f"publicKeyPem cannot be read: {exc}") from None
        if not isinstance(
            key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
        ):
            raise KeyFormatError(f"publicKeyPem holds a {type(key).__name__}, not a signature key")
        return cls(key)

    @classmethod
    def from_verification_method(cls, method: Mapping[str, Any]) -> PublicKey:
        """Read the key of a verification method according to its ``type``.

        Each known type names the properties it may carry; an unknown type is read from
        whichever key property is present, since the key bytes say what they are.
        """
        types = method.get("type")
        names = [types] if isinstance(types, str) else list(types or [])
        known = [t for t in names if isinstance(t, str) and t in _METHOD_TYPES]
        vm_type = known[0] if known else None
        allowed, kinds = _METHOD_TYPES[vm_type] if vm_type else (_ALL_PROPERTIES, None)
        for prop in allowed:
            if prop in method:
                key = _READERS[prop](method[prop])
                if kinds is not None and key.kind not in kinds:
                    raise KeyFormatError(f"a {vm_type} cannot hold a {key.kind} key")
                return key
        label = vm_type or (names[0] if names else "verification method without a type")
        raise KeyFormatError(f"{label} has no public key (expected one of {', '.join(allowed)})")


def _int_bytes(number: int) -> bytes:
    return number.to_bytes(max(1, (number.bit_length() + 7) // 8), "big")


def _jwk_bytes(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str) or not value:
        raise KeyFormatError(f"JWK member {name!r} is missing or not a string")
    try:
        return multibase.b64url_decode(value)
    except MultibaseError as exc:
        raise KeyFormatError(f"JWK member {name!r}: {exc}") from None


_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)


def _normalise_pem(pem: str) -> str:
    """Re-wrap a PEM block: published keys often lose their line breaks in JSON."""
    if not isinstance(pem, str):
        raise KeyFormatError("publicKeyPem must be a string")
    match = _PEM_BLOCK.search(pem.replace("\\n", "\n"))
    if match is None:
        raise KeyFormatError("publicKeyPem holds no PEM block")
    label, body = match.group(1), "".join(match.group(2).split())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""])


def _as_str(prop: str, value: Any) -> str:
    if not isinstance(value, str):
        raise KeyFormatError(f"{prop} must be a string")
    return value


def _read_jwk(value: Any) -> PublicKey:
    if not isinstance(value, Mapping):
        raise KeyFormatError("publicKeyJwk must be a JSON object")
    return PublicKey.from_jwk(value)


_READERS: dict[str, Callable[[Any], PublicKey]] = {
    "publicKeyMultibase": lambda v: PublicKey.from_multibase(_as_str("publicKeyMultibase", v)),
    "publicKeyJwk": _read_jwk,
    "publicKeyBase58": lambda v: PublicKey.from_base58_ed25519(_as_str("publicKeyBase58", v)),
    "publicKeyPem": lambda v: PublicKey.from_pem(_as_str("publicKeyPem", v)),
}
_ALL_PROPERTIES = tuple(_READERS)
_ED = frozenset({"Ed25519"})
# verification method type -> (key properties it may carry, key kinds it may hold)
_METHOD_TYPES: dict[str, tuple[tuple[str, ...], frozenset[str] | None]] = {
    "Multikey": (("publicKeyMultibase",), None),
    "Ed25519VerificationKey2020": (("publicKeyMultibase",), _ED),
    "Ed25519VerificationKey2018": (("publicKeyBase58", "publicKeyMultibase", "publicKeyJwk"), _ED),
    "JsonWebKey2020": (("publicKeyJwk",), None),
    "JsonWebKey": (("publicKeyJwk",), None),
    "EcdsaSecp256r1VerificationKey2019": (
        ("publicKeyMultibase", "publicKeyJwk"),
        frozenset({"P-256"}),
    ),
    "CryptographicKey": (("publicKeyPem", "publicKeyJwk", "publicKeyMultibase"), None),
}
