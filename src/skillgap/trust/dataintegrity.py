"""Data Integrity proofs with Ed25519: checking them, and adding our own.

Suites: ``DataIntegrityProof`` with cryptosuite ``eddsa-rdfc-2022`` or ``eddsa-jcs-2022``
(W3C VC DI EdDSA 1.0) and the legacy ``Ed25519Signature2020`` and ``Ed25519Signature2018``
(detached JWS) that earlier Open Badges 3.0 and VC 1.1 issuers use. All sign
``SHA-256(canonical proof options) || SHA-256(canonical document without its proof)``; they
differ in the canonical form (RDFC-1.0 N-Quads or RFC 8785 JSON), in how the proof options
get the document's ``@context``, and in how the signature is encoded.

``verify_proofs`` answers, for each proof of a proof set (a ``proof`` list) or chain
(``previousProof``), whether its signature holds, as a ``ProofResult`` outcome; it never
raises for a bad document. It does not decide whether the key may speak for the issuer,
whether the purpose fits, or whether dates are acceptable: the caller does, from the result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from skillgap.trust import jws, multibase
from skillgap.trust.contexts import PinnedContext, UnknownContext
from skillgap.trust.jsonld import Canonicalizer, JsonLdError, UndefinedTerms
from skillgap.trust.public_key import PublicKey

__all__ = [
    "SIGNING_SUITES",
    "SUITES",
    "KeyUnavailable",
    "Outcome",
    "ProofResult",
    "sign",
    "verify_proofs",
]

Outcome = Literal["valid", "invalid-signature", "unsupported", "malformed", "unresolvable"]
Json = Any
SIGNING_SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020")
_JWS_HEADER = {"alg": "EdDSA", "b64": False, "crit": ["b64"]}


class KeyUnavailable(Exception):
    """Raised by a key resolver: the verification method's key cannot be obtained."""


@dataclass(frozen=True)
class ProofResult:
    """The outcome of checking one proof; ``index`` is its place in the ``proof`` list."""

    index: int
    proof_id: str | None
    suite: str
    verification_method: str
    created: str | None
    proof_purpose: str | None
    outcome: Outcome
    message: str

    @property
    def valid(self) -> bool:
        return self.outcome == "valid"


@dataclass(frozen=True)
class _Suite:
    name: str
    jcs: bool = False  # RFC 8785 JSON instead of RDFC-1.0 N-Quads
    legacy: bool = False  # jsonld-signatures: proof options = {"@context": doc's, **proof}
    jws: bool = False  # signature in a detached JWS (``jws``), not ``proofValue``


SUITES: dict[tuple[str, str | None], _Suite] = {
    ("DataIntegrityProof", "eddsa-rdfc-2022"): _Suite("eddsa-rdfc-2022"),
    ("DataIntegrityProof", "eddsa-jcs-2022"): _Suite("eddsa-jcs-2022", jcs=True),
    # The draft name (2022-2023) of eddsa-rdfc-2022: the same algorithm.
    ("DataIntegrityProof", "eddsa-2022"): _Suite("eddsa-2022"),
    ("Ed25519Signature2020", None): _Suite("Ed25519Signature2020", legacy=True),
    ("Ed25519Signature2018", None): _Suite("Ed25519Signature2018", legacy=True, jws=True),
}


class _Failed(Exception):
    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message


def verify_proofs(
    document: Mapping[str, Json],
    resolve_key: Callable[[str], Ed25519PublicKey],
    *,
    canonicalizer: Canonicalizer,
    overrides: Mapping[str, PinnedContext] | None = None,
) -> list[ProofResult]:
    """Check every proof of ``document`` independently; an empty list when it has none.

    ``resolve_key(verification_method_id)`` returns the Ed25519 key or raises
    ``KeyUnavailable``. ``overrides`` pins other content for some context URLs (the
    Open Badges 3.0 context as served before 2022-11-07, say).
    """
    proofs = document.get("proof") if isinstance(document, Mapping) else None
    if proofs is None:
        return []
    all_proofs = proofs if isinstance(proofs, list) else [proofs]
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    hashes: dict[Any, bytes] = {}  # canonical document hashes shared by a proof set
    results = []
    for index, proof in enumerate(all_proofs):
        info = _describe(proof)
        try:
            message = _verify_one(
                proof, unsecured, all_proofs, resolve_key, canonicalizer, overrides, hashes
            )
            outcome: Outcome = "valid"
        except _Failed as failure:
            outcome, message = failure.outcome, failure.message
        results.append(ProofResult(index, *info, outcome=outcome, message=message))
    return results


def sign(
    document: Mapping[str, Json],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    *,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: str,
    proof_purpose: str = "assertionMethod",
    canonicalizer: Canonicalizer,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
) -> dict[str, Json]:
    """A copy of ``document`` with a new proof added (to a proof set if it has proofs).

    ``cryptosuite`` is ``eddsa-rdfc-2022``, ``eddsa-jcs-2022`` or, for legacy verifiers,
    ``Ed25519Signature2020``. ``previous_proof`` names existing proofs (by ``id``) the new one
    chains to. Raises ``ValueError`` for an unknown suite, a document that cannot be
    canonicalised (``UndefinedTerms``, ``JsonLdError``), or a previous proof that is missing.
    """
    if cryptosuite not in SIGNING_SUITES:
        raise ValueError(f"cannot sign with {cryptosuite!r} (choose from {SIGNING_SUITES})")
    legacy = cryptosuite == "Ed25519Signature2020"
    proof: dict[str, Json] = {"type": cryptosuite if legacy else "DataIntegrityProof"}
    if proof_id is not None:
        proof["id"] = proof_id
    if not legacy:
        proof["cryptosuite"] = cryptosuite
    proof |= {
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if previous_proof is not None:
        proof["previousProof"] = previous_proof
    if cryptosuite == "eddsa-jcs-2022" and "@context" in document:
        proof["@context"] = document["@context"]
    existing = document.get("proof")
    existing_proofs = (
        [] if existing is None else existing if isinstance(existing, list) else [existing]
    )
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    suite = SUITES[("DataIntegrityProof", cryptosuite) if not legacy else (cryptosuite, None)]
    try:
        data = _verify_data(suite, proof, unsecured, existing_proofs, canonicalizer, None, {})
    except _Failed as failure:
        raise ValueError(failure.message) from None
    proof["proofValue"] = multibase.encode_base58btc(private_key.sign(data))
    proofs = [*existing_proofs, proof]
    return {**document, "proof": proofs if existing is not None else proof}


# --- one proof ---------------------------------------------------------------------------


def _describe(proof: Json) -> tuple[str | None, str, str, str | None, str | None]:
    if not isinstance(proof, dict):
        return None, "", "", None, None
    method = proof.get("verificationMethod")
    if isinstance(method, dict):  # legacy: an embedded verification method
        method = method.get("id")
    suite = proof.get("cryptosuite") if proof.get("type") == "DataIntegrityProof" else None
    return (
        _text(proof.get("id")),
        _text(suite) or _text(proof.get("type")) or "",
        _text(method) or "",
        _text(proof.get("created")),
        _text(proof.get("proofPurpose")),
    )


def _text(value: Json) -> str | None:
    return value if isinstance(value, str) else None


def _verify_one(
    proof: Json,
    unsecured: dict[str, Json],
    all_proofs: list[Json],
    resolve_key: Callable[[str], Ed25519PublicKey],
    canonicalizer: Canonicalizer,
    overrides: Mapping[str, PinnedContext] | None,
    hashes: dict[Any, bytes],
) -> str:
    if not isinstance(proof, dict):
        raise _Failed("malformed", "a proof must be a JSON object")
    kind = _text(proof.get("type"))
    cryptosuite = proof.get("cryptosuite") if kind == "DataIntegrityProof" else None
    suite = SUITES.get((kind, cryptosuite)) if kind and _text(cryptosuite) == cryptosuite else None
    if suite is None:
        if kind == "DataIntegrityProof":
            raise _Failed("unsupported", f"cryptosuite {cryptosuite!r} is not supported")
        raise _Failed("unsupported", f"proof type {proof.get('type')!r} is not supported")
    method = _describe(proof)[2]
    if not method:
        raise _Failed("malformed", "the proof names no verificationMethod")
    signature = _signature(proof, suite)
    data = _verify_data(suite, proof, unsecured, all_proofs, canonicalizer, overrides, hashes)
    try:
        key: object = resolve_key(method)
    except KeyUnavailable as exc:
        raise _Failed("unresolvable", f"key {method} cannot be obtained: {exc}") from None
    if isinstance(key, PublicKey):  # skillgap's own key wrapper is welcome too
        key = key.key
    if not isinstance(key, Ed25519PublicKey):
        raise _Failed("unsupported", f"{suite.name} needs an Ed25519 key; {method} is not one")
    if suite.jws:
        try:
            good = jws.verify_detached(proof["jws"], data, PublicKey(key))
        except jws.JwsError as exc:
            raise _Failed("malformed", f"jws: {exc}") from None
    else:
        try:
            key.verify(signature, data)
            good = True
        except InvalidSignature:
            good = False
    if not good:
        raise _Failed("invalid-signature", f"the {suite.name} signature does not match")
    return f"{suite.name} signature verified with {method}"


def _signature(proof: dict[str, Json], suite: _Suite) -> bytes:
    """The signature bytes, after the checks that need no key; raises ``_Failed``."""
    if suite.jws:
        token = proof.get("jws")
        if not isinstance(token, str):
            raise _Failed("malformed", "an Ed25519Signature2018 proof needs a 'jws' string")
        try:
            header, _ = jws.parse_detached(token)
            encoded = token.rsplit(".", 1)[-1]
            signature = multibase.b64url_decode(encoded)
        except (jws.JwsError, multibase.MultibaseError) as exc:
            raise _Failed("malformed", f"jws: {exc}") from None
        if header.get("alg") != "EdDSA":
            raise _Failed("unsupported", f"jws alg {header.get('alg')!r} is not EdDSA")
        if header.get("b64") is not False or header.get("crit") != ["b64"]:
            raise _Failed("malformed", f"jws header {header} is not {_JWS_HEADER}")
    else:
        value = proof.get("proofValue")
        if not isinstance(value, str) or not value.startswith("z"):
            raise _Failed("malformed", "proofValue must be a base58btc multibase string ('z...')")
        try:
            signature = multibase.decode(value)
        except multibase.MultibaseError as exc:
            raise _Failed("malformed", f"proofValue: {exc}") from None
    if len(signature) != 64:
        raise _Failed("malformed", f"an Ed25519 signature has 64 bytes, not {len(signature)}")
    return signature


def _verify_data(
    suite: _Suite,
    proof: dict[str, Json],
    unsecured: dict[str, Json],
    all_proofs: list[Json],
    canonicalizer: Canonicalizer,
    overrides: Mapping[str, PinnedContext] | None,
    hashes: dict[Any, bytes],
) -> bytes:
    """``hash(canonical proof options) || hash(canonical document)``; raises ``_Failed``."""
    dropped = ("proofValue", "jws", "signatureValue") if suite.legacy else ("proofValue",)
    options = {key: value for key, value in proof.items() if key not in dropped}
    previous: tuple[str, ...] = ()
    if suite.legacy:
        if "@context" in unsecured:
            options = {"@context": unsecured["@context"], **options}
    else:
        if "@context" in options:
            unsecured = _proof_context(options["@context"], unsecured)
        if "@context" in unsecured:
            options["@context"] = unsecured["@context"]
        previous = _previous(proof.get("previousProof"))
        if previous:
            unsecured = {**unsecured, "proof": _matching(previous, all_proofs)}
    key = (suite.jcs, _json_key(unsecured.get("@context")), previous)
    try:
        if suite.jcs:
            config = rfc8785.dumps(options)
            document_hash = hashes.get(key) or hashlib.sha256(rfc8785.dumps(unsecured)).digest()
        else:
            config = canonicalizer.canonical_nquads(options, overrides, memo=True).encode()
            document_hash = (
                hashes.get(key)
                or hashlib.sha256(
                    canonicalizer.canonical_nquads(unsecured, overrides).encode()
                ).digest()
            )
    except UnknownContext as exc:
        raise _Failed("unsupported", f"context {exc.url} is not pinned: {exc}") from None
    except (UndefinedTerms, JsonLdError, rfc8785.CanonicalizationError) as exc:
        raise _Failed("malformed", f"cannot canonicalise: {exc}") from None
    hashes[key] = document_hash
    return hashlib.sha256(config).digest() + document_hash


def _proof_context(context: Json, unsecured: dict[str, Json]) -> dict[str, Json]:
    """VC DI: a proof's own ``@context`` must begin the document's; it replaces it."""
    proof_context = context if isinstance(context, list) else [context]
    document_context = unsecured.get("@context")
    if not isinstance(document_context, list):
        document_context = [document_context]
    if document_context[: len(proof_context)] != proof_context:
        raise _Failed("malformed", "the proof's @context does not begin the document's")
    return {**unsecured, "@context": context}


def _previous(value: Json) -> tuple[str, ...]:
    if value is None:
        return ()
    ids = value if isinstance(value, list) else [value]
    if not ids or not all(isinstance(i, str) for i in ids):
        raise _Failed("malformed", "previousProof must name proofs by their id")
    return tuple(ids)


def _matching(previous: tuple[str, ...], all_proofs: list[Json]) -> list[Json]:
    """The proofs a chained proof covers, in document order (VC DI 1.0, verify proof)."""
    found = [p for p in all_proofs if isinstance(p, dict) and p.get("id") in previous]
    missing = set(previous) - {p.get("id") for p in found}
    if missing:
        raise _Failed("malformed", f"previousProof {sorted(missing)} not found in the proofs")
    return found


def _json_key(value: Json) -> Any:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return repr(value)
