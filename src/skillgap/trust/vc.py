"""Verifying W3C Verifiable Credentials: Open Badges 3.0, CLR 2.0 and their VC-JWT forms.

For a credential with an embedded proof: its shape (1EdTech JSON Schema for OB 3.0 on the
VC 2.0 model), JSON-LD safe mode (every term defined by a pinned context), every Data
Integrity proof, that the issuer controls a signing key, the validity window, and the status
list. For a VC-JWT: the JOSE signature with the key ``kid`` names, that the JWT claims agree
with the credential, then the same checks on the credential.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from skillgap.domain.verification import VerificationReport, VerificationStatus
from skillgap.fetch import Fetcher
from skillgap.trust import dataintegrity, dids
from skillgap.trust import jws as jose
from skillgap.trust.checks import CheckLog, unusable_signature
from skillgap.trust.contexts import UnknownContext, pinned
from skillgap.trust.dates import check_window, parse_datetime
from skillgap.trust.jsonld import Canonicalizer, JsonLdError, UndefinedTerms
from skillgap.trust.keys import KeyFormatError, PublicKey
from skillgap.trust.recipients import Identity, vc_identities
from skillgap.trust.schema import schema_errors
from skillgap.trust.status import StatusListCache, check_status

S = VerificationStatus
VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
#: Registered JWT claims (RFC 7519) that a VC-JWT may carry beside the credential's own
#: properties; they are not JSON-LD terms.
JWT_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf", "nonce", "vc"})

VerifyNested = Callable[[Any], VerificationReport]


@dataclass
class VcOutcome:
    format: str = "vc"
    credential: Any = None
    identities: list[Identity] = field(default_factory=list)
    inner: list[Any] = field(default_factory=list)  # credentials a CLR carries

    @property
    def achievement(self) -> str | None:
        subject = _first(self.credential.get("credentialSubject")) if self.credential else None
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(achievement, dict) and isinstance(achievement.get("name"), str):
            return str(achievement["name"])
        name = self.credential.get("name") if isinstance(self.credential, dict) else None
        return name if isinstance(name, str) else None


def is_vc(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    contexts = doc.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    return first in (VC1, VC2) or "VerifiableCredential" in _types(doc)


def credential_format(doc: dict[str, Any]) -> str:
    types = _types(doc)
    if "ClrCredential" in types:
        return "clr2.0"
    if "OpenBadgeCredential" in types or "AchievementCredential" in types:
        return "ob3.0"
    if "EndorsementCredential" in types:
        return "ob3.0-endorsement"
    return "vc"


class VcVerifier:
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

    # -- embedded proofs ------------------------------------------------------------------

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
        for url in _strings(doc.get("@context")):
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
        issuer = _issuer_id(doc)
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

    # -- VC-JWT ---------------------------------------------------------------------------

    def verify_jwt(self, parsed: jose.Jws, payload: dict[str, Any], log: CheckLog) -> VcOutcome:
        legacy = isinstance(payload.get("vc"), dict)
        credential = _from_claims(payload)
        outcome = self._outcome(credential)
        outcome.format += "-jwt"
        if not self._shape(credential, log, outcome, jwt=True):
            return outcome
        issuer = _issuer_id(credential)
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
            ("iss", _issuer_id(credential)),
            ("jti", credential.get("id")),
            ("sub", _subject_id(credential)),
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

    # -- shared ---------------------------------------------------------------------------

    def _outcome(self, doc: dict[str, Any]) -> VcOutcome:
        outcome = VcOutcome(format=credential_format(doc), credential=doc)
        subjects = doc.get("credentialSubject")
        for subject in subjects if isinstance(subjects, list) else [subjects]:
            outcome.identities.extend(vc_identities(subject))
        return outcome

    def _shape(
        self, doc: dict[str, Any], log: CheckLog, outcome: VcOutcome, *, jwt: bool = False
    ) -> bool:
        contexts = _strings(doc.get("@context"))
        problems = []
        if not contexts or contexts[0] not in (VC1, VC2):
            problems.append(f"@context must start with {VC2} or {VC1}")
        if "VerifiableCredential" not in _types(doc):
            problems.append("type must include VerifiableCredential")
        if _issuer_id(doc) is None:
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
            for url in _strings(doc.get("@context")):
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
        vc2 = _strings(doc.get("@context"))[:1] == [VC2]
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
            subject = _first(doc.get("credentialSubject"))
            inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
            outcome.inner = list(inner) if isinstance(inner, list) else []


def _json_signed(proofs: Any) -> bool:
    items = proofs if isinstance(proofs, list) else [proofs]
    return any(isinstance(p, dict) and p.get("cryptosuite") == "eddsa-jcs-2022" for p in items)


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


def _shape_message(kind: str, context: str) -> str:
    model = "VC 2.0" if context == VC2 else "VC 1.1"
    names = {"ob3.0": "Open Badges 3.0 credential", "clr2.0": "CLR 2.0 credential"}
    return f"{names.get(kind, 'verifiable credential')} on the {model} data model"


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


def _issuer_id(doc: dict[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def _subject_id(doc: dict[str, Any]) -> str | None:
    subject = _first(doc.get("credentialSubject"))
    value = subject.get("id") if isinstance(subject, dict) else None
    return value if isinstance(value, str) else None


def _types(doc: dict[str, Any]) -> list[str]:
    return _strings(doc.get("type"))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value
