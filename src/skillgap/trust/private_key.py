"""The one private key type we sign with: ``PrivateKey`` (Ed25519, P-256, P-384 or RSA)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from skillgap.trust import multibase
from skillgap.trust.key_algorithms import (
    CURVES,
    ED_ALGS,
    RSA_ALGS,
    KeyFormatError,
    KeyMismatch,
    PrivateKeyType,
    kind_of,
    rsa_scheme,
)
from skillgap.trust.multibase import ED25519_PRIV, MultibaseError
from skillgap.trust.public_key import PublicKey


@dataclass(frozen=True, repr=False, eq=False)
class PrivateKey:
    """A signing key. ``alg`` is its default JOSE algorithm (EdDSA, ES256, ES384, RS256)."""

    key: PrivateKeyType

    def __post_init__(self) -> None:
        kind_of(self.key.public_key())

    def __repr__(self) -> str:  # never print the secret
        return f"PrivateKey({self.kind}, public={self.public_key!r})"

    @classmethod
    def generate_ed25519(cls) -> PrivateKey:
        return cls(ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def ed25519_from_multibase(cls, value: str) -> PrivateKey:
        """Read a ``privateKeyMultibase`` (header 0x8026 + the 32-byte seed).

        Older tools append the public key (64 bytes); that form is accepted when the public
        half matches the seed.
        """
        try:
            raw = multibase.decode_key(value, ED25519_PRIV)
        except MultibaseError as exc:
            raise KeyFormatError(f"privateKeyMultibase: {exc}") from None
        if len(raw) not in (32, 64):
            raise KeyFormatError(f"Ed25519 private key holds {len(raw)} bytes, not 32")
        key = cls(ed25519.Ed25519PrivateKey.from_private_bytes(raw[:32]))
        if len(raw) == 64 and key.public_key.raw_ed25519() != raw[32:]:
            raise KeyFormatError("privateKeyMultibase: public half does not match the seed")
        return key

    @classmethod
    def from_pem(cls, pem: str | bytes, password: bytes | None = None) -> PrivateKey:
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_private_key(data, password=password)
        except (ValueError, TypeError) as exc:
            raise KeyFormatError(f"private key PEM cannot be read: {exc}") from None
        if not isinstance(
            key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
        ):
            raise KeyFormatError(f"{type(key).__name__} is not a supported signing key")
        return cls(key)

    def to_pem(self, password: bytes | None = None) -> str:
        """PKCS#8 PEM, encrypted with ``password`` when one is given."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        ).decode("ascii")

    def to_multibase(self) -> str:
        if not isinstance(self.key, ed25519.Ed25519PrivateKey):
            raise KeyFormatError("only Ed25519 private keys have a privateKeyMultibase form")
        seed = self.key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return multibase.encode_key(seed, ED25519_PRIV)

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.key.public_key())

    def public_multibase(self) -> str:
        return self.public_key.to_multibase()

    @property
    def kind(self) -> str:
        return self.public_key.kind

    @property
    def alg(self) -> str:
        return {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}.get(self.kind, "RS256")

    def sign(self, data: bytes, alg: str | None = None) -> bytes:
        """Sign ``data``; EC signatures come out in the JOSE form (raw r||s)."""
        alg = alg or self.alg
        key = self.key
        if isinstance(key, ed25519.Ed25519PrivateKey) and alg in ED_ALGS:
            return key.sign(data)
        if isinstance(key, ec.EllipticCurvePrivateKey) and alg == self.alg:
            size, digest = CURVES[key.curve.name][2:]
            r, s = decode_dss_signature(key.sign(data, ec.ECDSA(digest)))
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")
        if isinstance(key, rsa.RSAPrivateKey) and (alg in RSA_ALGS):
            return key.sign(data, *rsa_scheme(alg))
        raise KeyMismatch(f"a {self.kind} key cannot sign with alg {alg!r}")
