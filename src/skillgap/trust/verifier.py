"""The verifier's front door: bytes in (JSON, JWT, baked PNG/SVG, a URL), a ``Verified`` out.

It works out what the input is, hands it to the Open Badges 1.x/2.0 verifier (``ob2``) or the
Verifiable Credentials verifier (``vc``), and turns everything that goes wrong into checks of
the report. It never raises for a bad badge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skillgap.domain.verification import VerificationReport, VerificationStatus
from skillgap.fetch import Fetcher
from skillgap.formats.badges.baking import BakedBadgeError, extract_png, extract_svg
from skillgap.formats.badges.sniff import Kind, sniff
from skillgap.formats.badges.sources import PayloadError, load_json
from skillgap.trust import jws as jose
from skillgap.trust.checks import CheckLog
from skillgap.trust.dids import VerificationMethod
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.ob2 import Ob2Verifier
from skillgap.trust.ob2_assertion import Ob2Outcome, is_ob2_assertion
from skillgap.trust.result import Verified
from skillgap.trust.status_lists import StatusListCache
from skillgap.trust.vc import VcVerifier
from skillgap.trust.vc_credential import VcOutcome, is_vc

S = VerificationStatus
MAX_DEPTH = 3  # a CLR inside a CLR inside a CLR is as deep as it goes
DEFINITIONS = {
    "BadgeClass": "an Open Badges BadgeClass (a credential definition)",
    "Achievement": "an Open Badges 3.0 Achievement (a credential definition)",
    "Issuer": "an issuer profile",
    "Profile": "an issuer profile",
    "CryptographicKey": "a public key document",
    "RevocationList": "a revocation list",
}


class Verifier:
    """Verifies credentials at one moment ``at``, fetching documents through ``fetcher``.

    One instance may verify many inputs: resolved keys, contexts and status lists are reused.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        at: datetime,
        *,
        canonicalizer: Canonicalizer | None = None,
    ) -> None:
        if at.tzinfo is None:
            raise ValueError("the verification time must carry a time zone")
        self.fetcher = fetcher
        self.at = at
        self.canonicalizer = canonicalizer or Canonicalizer()
        self.status_cache = StatusListCache()
        self.methods: dict[str, VerificationMethod] = {}

    # -- inputs ---------------------------------------------------------------------------

    def verify_bytes(self, name: str, data: bytes) -> Verified:
        kind = sniff(data)
        if kind in (Kind.PNG, Kind.SVG):
            try:
                payload = extract_png(data) if kind is Kind.PNG else extract_svg(data)
            except BakedBadgeError as exc:
                return self._bad(name, f"baked {kind}", f"{exc}", container=str(kind))
            if payload is None:
                return self._bad(
                    name, "image", f"the {kind.upper()} image holds no badge", container=str(kind)
                )
            return self.verify_text(name, payload, container=str(kind))
        if kind is Kind.UNKNOWN:
            return self._bad(
                name,
                "unknown",
                "not a credential: expected JSON, a JWT, a baked PNG/SVG image or a URL",
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return self._bad(name, "unknown", "not UTF-8 text")
        return self.verify_text(name, text)

    def verify_text(self, name: str, text: str, *, container: str | None = None) -> Verified:
        stripped = text.strip()
        if stripped.startswith(("{", "[")):
            try:
                doc = load_json(stripped, name)
            except PayloadError as exc:
                return self._bad(name, "json", str(exc), container=container)
            return self.verify_object(name, doc, container=container)
        if stripped.startswith(("http://", "https://")) and " " not in stripped:
            log = CheckLog()
            outcome = self._ob2().verify_url(stripped, log)
            return self._ob2_result(name, outcome, log, container, outcome.assertion)
        return self.verify_jwt(name, stripped, container=container)

    def verify_object(
        self,
        name: str,
        doc: Any,
        *,
        container: str | None = None,
        depth: int = 0,
        status: bool = True,
    ) -> Verified:
        if not isinstance(doc, dict):
            return self._bad(name, "json", "a credential is a JSON object", container=container)
        if is_vc(doc):
            log = CheckLog()
            outcome = self._vc(status).verify_document(doc, log)
            return self._vc_result(name, outcome, log, container, depth, status)
        if is_ob2_assertion(doc):
            log = CheckLog()
            result = self._ob2().verify_json(doc, log)
            return self._ob2_result(name, result, log, container, doc)
        kinds = doc.get("type")
        for kind in kinds if isinstance(kinds, list) else [kinds]:
            if isinstance(kind, str) and kind in DEFINITIONS:
                return self._bad(
                    name,
                    kind,
                    f"this is {DEFINITIONS[kind]}, not an awarded credential",
                    container=container,
                )
        return self._bad(
            name,
            "json",
            "not a credential skillgap knows: neither an Open Badges assertion nor a "
            "verifiable credential",
            container=container,
        )

    def verify_jwt(
        self,
        name: str,
        token: str,
        *,
        container: str | None = None,
        depth: int = 0,
        status: bool = True,
    ) -> Verified:
        try:
            parsed = jose.parse_compact(token)
            payload = parsed.payload_json()
        except jose.JwsError as exc:
            return self._bad(name, "jwt", f"not a readable JWS/JWT: {exc}", container=container)
        log = CheckLog()
        if is_vc(payload) or isinstance(payload.get("vc"), dict):
            outcome = self._vc(status).verify_jwt(parsed, payload, log)
            return self._vc_result(name, outcome, log, container, depth, status)
        result = self._ob2().verify_jws(token, parsed, log)
        return self._ob2_result(name, result, log, container, result.assertion)

    # -- helpers --------------------------------------------------------------------------

    def _ob2(self) -> Ob2Verifier:
        return Ob2Verifier(self.fetcher, load_json, self.at)

    def _ob2_result(
        self, name: str, result: Ob2Outcome, log: CheckLog, container: str | None, doc: Any
    ) -> Verified:
        return Verified(
            name,
            result.format,
            log.report(result.format, self.at),
            container,
            tuple(result.identities),
            result.achievement,
            doc,
            {"badge": result.badge, "issuer": result.issuer},
        )

    def _vc_result(
        self,
        name: str,
        outcome: VcOutcome,
        log: CheckLog,
        container: str | None,
        depth: int,
        status: bool,
    ) -> Verified:
        parts = self._parts(name, outcome.inner, log, depth) if status else ()
        return Verified(
            name,
            outcome.format,
            log.report(outcome.format, self.at),
            container,
            tuple(outcome.identities),
            outcome.achievement,
            outcome.credential,
            parts=parts,
        )

    def _vc(self, status: bool) -> VcVerifier:
        # A status list credential's own status is not checked (it would never end).
        nested = self._verify_status_list if status else None
        return VcVerifier(
            self.fetcher,
            self.at,
            canonicalizer=self.canonicalizer,
            status_cache=self.status_cache,
            verify_nested=nested,
            methods=self.methods,
        )

    def _verify_status_list(self, document: Any) -> VerificationReport:
        name = "status list credential"
        if isinstance(document, str):
            return self.verify_jwt(name, document, status=False).report
        return self.verify_object(name, document, status=False).report

    def _parts(
        self, name: str, inner: list[Any], log: CheckLog, depth: int
    ) -> tuple[Verified, ...]:
        if not inner:
            return ()
        if depth + 1 > MAX_DEPTH:
            log.failed("credentials", "credentials nested too deeply", S.MALFORMED)
            return ()
        parts = []
        for index, item in enumerate(inner):
            part_name = f"{name}#credential[{index}]"
            if isinstance(item, str):
                part = self.verify_jwt(part_name, item, depth=depth + 1)
            else:
                part = self.verify_object(part_name, item, depth=depth + 1)
            parts.append(part)
            if part.valid:
                log.passed(f"credential[{index}]", f"{part.achievement or 'credential'}: valid")
            else:
                log.failed(
                    f"credential[{index}]",
                    f"{part.achievement or 'credential'}: {part.status}",
                    part.status,
                )
        return tuple(parts)

    def _bad(
        self, name: str, format: str, message: str, *, container: str | None = None
    ) -> Verified:
        log = CheckLog()
        log.failed("format", message, S.MALFORMED)
        return Verified(name, format, log.report(format, self.at), container)
