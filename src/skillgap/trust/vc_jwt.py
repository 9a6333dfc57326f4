"""Verifying a VC-JWT: ``VcJwtChecks``.

The JOSE signature with the key ``kid`` names (or the issuer's key equal to a ``jwk`` header, or
any assertion key the issuer publishes), that the JWT claims agree with the credential, then
the checks every credential gets (``VcChecks``) on the credential the JWT carries.
"""

from __future__ import annotations

from typing import Any

from skillgap.domain.verification import VerificationStatus
from skillgap.trust import dataintegrity, dids
from skillgap.trust import jws as jose
from skillgap.trust.checks import CheckLog, unusable_signature
from skillgap.trust.key_algorithms import KeyFormatError
from skillgap.trust.public_key import PublicKey
from skillgap.trust.vc_checks import VcChecks
from skillgap.trust.vc_credential import VcOutcome, issuer_id, subject_id

S = VerificationStatus
#: Registered JWT claims (RFC 7519) that a VC-JWT may carry beside the credential's own
#: properties; they are not JSON-LD terms.
JWT_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf", "nonce", "vc"})


class VcJwtChecks(VcChecks):
    """A VC-JWT (VC 1.1 ``vc`` claim, or VC 2.0 with the credential as the payload)."""

    def verify_jwt(self, parsed: jose.Jws, payload: dict[str, Any], log: CheckLog) -> VcOutcome:
        legacy = isinstance(payload.get("vc"), dict)
        credential = _from_claims(payload)
        outcome = self._outcome(credential)
        outcome.format += "-jwt"
        if not self._shape(credential, log, outcome, jwt=True):
            return outcome
        issuer = issuer_id(credential)
        candidates = self._jwt_keys(parsed.header, issuer, log)
        if candidates:
            self._jwt_signature(parsed, candidates, issuer, log)
        self._jwt_claims(payload, credential, log)
        self._after_signature(credential, log, outcome, jwt_claims=payload if legacy else None)
        return outcome

    def _jwt_signature(
        self,
        parsed: jose.Jws,
        candidates: list[dids.VerificationMethod],
        issuer: str | None,
        log: CheckLog,
    ) -> None:
        for method in candidates:
            try:
                good = jose.verify(parsed, method.key)
            except (jose.JwsError, ValueError) as exc:
                log.failed("signature", f"JWS: {exc}", unusable_signature(parsed.header))
                return
            if good:
                log.passed(
                    "signature", f"JWS ({parsed.header.get('alg')}) verifies with {method.id}"
                )
                if issuer is not None:
                    self._issuer_binding({"issuer": issuer}, [method], log)
                return
        names = ", ".join(m.id for m in candidates)
        log.failed(
            "signature", f"the JWS signature does not verify with {names}", S.INVALID_SIGNATURE
        )

    def _jwt_keys(
        self, header: dict[str, Any], issuer: str | None, log: CheckLog
    ) -> list[dids.VerificationMethod]:
        """The keys that may have signed the JWT: the one ``kid`` names, the issuer's key
        equal to a ``jwk`` header, or else every assertion key the issuer publishes."""
        kid = header.get("kid")
        if isinstance(kid, str) and kid:
            reference = kid
            if kid.startswith("#") and issuer:
                reference = issuer + kid
            try:
                return [self._method(reference)]
            except dataintegrity.KeyUnavailable as exc:
                log.failed("signing-key", str(exc), S.UNVERIFIABLE)
                return []
        if issuer is None:
            log.failed("signing-key", "the JWT names no key and no issuer", S.MALFORMED)
            return []
        jwk = header.get("jwk")
        key: PublicKey | None = None
        if isinstance(jwk, dict):
            try:
                key = PublicKey.from_jwk(jwk)
            except (KeyFormatError, ValueError) as exc:
                log.failed("signing-key", f"the JWT header's jwk: {exc}", S.MALFORMED)
                return []
        try:
            methods = self._issuer_methods(issuer)
        except dids.DidError as exc:
            log.failed("signing-key", f"cannot read the issuer's keys: {exc}", S.UNVERIFIABLE)
            return []
        if key is not None:
            methods = [m for m in methods if m.key == key]
            if not methods:
                log.failed(
                    "signing-key",
                    f"the key in the JWT header is not one the issuer {issuer} lists",
                    S.ISSUER_MISMATCH,
                )
        elif not methods:
            log.failed("signing-key", f"the issuer {issuer} lists no key", S.UNVERIFIABLE)
        return methods

    def _issuer_methods(self, issuer: str) -> list[dids.VerificationMethod]:
        """The verification methods the issuer's DID document or profile publishes."""
        if issuer.startswith("did:"):
            document = dids.did_document(issuer, self.fetcher)
        else:
            document = dids.profile_document(issuer, self.fetcher)
        methods: list[dids.VerificationMethod] = []
        for entry in _method_entries(document):
            reference = entry if isinstance(entry, str) else entry.get("id")
            if not isinstance(reference, str):
                continue
            if reference.startswith("#"):
                reference = issuer + reference
            try:
                method = self._method(reference)
            except dataintegrity.KeyUnavailable:
                continue
            if all(m.id != method.id for m in methods):
                methods.append(method)
        return methods

    def _jwt_claims(
        self, claims: dict[str, Any], credential: dict[str, Any], log: CheckLog
    ) -> None:
        """VC-JWT (VC 1.1 §6.3.1): registered claims stand for credential properties and must
        agree with them when both are present."""
        pairs = [
            ("iss", issuer_id(credential)),
            ("jti", credential.get("id")),
            ("sub", subject_id(credential)),
        ]
        for claim, value in pairs:
            if claim in claims and value is not None and claims[claim] != value:
                log.failed(
                    "jwt-claims",
                    f"the JWT claim {claim} ({claims[claim]!r}) differs from the credential "
                    f"({value!r})",
                    S.TAMPERED,
                )
                return
        log.passed("jwt-claims", "the JWT claims agree with the credential")


def _from_claims(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential a VC-JWT carries. VC 1.1 (``vc`` claim): registered claims stand in for
    the properties they replace (iss → issuer, jti → id, sub → subject id, nbf → issuanceDate,
    exp → expirationDate). VC 2.0 (the payload is the credential): claims beside it are
    dropped, they are not JSON-LD terms."""
    if not isinstance(payload.get("vc"), dict):
        return {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    credential = dict(payload["vc"])
    if "issuer" not in credential and isinstance(payload.get("iss"), str):
        credential["issuer"] = payload["iss"]
    if "id" not in credential and isinstance(payload.get("jti"), str):
        credential["id"] = payload["jti"]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        credential["credentialSubject"] = {**subject, "id": payload["sub"]}
    return credential


def _method_entries(document: dict[str, Any]) -> list[Any]:
    entries: list[Any] = []
    for name in ("assertionMethod", "verificationMethod"):
        value = document.get(name)
        entries.extend(value if isinstance(value, list) else [value] if value else [])
    return entries
