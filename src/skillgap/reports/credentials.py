"""Credentials as terminal text and JSON: an import's summary, lists, one credential."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillgap.domain import AlignmentStatus, CheckStatus
from skillgap.services.credential_views import CredentialRow, CredentialView
from skillgap.services.credentials import ImportResult

SHOWN = 20  # unmatched awards, suggestions and notes listed after an import
_STATUS_STYLE = {"valid": "green", "unverified": "yellow"}
_CHECK_STYLE = {CheckStatus.PASS: "green", CheckStatus.FAIL: "red", CheckStatus.SKIP: "dim"}


def render_import(result: ImportResult, console: Console) -> None:
    table = Table(title="Credentials imported", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row(
        "Awards stored", f"{len(result.awards)} ({result.added} new, {result.updated} updated)"
    )
    for status, count in result.by_status.items():
        table.add_row(f"  {_styled(status)}", str(count))
    table.add_row("Matched to a person", str(result.matched))
    table.add_row("Unmatched (for review)", str(len(result.unmatched)))
    table.add_row("New issuers (tier unknown)", str(len(result.new_issuers)))
    table.add_row("New achievements", str(len(result.new_achievements)))
    table.add_row("Alignments exact", str(result.exact_alignments))
    table.add_row("Alignments suggested (for review)", str(len(result.suggestions)))
    table.add_row("Alignments unmapped", str(result.unmapped_alignments))
    table.add_row("Rejected inputs", str(len(result.rejects)))
    console.print(table)
    run = result.pathways
    if run is not None and (run.issued or run.queued):
        console.print(
            f"Pathways completed: {len(run.issued)} pathway credential(s) issued, "
            f"{len(run.queued)} queued for review (skillgap pathways queue)."
        )
    if result.rejects:
        console.print(
            f"[yellow]{len(result.rejects)} inputs rejected[/], written with their reasons to "
            f"{escape(str(result.rejects_file))}."
        )
    _some(console, "Unmatched", [f"{a.award.id}: {a.match}" for a in result.unmatched])
    _some(
        console,
        "Suggested alignments (confirm before they count)",
        [
            f"{s.achievement_id}: {s.target!r} ~ {s.competency} {s.label!r} ({s.score:g})"
            for s in result.suggestions
        ],
    )
    _some(console, "Notes", list(result.notes))


def _some(console: Console, title: str, lines: list[str]) -> None:
    if not lines:
        return
    console.print(f"{title}:")
    for line in lines[:SHOWN]:
        console.print(f"  {escape(line)}", soft_wrap=True)
    if len(lines) > SHOWN:
        console.print(f"  ... and {len(lines) - SHOWN} more")


def render_credentials(rows: list[CredentialRow], console: Console) -> None:
    if not rows:
        console.print("No credentials match.")
        return
    table = Table(title=f"Credentials ({len(rows)})", title_justify="left")
    table.add_column("Id", overflow="fold")  # whole: it is what `credentials show` takes
    for column in ("Achievement", "Issuer", "Person", "Issued", "Status"):
        table.add_column(column)
    for row in rows:
        award = row.award
        table.add_row(
            escape(award.id),
            escape(row.achievement.name),
            escape(row.issuer.name),
            escape(award.person_id or "-"),
            award.issued_on.date().isoformat(),
            _styled(row.status),
        )
    console.print(table)


def credentials_json(rows: list[CredentialRow]) -> list[dict[str, Any]]:
    return [
        {
            "id": row.award.id,
            "achievement_id": row.achievement.id,
            "achievement": row.achievement.name,
            "issuer_id": row.issuer.id,
            "issuer": row.issuer.name,
            "recipient": row.award.recipient,
            "person_id": row.award.person_id,
            "issued_on": row.award.issued_on.isoformat(),
            "expires_on": row.award.expires_on.isoformat() if row.award.expires_on else None,
            "format": row.award.format,
            "status": row.status,
            "source": row.award.source,
        }
        for row in rows
    ]


def render_credential(view: CredentialView, console: Console) -> None:
    award, achievement, issuer = view.row.award, view.row.achievement, view.row.issuer
    console.print(f"[bold]{escape(achievement.name)}[/] ({escape(award.id)})")
    person = f"{view.person.name} ({view.person.employee_id})" if view.person else "unmatched"
    lines = [
        ("Status", _styled(view.row.status)),
        ("Issuer", escape(f"{issuer.name} ({issuer.id}), tier {issuer.tier}")),
        ("Recipient", escape(award.recipient or "-")),
        ("Person", escape(person)),
        ("Issued", award.issued_on.isoformat()),
        ("Expires", award.expires_on.isoformat() if award.expires_on else "-"),
        ("Format", escape(award.format or "-")),
        ("Source", escape(award.source or "-")),
        ("Achievement", escape(f"{achievement.id} ({achievement.achievement_type})")),
    ]
    if achievement.criteria:
        lines.append(("Criteria", escape(achievement.criteria)))
    for label, value in lines:
        console.print(f"  {label + ':':<12} {value}")
    for evidence in award.evidence:
        shown = evidence.name or evidence.narrative or ""
        console.print(
            f"  {'Evidence:':<12} {escape(' '.join(filter(None, [shown, evidence.url])))}"
        )
    if achievement.alignments:
        table = Table(title="Alignments", title_justify="left")
        for column in ("Target", "Competency", "Status"):
            table.add_column(column)
        for alignment in achievement.alignments:
            ref = alignment.competency
            name = view.competencies.get(ref) if ref else None
            shown = f"{ref} {name}" if ref and name else str(ref) if ref else "-"
            style = "green" if alignment.status.counts else "yellow"
            if alignment.status is AlignmentStatus.UNMAPPED:
                style = "dim"
            table.add_row(
                escape(
                    alignment.target_name
                    + (f" <{alignment.target_url}>" if alignment.target_url else "")
                ),
                escape(shown),
                f"[{style}]{alignment.status}[/]",
            )
        console.print(table)
    report = award.verification
    if report is None:
        console.print("Not verified.")
        return
    table = Table(
        title=f"Verification checks (at {report.checked_at.isoformat()})", title_justify="left"
    )
    for column in ("Check", "Result", "Message"):
        table.add_column(column)
    for check in report.checks:
        style = _CHECK_STYLE[check.status]
        table.add_row(escape(check.name), f"[{style}]{check.status}[/]", escape(check.message))
    console.print(table)


def _styled(status: str) -> str:
    return f"[{_STATUS_STYLE.get(status, 'red')}]{escape(status)}[/]"
