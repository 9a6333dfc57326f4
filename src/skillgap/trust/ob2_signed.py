"""Verifying a signed Open Badges 1.x/2.0 assertion: ``SignedChecks``.

A compact JWS whose key (``verification.creator``) the issuer profile lists; the issuer's
revocation list says whether it was revoked.
"""

from __future__ import annotations

from typing import Any

from skillgap.domain.verification import VerificationStatus
from skillgap.trust import jws as jose
from skillgap.trust.checks import CheckLog, unusable_signature
from skillgap.trust.ob2_assertion import Ob2Outcome, id_of
from skillgap.trust.ob2_checks import Ob2Checks
from skillgap.trust.public_key import PublicKey

S = VerificationStatus


class SignedChecks(Ob2Checks):
    """The JWS signature, the issuer's hold on the key, and the issuer's revocation list."""

    def _signature(
        self, parsed: jose.Jws, key_url: str | None, log: CheckLog, outcome: Ob2Outcome
    ) -> None:
        issuer = outcome.issuer if isinstance(outcome.issuer, dict) else {}
        listed = _key_ids(issuer.get("publicKey"))
        candidates = [key_url] if key_url else listed
        if not candidates:
            log.failed(
                "signature",
                "no key to check the signature with (no verification.creator, and the "
                "issuer profile lists no publicKey)",
                S.UNVERIFIABLE if not issuer else S.ISSUER_MISMATCH,
            )
            return
        for candidate in candidates:
            key_doc = self._key_document(candidate, issuer, log)
            if key_doc is None:
                return
            public, owner = key_doc
            try:
                good = jose.verify(parsed, public)
            except (jose.JwsError, ValueError) as exc:
                log.failed("signature", str(exc), unusable_signature(parsed.header))
                return
            if not good:
                if key_url:
                    log.failed(
                        "signature",
                        f"the JWS signature does not verify with the key {candidate}",
                        S.INVALID_SIGNATURE,
                    )
                    return
                continue
            log.passed("signature", f"JWS ({parsed.header.get('alg')}) verifies with {candidate}")
            self._key_binding(candidate, owner, issuer, log)
            return
        log.failed(
            "signature", "no key the issuer lists verifies the signature", S.INVALID_SIGNATURE
        )

    def _key_document(
        self, url: str, issuer: dict[str, Any], log: CheckLog
    ) -> tuple[PublicKey, str | None] | None:
        embedded = _embedded_key(issuer.get("publicKey"), url)
        if embedded is not None:
            key_doc: Any = embedded
        else:
            document = self._get(url, "signing-key", log)
            if document is None:
                return None
            body = document.body.decode("utf-8", "replace")
            if body.lstrip().startswith("-----BEGIN"):  # OB 1.0: the URL serves a PEM
                key_doc = {"id": url, "publicKeyPem": body}
            else:
                try:
                    key_doc = self.load_json(document.body, url)
                except ValueError as exc:
                    log.failed("signing-key", f"{url}: {exc}", S.UNVERIFIABLE)
                    return None
        pem = key_doc.get("publicKeyPem") if isinstance(key_doc, dict) else None
        if not isinstance(pem, str):
            log.failed("signing-key", f"{url} holds no publicKeyPem", S.UNVERIFIABLE)
            return None
        try:
            public = PublicKey.from_pem(pem)
        except ValueError as exc:
            log.failed("signing-key", f"{url}: {exc}", S.UNVERIFIABLE)
            return None
        owner = key_doc.get("owner") or key_doc.get("controller")
        return public, owner if isinstance(owner, str) else None

    def _key_binding(
        self, key_url: str, owner: str | None, issuer: dict[str, Any], log: CheckLog
    ) -> None:
        issuer_id = issuer.get("id")
        if not issuer:
            log.failed(
                "issuer-key", "no issuer profile: cannot tell whose key signed it", S.UNVERIFIABLE
            )
        elif key_url in _key_ids(issuer.get("publicKey")) and owner in (None, issuer_id):
            log.passed("issuer-key", f"the issuer {issuer_id} lists the key {key_url}")
        elif owner is not None and owner != issuer_id:
            log.failed(
                "issuer-key",
                f"the key {key_url} belongs to {owner}, not to the issuer {issuer_id}",
                S.ISSUER_MISMATCH,
            )
        else:
            log.failed(
                "issuer-key",
                f"the issuer {issuer_id} does not list the key {key_url}",
                S.ISSUER_MISMATCH,
            )

    def _revocation_list(
        self, assertion: dict[str, Any], log: CheckLog, outcome: Ob2Outcome
    ) -> None:
        issuer = outcome.issuer if isinstance(outcome.issuer, dict) else {}
        url = issuer.get("revocationList")
        if not isinstance(url, str):
            log.skipped("revocation", "the issuer publishes no revocation list")
            return
        document = self._get(url, "revocation", log, failure=S.STATUS_UNVERIFIABLE)
        if document is None:
            return
        try:
            listing = self.load_json(document.body, url)
        except ValueError as exc:
            log.failed("revocation", f"{url}: {exc}", S.STATUS_UNVERIFIABLE)
            return
        revoked = listing.get("revokedAssertions") if isinstance(listing, dict) else None
        if not isinstance(revoked, list):
            log.failed("revocation", f"{url} is not a revocation list", S.STATUS_UNVERIFIABLE)
            return
        uid = assertion.get("id") or assertion.get("uid")
        for entry in revoked:
            entry_id = entry.get("id") if isinstance(entry, dict) else entry
            if entry_id is not None and entry_id == uid:
                reason = entry.get("revocationReason") if isinstance(entry, dict) else None
                log.failed(
                    "revocation",
                    f"listed as revoked in {url}" + (f": {reason}" if reason else ""),
                    S.REVOKED,
                )
                return
        log.passed("revocation", f"not in the issuer's revocation list {url}")


def _key_ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        ref = id_of(item)
        if isinstance(ref, str):
            found.append(ref)
    return found


def _embedded_key(value: Any, url: str) -> dict[str, Any] | None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and item.get("id") == url and "publicKeyPem" in item:
            return item
    return None
