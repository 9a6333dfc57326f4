"""Verifying Open Badges 2.0 (and 1.0 / 1.1) assertions: hosted and signed.

Hosted: the assertion lives at its ``id``; the hosted copy is the truth. A presented copy that
differs is ``tampered``; HTTP 410 or ``revoked: true`` is ``revoked``; the assertion must be
hosted where the issuer allows (``issuer-mismatch`` otherwise).
Signed: a compact JWS whose key (``verification.creator``) the issuer profile lists; the
issuer's revocation list says whether it was revoked.
Open Badges 0.5 had no verification route at all: such a badge is ``malformed``.

``Ob2Verifier`` holds the entry points; the hosted checks are in ``ob2_hosted``, the signed in
``ob2_signed``, what both need in ``ob2_checks``, reading an assertion in ``ob2_assertion``.
"""

from __future__ import annotations

from typing import Any

from skillgap.domain.verification import VerificationStatus
from skillgap.trust import jws as jose
from skillgap.trust.checks import CheckLog
from skillgap.trust.ob2_assertion import (
    Ob2Outcome,
    legacy_version,
    recipient_identities,
    structure_problem,
    verification_route,
)
from skillgap.trust.ob2_hosted import HostedChecks
from skillgap.trust.ob2_signed import SignedChecks

S = VerificationStatus


class Ob2Verifier(HostedChecks, SignedChecks):
    """Verifies an assertion presented as JSON, known by its URL, or signed as a JWS."""

    def verify_json(self, doc: dict[str, Any], log: CheckLog) -> Ob2Outcome:
        """A presented (unsigned) assertion: hosted verification, or a legacy badge."""
        version = legacy_version(doc)
        outcome = Ob2Outcome(format=version, assertion=doc)
        if version == "ob0.5":
            log.failed(
                "verification-route",
                "an Open Badges 0.5 badge: the standard gave it no way to be verified "
                "(no hosted URL, no signature)",
                S.MALFORMED,
            )
            outcome.identities = recipient_identities(doc)
            return outcome
        problem = structure_problem(doc, version)
        if problem:
            log.failed("format", problem, S.MALFORMED)
            outcome.identities = recipient_identities(doc)
            return outcome
        kind, url = verification_route(doc, version)
        if kind == "signed":
            log.failed(
                "verification-route",
                "the assertion says it is signed but was presented without its signature "
                "(a signed badge is verified from its JWS)",
                S.MALFORMED,
            )
            return outcome
        if kind != "hosted" or not url:
            log.failed(
                "verification-route",
                f"no usable verification route (verification type {kind or 'missing'!r})",
                S.MALFORMED,
            )
            return outcome
        outcome.format = f"{version}-hosted"
        log.passed("format", f"Open Badges {version[2:]} hosted assertion")
        self._hosted(doc, url, log, outcome, presented=True)
        return outcome

    def verify_url(self, url: str, log: CheckLog) -> Ob2Outcome:
        """An assertion known only by its URL (OB 1.x baked images, a hosted link)."""
        outcome = Ob2Outcome(format="ob2.0-hosted")
        hosted = self._fetch_json(url, "hosted-assertion", log, gone_is_revoked=True)
        if hosted is None or not isinstance(hosted, dict):
            if hosted is not None:
                log.failed("hosted-assertion", f"{url} is not an assertion", S.MALFORMED)
            return outcome
        version = legacy_version(hosted)
        outcome.format = f"{version}-hosted"
        outcome.assertion = hosted
        self._hosted(hosted, url, log, outcome, presented=False, fetched=hosted)
        return outcome

    def verify_jws(self, token: str, parsed: jose.Jws, log: CheckLog) -> Ob2Outcome:
        try:
            assertion = self.load_json(parsed.payload, "JWS payload")
        except ValueError as exc:
            log.failed("format", f"the JWS payload is not JSON: {exc}", S.MALFORMED)
            return Ob2Outcome(format="ob2.0-signed")
        version = legacy_version(assertion) if isinstance(assertion, dict) else "ob2.0"
        outcome = Ob2Outcome(format=f"{version}-signed", assertion=assertion)
        if not isinstance(assertion, dict):
            log.failed("format", "the JWS payload is not an assertion object", S.MALFORMED)
            return outcome
        problem = structure_problem(assertion, version)
        if problem:
            log.failed("format", problem, S.MALFORMED)
            return outcome
        log.passed("format", f"Open Badges {version[2:]} signed assertion (JWS)")
        outcome.identities = recipient_identities(assertion)
        kind, key_url = verification_route(assertion, version)
        if kind != "signed":
            log.failed(
                "verification-route",
                f"signed as a JWS, but the assertion says verification type {kind!r}",
                S.MALFORMED,
            )
        self._badge_and_issuer(assertion, log, outcome)
        self._signature(parsed, key_url, log, outcome)
        self._revocation_list(assertion, log, outcome)
        self._dates(assertion, version, log)
        return outcome
