"""The key types and signature algorithms skillgap accepts, and the errors for keys it refuses.

Only signature keys of algorithms JOSE and Data Integrity use are accepted (Ed25519, ECDSA
P-256/P-384, RSA of 2048 bits or more); anything else is refused with a message, since a key
we cannot use must not look like one that failed to verify.

Errors: ``KeyFormatError`` for a key that cannot be read or is not acceptable, and
``KeyMismatch`` when ``verify`` is asked to check an algorithm the key cannot do (an EdDSA
signature against an RSA key, say). A mismatch *raises* rather than returning False, so a
caller can tell "the wrong kind of key was named" from "the signature is bad".
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

MIN_RSA_BITS = 2048
MAX_RSA_BITS = 16384  # bounds the work a published key can make us do

PublicKeyType = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
PrivateKeyType = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

# curve name -> (kind, JOSE alg, coordinate size in bytes, hash)
CURVES: dict[str, tuple[str, str, int, hashes.HashAlgorithm]] = {
    "secp256r1": ("P-256", "ES256", 32, hashes.SHA256()),
    "secp384r1": ("P-384", "ES384", 48, hashes.SHA384()),
}
# JOSE RSA alg -> (uses PSS, hash)
RSA_ALGS: dict[str, tuple[bool, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]]] = {
    "RS256": (False, hashes.SHA256),
    "RS384": (False, hashes.SHA384),
    "RS512": (False, hashes.SHA512),
    "PS256": (True, hashes.SHA256),
}
ED_ALGS = ("EdDSA", "Ed25519")


class KeyFormatError(ValueError):
    """A key that cannot be read, or that skillgap will not use; the message says which."""


class KeyMismatch(ValueError):
    """The algorithm asked for cannot be checked with this key (or is not supported at all)."""


def kind_of(key: PublicKeyType) -> str:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ec.EllipticCurvePublicKey):
        curve = CURVES.get(key.curve.name)
        if curve is None:
            raise KeyFormatError(f"elliptic curve {key.curve.name} is not supported")
        return curve[0]
    if isinstance(key, rsa.RSAPublicKey):
        if not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
            raise KeyFormatError(
                f"RSA key of {key.key_size} bits refused "
                f"(must be {MIN_RSA_BITS} to {MAX_RSA_BITS} bits)"
            )
        return "RSA"
    raise KeyFormatError(f"{type(key).__name__} is not a supported signature key")


def rsa_scheme(alg: str) -> tuple[padding.AsymmetricPadding, hashes.HashAlgorithm]:
    pss, hash_type = RSA_ALGS[alg]
    digest = hash_type()
    if not pss:
        return padding.PKCS1v15(), digest
    # RFC 7518 3.5: the salt is as long as the hash output
    return padding.PSS(padding.MGF1(digest), padding.PSS.DIGEST_LENGTH), digest
