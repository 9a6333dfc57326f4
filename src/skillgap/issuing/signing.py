"""Signing what an issuer makes, without any I/O: ``sign_data_integrity`` (eddsa-rdfc-2022,
the suite Open Badges 3.0 names) and ``sign_jwt`` (VC-JOSE: the credential itself is the JWT
payload, ``typ`` ``vc+jwt``); ``secure`` gives a credential as text in the chosen form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillgap.errors import ValidationError
from skillgap.issuing import CredentialFormat
from skillgap.trust import dataintegrity, jws
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.private_key import PrivateKey

__all__ = ["secure", "sign_data_integrity", "sign_jwt"]


def sign_data_integrity(
    document: Mapping[str, Any],
    key: PrivateKey,
    verification_method: str,
    *,
    created: str,
    canonicalizer: Canonicalizer,
) -> dict[str, Any]:
    """``document`` with an eddsa-rdfc-2022 ``DataIntegrityProof`` (assertionMethod).

    Deterministic: Ed25519 signatures are, so the same document, key and ``created`` give
    the same ``proofValue`` (the W3C test vectors are reproduced with it).
    """
    raw = key.key
    if not isinstance(raw, Ed25519PrivateKey):
        raise ValidationError(f"eddsa-rdfc-2022 needs an Ed25519 key, not {key.kind}")
    try:
        return dataintegrity.sign(
            document,
            raw,
            verification_method,
            cryptosuite="eddsa-rdfc-2022",
            created=created,
            proof_purpose="assertionMethod",
            canonicalizer=canonicalizer,
        )
    except ValueError as exc:
        raise ValidationError(f"cannot sign the credential: {exc}") from None


def secure(
    document: Mapping[str, Any],
    key: PrivateKey,
    verification_method: str,
    format: CredentialFormat,
    *,
    created: str,
    canonicalizer: Canonicalizer,
) -> str:
    """The signed credential as text: JSON with a proof made at ``created``, or a VC-JWT."""
    if format == "jwt":
        return sign_jwt(document, key, verification_method)
    signed = sign_data_integrity(
        document, key, verification_method, created=created, canonicalizer=canonicalizer
    )
    return json.dumps(signed, indent=2, ensure_ascii=False)


def sign_jwt(document: Mapping[str, Any], key: PrivateKey, verification_method: str) -> str:
    """A VC-JWT (VC-JOSE-COSE): the credential is the payload, signed with EdDSA."""
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": verification_method}
    try:
        return jws.sign_compact(payload, key, header)
    except jws.JwsError as exc:
        raise ValidationError(f"cannot sign the credential: {exc}") from None
