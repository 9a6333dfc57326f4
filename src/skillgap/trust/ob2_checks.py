"""What verifying any Open Badges 1.x/2.0 assertion needs, hosted or signed: ``Ob2Checks``.

Fetching documents (size-capped; HTTP 410 for a hosted assertion means revoked), the BadgeClass
and the issuer profile it names, and the ``issuedOn``/``expires`` window. ``HostedChecks``
(``ob2_hosted``) and ``SignedChecks`` (``ob2_signed``) build on it; ``Ob2Verifier`` (``ob2``)
combines them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from skillgap.domain.verification import VerificationStatus
from skillgap.errors import FetchError
from skillgap.fetch import Document, Fetcher
from skillgap.trust.checks import CheckLog
from skillgap.trust.dates import check_window
from skillgap.trust.ob2_assertion import Ob2Outcome

S = VerificationStatus
MAX_DOCUMENT_BYTES = 1 << 20
JsonLoader = Callable[[bytes | str, str], Any]


class Ob2Checks:
    """The documents an assertion leads to, and its dates."""

    def __init__(self, fetcher: Fetcher, load_json: JsonLoader, at: datetime) -> None:
        self.fetcher = fetcher
        self.load_json = load_json
        self.at = at

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
