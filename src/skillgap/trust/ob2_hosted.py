"""Verifying a hosted Open Badges 1.x/2.0 assertion: ``HostedChecks``.

The assertion lives at its ``id``; the hosted copy is the truth. A presented copy that differs
is ``tampered``; HTTP 410 or ``revoked: true`` is ``revoked``; the assertion must be hosted
where the issuer allows (``issuer-mismatch`` otherwise).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from skillgap.domain.verification import VerificationStatus
from skillgap.trust.checks import CheckLog
from skillgap.trust.ob2_assertion import (
    Ob2Outcome,
    id_of,
    legacy_version,
    recipient_identities,
    strings,
)
from skillgap.trust.ob2_checks import Ob2Checks

S = VerificationStatus


class HostedChecks(Ob2Checks):
    """The hosted copy, its revocation flag and where it is hosted."""

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
        outcome.identities = recipient_identities(doc)
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
            allowed = strings(verification.get("allowedOrigins"))
            starts = strings(verification.get("startsWith"))
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


def _differences(presented: dict[str, Any], hosted: dict[str, Any]) -> list[str]:
    keys_ = sorted((set(presented) | set(hosted)) - {"@context"})
    changed = []
    for key in keys_:
        mine, theirs = presented.get(key), hosted.get(key)
        if key in ("badge", "issuer") and id_of(mine) == id_of(theirs) and id_of(mine):
            continue
        if json.dumps(mine, sort_keys=True) != json.dumps(theirs, sort_keys=True):
            changed.append(key)
    return changed
