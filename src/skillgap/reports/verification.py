"""Verification reports for people: one block per input, failures first in plain words."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from skillgap.domain.verification import CheckStatus, VerificationStatus
from skillgap.trust.result import Verified

MEANING = {
    VerificationStatus.VALID: "valid",
    VerificationStatus.INVALID_SIGNATURE: "INVALID SIGNATURE",
    VerificationStatus.TAMPERED: "TAMPERED",
    VerificationStatus.EXPIRED: "EXPIRED",
    VerificationStatus.NOT_YET_VALID: "NOT YET VALID",
    VerificationStatus.REVOKED: "REVOKED",
    VerificationStatus.MALFORMED: "MALFORMED",
    VerificationStatus.ISSUER_MISMATCH: "ISSUER MISMATCH",
    VerificationStatus.STATUS_UNVERIFIABLE: "STATUS UNVERIFIABLE",
    VerificationStatus.UNVERIFIABLE: "UNVERIFIABLE",
}
MARK = {CheckStatus.PASS: "ok  ", CheckStatus.FAIL: "FAIL", CheckStatus.SKIP: "skip"}


def render_verified(
    out: Console, result: Verified, *, verbose: bool = False, indent: str = ""
) -> None:
    colour = "green" if result.valid else "red"
    what = result.format + (f" in {result.container}" if result.container else "")
    out.print(
        f"{indent}[bold]{escape(result.name)}[/bold]: [{colour}]{MEANING[result.status]}[/{colour}]"
        f" ({escape(what)})"
    )
    if result.achievement or result.recipient:
        achievement = escape(result.achievement or "?")
        out.print(f"{indent}  {achievement} awarded to {escape(result.recipient or '?')}")
    for check in result.report.checks:
        if verbose or check.status is CheckStatus.FAIL:
            out.print(
                f"{indent}  {MARK[check.status]} {escape(check.name)}: {escape(check.message)}"
            )
    for part in result.parts:
        render_verified(out, part, verbose=verbose, indent=indent + "    ")
