"""The checks every verifiable credential gets, however it is signed: ``VcChecks``.

Its shape (1EdTech JSON Schema for OB 3.0 on the VC 2.0 model), JSON-LD safe mode where no RDF
canonicalisation ran, that the issuer controls the signing key, the validity window and the
status list; the verification methods resolved for a run are kept here. ``VcVerifier``
(embedded proofs, in ``vc``) and ``VcJwtChecks`` (VC-JWT, in ``vc_jwt``) build on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from skillgap.domain.verification import VerificationReport, VerificationStatus
from skillgap.fetch import Fetcher
from skillgap.trust import dataintegrity, dids
from skillgap.trust.checks import CheckLog
from skillgap.trust.contexts import UnknownContext, pinned
from skillgap.trust.dates import check_window
from skillgap.trust.jsonld import Canonicalizer, JsonLdError, UndefinedTerms
from skillgap.trust.recipients import vc_identities
from skillgap.trust.schema import schema_errors
from skillgap.trust.status import check_status
from skillgap.trust.status_lists import StatusListCache
from skillgap.trust.vc_credential import (
    VC1,
    VC2,
    VcOutcome,
    credential_format,
    credential_types,
    first_item,
    issuer_id,
    strings,
)

S = VerificationStatus

VerifyNested = Callable[[Any], VerificationReport]


class VcChecks:
    """What every credential is checked for beside its signature, and the keys resolved."""

    def __init__(
        self,
        fetcher: Fetcher,
        at: datetime,
        *,
        canonicalizer: Canonicalizer | None = None,
        status_cache: StatusListCache | None = None,
        verify_nested: VerifyNested | None = None,
        methods: dict[str, dids.VerificationMethod] | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.at = at
        self.canonicalizer = canonicalizer or Canonicalizer()
        self.status_cache = status_cache
        self.verify_nested = verify_nested
        # Resolved verification methods, shared by the verifications of one run.
        self._methods: dict[str, dids.VerificationMethod] = {} if methods is None else methods
        self._other_purposes: list[str] = []

    def _method(self, reference: str) -> dids.VerificationMethod:
        cached = self._methods.get(reference)
        if cached is not None:
            return cached
        try:
            method = dids.resolve_verification_method(reference, self.fetcher)
        except dids.DidError as exc:
            raise dataintegrity.KeyUnavailable(str(exc)) from exc
        self._methods[reference] = method
        return method

    def _issuer_binding(
        self, doc: dict[str, Any], methods: list[dids.VerificationMethod], log: CheckLog
    ) -> None:
        issuer = issuer_id(doc)
        if not methods and self._other_purposes:
            purposes = ", ".join(sorted(set(self._other_purposes)))
            log.failed(
                "issuer-key",
                f"no verified proof was made for assertionMethod (proof purpose {purposes}): "
                "nothing shows the issuer asserts this credential",
                S.ISSUER_MISMATCH,
            )
            return
        if not methods or issuer is None:
            log.skipped("issuer-key", "no verified proof to tie to the issuer")
            return
        reasons = []
        for method in methods:
            try:
                ok, why = dids.issuer_controls(issuer, method, self.fetcher)
            except dids.DidError as exc:
                log.failed(
                    "issuer-key",
                    f"cannot tell whether {issuer} controls {method.id}: {exc}",
                    S.UNVERIFIABLE,
                )
                return
            if ok:
                log.passed("issuer-key", why)
                return
            reasons.append(why)
        log.failed("issuer-key", "; ".join(reasons), S.ISSUER_MISMATCH)

    def _outcome(self, doc: dict[str, Any]) -> VcOutcome:
        outcome = VcOutcome(format=credential_format(doc), credential=doc)
        subjects = doc.get("credentialSubject")
        for subject in subjects if isinstance(subjects, list) else [subjects]:
            outcome.identities.extend(vc_identities(subject))
        return outcome

    def _shape(
        self, doc: dict[str, Any], log: CheckLog, outcome: VcOutcome, *, jwt: bool = False
    ) -> bool:
        contexts = strings(doc.get("@context"))
        problems = []
        if not contexts or contexts[0] not in (VC1, VC2):
            problems.append(f"@context must start with {VC2} or {VC1}")
        if "VerifiableCredential" not in credential_types(doc):
            problems.append("type must include VerifiableCredential")
        if issuer_id(doc) is None:
            problems.append("issuer (a URI, or an object with an id) is missing")
        if not doc.get("credentialSubject"):
            problems.append("credentialSubject is missing")
        if not problems and contexts[0] == VC2 and outcome.format == "ob3.0":
            schema = "AchievementCredential"
            # Proofs are checked by the proof verifier; the formal 1EdTech schema insists on
            # a proof array, which most issuers (and the VC spec) do not use for one proof.
            problems = schema_errors({k: v for k, v in doc.items() if k != "proof"}, schema)
        if problems:
            log.failed("schema", "; ".join(problems), S.MALFORMED)
            return False
        log.passed("schema", _shape_message(outcome.format, contexts[0]))
        if jwt:
            self._safe_mode(doc, log)
        return True

    def _safe_mode(self, doc: dict[str, Any], log: CheckLog) -> None:
        """JSON-LD safe mode where no RDF canonicalisation ran (a VC-JWT, a JCS proof):
        every term must be defined by the contexts (or by other content they have served)."""
        try:
            self.canonicalizer.canonical_nquads(doc)
        except UndefinedTerms as exc:
            for url in strings(doc.get("@context")):
                for version in pinned().alternatives(url):
                    try:
                        self.canonicalizer.canonical_nquads(doc, {url: version})
                    except (UndefinedTerms, UnknownContext, JsonLdError):
                        continue
                    log.passed("json-ld", f"every term is defined by {url} as {version.source}")
                    return
            log.failed("json-ld", str(exc), S.MALFORMED)
        except UnknownContext as exc:
            log.failed("json-ld", str(exc), S.UNVERIFIABLE)
        except JsonLdError as exc:
            log.failed("json-ld", str(exc), S.MALFORMED)
        else:
            log.passed("json-ld", "every term is defined by the credential's contexts")

    def _after_signature(
        self,
        doc: dict[str, Any],
        log: CheckLog,
        outcome: VcOutcome,
        *,
        jwt_claims: dict[str, Any] | None = None,
    ) -> None:
        vc2 = strings(doc.get("@context"))[:1] == [VC2]
        start = doc.get("validFrom") if vc2 else doc.get("issuanceDate")
        end = doc.get("validUntil") if vc2 else doc.get("expirationDate")
        if jwt_claims is not None:
            start = jwt_claims.get("nbf", start)
            end = jwt_claims.get("exp", end)
        check_window(
            log,
            start=start,
            end=end,
            at=self.at,
            start_name="validFrom" if vc2 else "issuanceDate",
            end_name="validUntil" if vc2 else "expirationDate",
            start_required=not vc2 and jwt_claims is None,
            numbers=jwt_claims is not None,  # nbf / exp
        )
        if self.verify_nested is not None:
            check_status(
                doc,
                log,
                fetcher=self.fetcher,
                verify_list=self.verify_nested,
                at=self.at,
                cache=self.status_cache,
            )
        else:
            log.skipped("status", "a status list credential's own status is not checked")
        if outcome.format.startswith("clr2.0"):
            subject = first_item(doc.get("credentialSubject"))
            inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
            outcome.inner = list(inner) if isinstance(inner, list) else []


def _shape_message(kind: str, context: str) -> str:
    model = "VC 2.0" if context == VC2 else "VC 1.1"
    names = {"ob3.0": "Open Badges 3.0 credential", "clr2.0": "CLR 2.0 credential"}
    return f"{names.get(kind, 'verifiable credential')} on the {model} data model"
