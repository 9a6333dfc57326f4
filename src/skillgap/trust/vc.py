"""Verifying W3C Verifiable Credentials: Open Badges 3.0, CLR 2.0 and their VC-JWT forms.

For a credential with an embedded proof: its shape (1EdTech JSON Schema for OB 3.0 on the
VC 2.0 model), JSON-LD safe mode (every term defined by a pinned context), every Data
Integrity proof, that the issuer controls a signing key, the validity window, and the status
list. For a VC-JWT: the JOSE signature with the key ``kid`` names, that the JWT claims agree
with the credential, then the same checks on the credential.

``VcVerifier`` checks embedded proofs here; VC-JWTs are in ``vc_jwt``, the checks every
credential gets in ``vc_checks``, reading a credential's fields in ``vc_credential``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from skillgap.domain.verification import VerificationStatus
from skillgap.trust import dataintegrity, dids
from skillgap.trust.checks import CheckLog
from skillgap.trust.contexts import pinned
from skillgap.trust.dates import parse_datetime
from skillgap.trust.vc_credential import VcOutcome, strings
from skillgap.trust.vc_jwt import VcJwtChecks

S = VerificationStatus


class VcVerifier(VcJwtChecks):
    """Verifies a credential with embedded proofs (``verify_document``) or a VC-JWT
    (``verify_jwt``, from ``VcJwtChecks``)."""

    def verify_document(self, doc: dict[str, Any], log: CheckLog) -> VcOutcome:
        self._other_purposes = []
        outcome = self._outcome(doc)
        if not self._shape(doc, log, outcome):
            return outcome
        proofs = doc.get("proof")
        if not proofs:
            log.failed(
                "proof", "the credential carries no proof: nothing shows who issued it", S.MALFORMED
            )
        else:
            methods = self._proofs(doc, log)
            self._issuer_binding(doc, methods, log)
            if _json_signed(proofs):
                # A JCS proof signs the JSON, not its meaning: check the terms separately.
                self._safe_mode({k: v for k, v in doc.items() if k != "proof"}, log)
        self._after_signature(doc, log, outcome)
        return outcome

    def _proofs(self, doc: dict[str, Any], log: CheckLog) -> list[dids.VerificationMethod]:
        results = dataintegrity.verify_proofs(
            doc, self._resolve_key, canonicalizer=self.canonicalizer
        )
        if any(r.outcome in ("invalid-signature", "malformed") for r in results):
            retried = self._other_contexts(doc)
            if retried is not None:
                results, note = retried
                log.passed("context-version", note)
        valid = [r for r in results if r.valid]
        methods: list[dids.VerificationMethod] = []
        for result in results:
            name = "proof" if len(results) == 1 else f"proof[{result.index}]"
            described = f"{result.suite} proof by {result.verification_method or '?'}"
            if result.valid:
                log.passed(name, f"{described} verifies")
                method = self._methods.get(result.verification_method)
                if method is not None and result.proof_purpose == "assertionMethod":
                    methods.append(method)
                elif result.proof_purpose != "assertionMethod":
                    self._other_purposes.append(result.proof_purpose or "(none)")
            elif result.outcome == "unsupported" and valid:
                # A proof of a kind skillgap does not know, beside one it verified: the
                # credential stands on the verified proof; this one is not relied on.
                log.skipped(name, f"{described}: {result.message}; not relied on")
            else:
                status = {
                    "invalid-signature": S.INVALID_SIGNATURE,
                    "malformed": S.MALFORMED,
                }.get(result.outcome, S.UNVERIFIABLE)
                log.failed(name, f"{described}: {result.message}", status)
        return methods

    def _other_contexts(
        self, doc: dict[str, Any]
    ) -> tuple[list[dataintegrity.ProofResult], str] | None:
        """Retry with other content the credential's context URLs are known to have served
        (the Open Badges 3.0 context changed under one URL): the proofs must all verify."""
        store = pinned()
        signed = _signing_date(doc)
        for url in strings(doc.get("@context")):
            for version in store.alternatives(url):
                cutoff = version.signed_before
                if cutoff and (signed is None or signed.date() >= cutoff):
                    continue  # that content was gone before this credential was signed
                results = dataintegrity.verify_proofs(
                    doc,
                    self._resolve_key,
                    canonicalizer=self.canonicalizer,
                    overrides={url: version},
                )
                # Better content: every proof verifies, or at least none is broken or
                # unreadable any more (the key may still be out of reach).
                if all(r.outcome not in ("invalid-signature", "malformed") for r in results):
                    when = f" (served before {cutoff})" if cutoff else ""
                    return results, (
                        f"signed against other content of {url}{when}: {version.source}"
                    )
        return None

    def _resolve_key(self, reference: str) -> ed25519.Ed25519PublicKey:
        method = self._method(reference)
        if not isinstance(method.key.key, ed25519.Ed25519PublicKey):
            raise dataintegrity.KeyUnavailable(
                f"{reference} is a {method.key.kind} key; the proof needs Ed25519"
            )
        return method.key.key


def _json_signed(proofs: Any) -> bool:
    items = proofs if isinstance(proofs, list) else [proofs]
    return any(isinstance(p, dict) and p.get("cryptosuite") == "eddsa-jcs-2022" for p in items)


def _signing_date(doc: dict[str, Any]) -> datetime | None:
    """The latest date the credential says it was signed or issued on (None: none readable).

    The latest, so that an extra proof claiming an old ``created`` cannot unlock context
    content that was gone before the real proof was made."""
    dates: list[datetime] = []
    proofs = doc.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict) and "created" in proof:
            try:
                dates.append(parse_datetime(proof["created"]))
            except ValueError:
                return None
    for name in ("issuanceDate", "validFrom"):
        if name in doc:
            try:
                dates.append(parse_datetime(doc[name]))
            except ValueError:
                return None
    return max(dates, default=None)
