"""Verifying Open Badges 2.0 (and 1.0 / 1.1) assertions: hosted and signed.

Hosted: the assertion lives at its ``id``; the hosted copy is the truth. A presented copy that
differs is ``tampered``; HTTP 410 or ``revoked: true`` is ``revoked``; the assertion must be
hosted where the issuer allows (``issuer-mismatch`` otherwise).
Signed: a compact JWS whose key (``verification.creator``) the issuer profile lists; the
issuer's revocation list says whether it was revoked.
Open Badges 0.5 had no verification route at all: such a badge is ``malformed``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from skillgap.domain.verification import VerificationStatus
from skillgap.errors import FetchError
from skillgap.fetch import Document, Fetcher
from skillgap.trust import jws as jose
from skillgap.trust import keys
from skillgap.trust.checks import CheckLog, unusable_signature
from skillgap.trust.dates import check_window
from skillgap.trust.recipients import Identity, ob2_identity

S = VerificationStatus
MAX_DOCUMENT_BYTES = 1 << 20
OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
OB1_CONTEXTS = ("https://w3id.org/openbadges/v1", "https://openbadgespec.org/v1/context.json")
JsonLoader = Callable[[bytes | str, str], Any]


@dataclass
class Ob2Outcome:
    """What OB 1.x/2.0 verification learnt, beside the checks in the log."""

    format: str
    assertion: Any = None
    badge: Any = None
    issuer: Any = None
    identities: list[Identity] = field(default_factory=list)

    @property
    def achievement(self) -> str | None:
        for source in (self.badge, _field(self.assertion, "badge")):
            if isinstance(source, dict) and isinstance(source.get("name"), str):
                return str(source["name"])
        badge = _field(self.assertion, "badge")
        return badge if isinstance(badge, str) else None


def is_ob2_assertion(doc: Any) -> bool:
    return isinstance(doc, dict) and (
        _has_type(doc, "Assertion")
        or "verification" in doc
        or "verify" in doc
        or ("recipient" in doc and "badge" in doc)
    )


def legacy_version(doc: dict[str, Any]) -> str:
    """'ob2.0', 'ob1.1', 'ob1.0' or 'ob0.5' for an assertion-shaped document."""
    contexts = _strings(doc.get("@context"))
    if "verification" in doc or any(c in OB2_CONTEXTS for c in contexts):
        return "ob2.0"
    if any(c in OB1_CONTEXTS for c in contexts):
        return "ob1.1"
    if "verify" in doc:
        return "ob1.0"
    return "ob0.5"


class Ob2Verifier:
    def __init__(self, fetcher: Fetcher, load_json: JsonLoader, at: datetime) -> None:
        self.fetcher = fetcher
        self.load_json = load_json
        self.at = at

    # -- entry points ---------------------------------------------------------------------

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
            outcome.identities = _identities(doc)
            return outcome
        problem = _structure(doc, version)
        if problem:
            log.failed("format", problem, S.MALFORMED)
            outcome.identities = _identities(doc)
            return outcome
        kind, url = _route(doc, version)
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
        problem = _structure(assertion, version)
        if problem:
            log.failed("format", problem, S.MALFORMED)
            return outcome
        log.passed("format", f"Open Badges {version[2:]} signed assertion (JWS)")
        outcome.identities = _identities(assertion)
        kind, key_url = _route(assertion, version)
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

    # -- hosted ---------------------------------------------------------------------------

    def _hosted(
        self,
        doc: dict[str, Any],
        url: str,
        log: CheckLog,
        outcome: Ob2Outcome,
        *,
        presented: bool,
        fetched: Any = None,
    ) -> None:
        outcome.identities = _identities(doc)
        hosted = fetched
        if hosted is None:
            hosted = self._fetch_json(url, "hosted-assertion", log, gone_is_revoked=True)
        if hosted is None:
            return
        if not isinstance(hosted, dict):
            log.failed("hosted-assertion", f"{url} does not hold an assertion", S.MALFORMED)
            return
        log.passed("hosted-assertion", f"fetched the hosted assertion from {url}")
        if presented:
            differences = _differences(doc, hosted)
            if differences:
                log.failed(
                    "hosted-copy",
                    "the presented assertion differs from the hosted copy in "
                    + ", ".join(differences),
                    S.TAMPERED,
                )
            else:
                log.passed("hosted-copy", "the presented assertion matches the hosted copy")
        if hosted.get("revoked") is True:
            reason = hosted.get("revocationReason")
            log.failed(
                "revocation",
                "the issuer marks the hosted assertion revoked"
                + (f": {reason}" if isinstance(reason, str) else ""),
                S.REVOKED,
            )
        else:
            log.passed("revocation", "the hosted assertion is not revoked")
        self._badge_and_issuer(hosted, log, outcome)
        self._hosted_origin(url, outcome, log)
        self._dates(hosted, legacy_version(hosted), log)

    def _hosted_origin(self, url: str, outcome: Ob2Outcome, log: CheckLog) -> None:
        issuer = outcome.issuer
        if not isinstance(issuer, dict):
            log.skipped("issuer-origin", "no issuer profile to compare the host with")
            return
        verification = issuer.get("verification")
        allowed: list[str] = []
        starts: list[str] = []
        if isinstance(verification, dict):
            allowed = _strings(verification.get("allowedOrigins"))
            starts = _strings(verification.get("startsWith"))
        issuer_id = issuer.get("id") or issuer.get("url") or issuer.get("origin")
        host = urlsplit(url).hostname or ""
        if starts and not any(url.startswith(prefix) for prefix in starts):
            log.failed(
                "issuer-origin",
                f"{url} does not start with any prefix the issuer allows ({', '.join(starts)})",
                S.ISSUER_MISMATCH,
            )
            return
        origins = allowed or ([urlsplit(str(issuer_id)).hostname or ""] if issuer_id else [])
        if not origins or host in origins:
            log.passed("issuer-origin", f"hosted on {host}, an origin the issuer uses")
        else:
            log.failed(
                "issuer-origin",
                f"hosted on {host}, but the issuer's assertions are hosted on {', '.join(origins)}",
                S.ISSUER_MISMATCH,
            )

    # -- signed ---------------------------------------------------------------------------

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
    ) -> tuple[keys.PublicKey, str | None] | None:
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
            public = keys.PublicKey.from_pem(pem)
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

    # -- shared ---------------------------------------------------------------------------

    def _badge_and_issuer(
        self, assertion: dict[str, Any], log: CheckLog, outcome: Ob2Outcome
    ) -> None:
        badge = assertion.get("badge")
        if isinstance(badge, str):
            badge = self._fetch_json(badge, "badge-class", log)
        if not isinstance(badge, dict):
            if badge is not None or "badge" not in assertion:
                log.failed("badge-class", "the assertion names no BadgeClass", S.MALFORMED)
            return
        outcome.badge = badge
        log.passed("badge-class", f"BadgeClass {badge.get('name', badge.get('id', ''))!s}")
        named = badge.get("issuer")
        url = named.get("id") if isinstance(named, dict) else named
        if named is None:
            log.failed("issuer-profile", "the BadgeClass names no issuer", S.MALFORMED)
            return
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            # An issuer embedded without a URL cannot vouch for anything: its profile (keys,
            # revocation list, allowed origins) must come from the issuer's own address.
            log.failed(
                "issuer-profile",
                "the issuer has no URL its profile can be fetched from, so nothing ties the "
                "badge to it",
                S.UNVERIFIABLE,
            )
            return
        profile = self._fetch_json(url, "issuer-profile", log)
        if profile is None:
            return
        if not isinstance(profile, dict):
            log.failed("issuer-profile", f"{url} does not hold an issuer profile", S.UNVERIFIABLE)
            return
        if "id" in profile and profile.get("id") != url:
            log.failed(
                "issuer-profile",
                f"the profile fetched from {url} names itself {profile.get('id')!r}",
                S.ISSUER_MISMATCH,
            )
            return
        outcome.issuer = profile
        log.passed("issuer-profile", f"issuer {profile.get('name', url)!s}, fetched from {url}")

    def _dates(self, assertion: dict[str, Any], version: str, log: CheckLog) -> None:
        issued = assertion.get("issuedOn", assertion.get("issued_on"))
        check_window(
            log,
            start=issued,
            end=assertion.get("expires"),
            at=self.at,
            start_name="issuedOn",
            end_name="expires",
            start_required=version == "ob2.0",
            numbers=True,  # OB DateTime: ISO 8601 or a Unix timestamp
            digits=version != "ob2.0",
        )

    def _get(
        self, url: str, check: str, log: CheckLog, *, failure: VerificationStatus = S.UNVERIFIABLE
    ) -> Document | None:
        try:
            document = self.fetcher.fetch(url)
        except FetchError as exc:
            log.failed(check, f"cannot fetch {url}: {exc.reason}", failure)
            return None
        if not document.ok:
            log.failed(check, f"{url} answered HTTP {document.status}", failure)
            return None
        if len(document.body) > MAX_DOCUMENT_BYTES:
            log.failed(check, f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes", failure)
            return None
        return document

    def _fetch_json(
        self, url: str, check: str, log: CheckLog, *, gone_is_revoked: bool = False
    ) -> Any:
        if gone_is_revoked:
            try:
                document = self.fetcher.fetch(url)
            except FetchError as exc:
                log.failed(check, f"cannot fetch {url}: {exc.reason}", S.UNVERIFIABLE)
                return None
            if document.status == 410:
                log.failed(check, f"{url} answered 410 Gone: the issuer revoked it", S.REVOKED)
                return None
            if not document.ok:
                log.failed(check, f"{url} answered HTTP {document.status}", S.UNVERIFIABLE)
                return None
        else:
            got = self._get(url, check, log)
            if got is None:
                return None
            document = got
        try:
            return self.load_json(document.body, url)
        except ValueError as exc:
            log.failed(check, f"{url}: {exc}", S.UNVERIFIABLE)
            return None


def _route(doc: dict[str, Any], version: str) -> tuple[str, str | None]:
    """The verification type ('hosted'/'signed') and its URL (hosted id, or signing key)."""
    if version == "ob2.0":
        verification = doc.get("verification")
        kind = ""
        creator = None
        if isinstance(verification, dict):
            kind = str(verification.get("type", "")).lower()
            creator = verification.get("creator")
        kind = {"hostedbadge": "hosted", "signedbadge": "signed"}.get(kind, kind)
        if kind == "hosted":
            url = doc.get("id")
            return kind, url if isinstance(url, str) and url.startswith("http") else None
        return kind, creator if isinstance(creator, str) else None
    verify = doc.get("verify")
    if not isinstance(verify, dict):
        return "", None
    url = verify.get("url")
    return str(verify.get("type", "")).lower(), url if isinstance(url, str) else None


def _identities(doc: Any) -> list[Identity]:
    identity = ob2_identity(doc.get("recipient")) if isinstance(doc, dict) else None
    if identity is not None and isinstance(doc, dict) and not identity.salt:
        salt = doc.get("salt")  # OB 0.5 kept the salt beside the recipient
        if isinstance(salt, str):
            identity = Identity(identity.type, identity.value, identity.hashed, salt)
    return [identity] if identity else []


def _differences(presented: dict[str, Any], hosted: dict[str, Any]) -> list[str]:
    keys_ = sorted((set(presented) | set(hosted)) - {"@context"})
    changed = []
    for key in keys_:
        mine, theirs = presented.get(key), hosted.get(key)
        if key in ("badge", "issuer") and _ref(mine) == _ref(theirs) and _ref(mine):
            continue
        if json.dumps(mine, sort_keys=True) != json.dumps(theirs, sort_keys=True):
            changed.append(key)
    return changed


def _ref(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _key_ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        ref = _ref(item)
        if isinstance(ref, str):
            found.append(ref)
    return found


def _embedded_key(value: Any, url: str) -> dict[str, Any] | None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and item.get("id") == url and "publicKeyPem" in item:
            return item
    return None


def _structure(doc: dict[str, Any], version: str) -> str | None:
    """What makes an OB 1.x/2.0 assertion unreadable, before anything is fetched."""
    recipient = doc.get("recipient")
    if not isinstance(recipient, dict):
        return (
            f"recipient must be an identity object (type, identity, hashed) in Open Badges "
            f"{version[2:]}, not {type(recipient).__name__}"
        )
    if not isinstance(recipient.get("identity"), str) or not recipient["identity"]:
        return "recipient.identity is missing"
    if "badge" not in doc:
        return "the assertion names no badge"
    return None


def _has_type(doc: dict[str, Any], name: str) -> bool:
    kinds = doc.get("type")
    return kinds == name or (isinstance(kinds, list) and name in kinds)


def _field(doc: Any, name: str) -> Any:
    return doc.get(name) if isinstance(doc, dict) else None
