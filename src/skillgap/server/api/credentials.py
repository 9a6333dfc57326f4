"""Credentials: upload and verify (one or several files: JSON, JWT, baked PNG/SVG, zip
backpacks), import into the workspace, list and show with their verification reports.

Uploads: administrators and HR may import for anyone (recipients matched as `credentials
import` matches them, or all for ``person``); a manager or an employee only for themselves.
Reading: administrators, HR and reviewers every credential; a manager those of their tree;
an employee their own. Each file and each request has a size limit (``ServerOptions``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from skillgap.domain import VerificationReport, VerificationStatus
from skillgap.domain.users import UserRole
from skillgap.errors import Forbidden, NotFoundError, PayloadTooLarge
from skillgap.reports.credentials import credentials_json
from skillgap.server.api.models import Page, page
from skillgap.server.api.params import Limit, Offset
from skillgap.server.api.reports import CredentialDetail, CredentialOut, ImportOut, VerifiedOut
from skillgap.server.auth import Principal, allow, principal
from skillgap.server.context import AppContext, context
from skillgap.server.issuer import issuer_keys
from skillgap.server.scope import WHOLE_ORGANISATION, Reach, check_person, reach
from skillgap.services import credential_views
from skillgap.services import credentials as service
from skillgap.services.credential_views import CredentialView
from skillgap.services.credentials import ImportResult
from skillgap.services.verification import verify_paths
from skillgap.trust.result import Verified

router = APIRouter(tags=["credentials"])
Ctx = Annotated[AppContext, Depends(context)]
Readers = Annotated[
    Principal,
    Depends(
        allow(UserRole.ADMIN, UserRole.HR, UserRole.REVIEWER, UserRole.MANAGER, UserRole.EMPLOYEE)
    ),
]
Uploaders = Annotated[
    Principal,
    Depends(allow(UserRole.ADMIN, UserRole.HR, UserRole.MANAGER, UserRole.EMPLOYEE)),
]
Files = Annotated[list[UploadFile], File(description="credential files (several at once)")]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@router.post("/credentials/verify", response_model=list[VerifiedOut])
def verify(ctx: Ctx, files: Files, who: Annotated[Principal, Depends(principal)]) -> list[Any]:
    """Verify credentials without storing anything: one report per input (a zip's members
    each), with every check and the status it argues for."""
    with uploaded(ctx, files) as (paths, shown):
        fetcher = ctx.fetch_plan.fetcher(ctx.clock, ctx.fetcher)
        found = verify_paths(paths, fetcher=fetcher, at=ctx.clock.now())
        return [_verified_data(v, shown) for v in found]


@router.post("/credentials", response_model=ImportOut)
def import_credentials(
    ctx: Ctx,
    who: Uploaders,
    files: Files,
    person: Annotated[
        str | None,
        Form(
            description="the credentials are this person's (default for an employee: "
            "themselves; HR: matched by recipient)"
        ),
    ] = None,
) -> dict[str, Any]:
    """Verify credentials and store them: each with its verification report, matched to
    one person, its alignments mapped to the workspace's competencies."""
    if who.role not in WHOLE_ORGANISATION:
        if person is not None and person != who.person_id:
            raise Forbidden(f"{who.role.someone} may import credentials only for themselves")
        person = who.person_id
    elif person is not None:
        check_person(person, Reach(everyone=True), ctx)
    with uploaded(ctx, files) as (paths, shown):
        result = service.import_credentials(
            ctx.store,
            paths,
            fetch_plan=ctx.fetch_plan,
            clock=ctx.clock,
            at=ctx.clock.now(),
            person_id=person,
            workers=1,
            network=ctx.fetcher,
            rejects_path=paths[0].parent.parent / "rejects.csv",
            source_name=shown,
            pathway_keys=issuer_keys,
            actor=who.user_id,
        )
        return import_data(result, shown)


@router.get("/credentials", response_model=Page[CredentialOut])
def list_credentials(
    ctx: Ctx,
    who: Readers,
    reached: Annotated[Reach, Depends(reach)],
    person: Annotated[str | None, Query(description="only this person's")] = None,
    status: Annotated[
        str | None,
        Query(
            description="only this verification status, or unverified (an imported record)",
            pattern=f"^({'|'.join([*VerificationStatus, 'unverified'])})$",
        ),
    ] = None,
    unmatched: Annotated[bool, Query(description="only those matched to nobody")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Credentials the caller may see, by id, a page at a time."""
    everything = reached.everyone or who.role is UserRole.REVIEWER
    if person is not None:
        check_person(person, Reach(everyone=True) if everything else reached, ctx)
    rows = credential_views.list_credentials(
        ctx.store, person_id=person, status=status, unmatched=unmatched
    )
    visible = [r for r in rows if everything or reached.sees(r.award.person_id)]
    return page(credentials_json(visible), limit, offset)


@router.get("/credentials/{award_id:path}", response_model=CredentialDetail)
def show_credential(
    award_id: str, ctx: Ctx, who: Readers, reached: Annotated[Reach, Depends(reach)]
) -> dict[str, Any]:
    """One credential: the award, its achievement and issuer, alignments, and every
    verification check."""
    view = credential_views.show_credential(ctx.store, award_id)
    if not (reached.everyone or who.role is UserRole.REVIEWER) and not reached.sees(
        view.row.award.person_id
    ):
        raise NotFoundError(f"no credential with id {award_id!r}")
    return credential_data(view)


# --- uploads ---------------------------------------------------------------------------------


@contextmanager
def uploaded(
    ctx: AppContext, files: list[UploadFile], max_bytes: int | None = None
) -> Iterator[tuple[list[Path], Shown]]:
    """The uploads written to a private temporary folder (each in its own), each at most
    ``max_bytes`` (default: a credential file's limit); and how to show their names as the
    client sent them."""
    limits = ctx.options
    cap = max_bytes or limits.max_file_bytes
    if len(files) > limits.max_files:
        raise PayloadTooLarge(f"{len(files)} files: upload at most {limits.max_files} at once")
    with TemporaryDirectory(prefix="skillgap-upload-") as tmp:
        paths: list[Path] = []
        for number, upload in enumerate(files):
            name = _safe_name(upload.filename)
            data = upload.file.read(cap + 1)
            if len(data) > cap:
                raise PayloadTooLarge(f"{name}: larger than the {cap} bytes a file may have")
            folder = Path(tmp) / f"{number:03d}"
            folder.mkdir()
            path = folder / name
            path.write_bytes(data)
            paths.append(path)
        yield paths, Shown(Path(tmp))


class Shown:
    """Turns the temporary paths in reports back into the names the client sent."""

    def __init__(self, root: Path) -> None:
        self.pattern = re.compile(re.escape(str(root)) + r"[/\\]\d{3}[/\\]")

    def __call__(self, text: str) -> str:
        return self.pattern.sub("", text)


def _safe_name(filename: str | None) -> str:
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._")[:100]
    return cleaned or "upload"


# --- bodies ----------------------------------------------------------------------------------


def _checks(
    report: VerificationReport | None, shown: Callable[[str], str] = str
) -> list[dict[str, str]]:
    if report is None:
        return []
    return [
        {"name": c.name, "status": str(c.status), "message": shown(c.message)}
        for c in report.checks
    ]


def _verified_data(v: Verified, shown: Shown) -> dict[str, Any]:
    return {
        "name": shown(v.name),
        "format": v.format,
        "status": str(v.status),
        "recipient": v.recipient,
        "achievement": v.achievement,
        "checks": _checks(v.report, shown),
        "credentials": [_verified_data(part, shown) for part in v.parts],
    }


def import_data(result: ImportResult, shown: Shown) -> dict[str, Any]:
    return {
        "awards": [
            {
                "id": a.award.id,
                "achievement": a.achievement,
                "person_id": a.award.person_id,
                "added": a.added,
                "match": a.match,
                "status": str(a.award.verification.status)
                if a.award.verification
                else "unverified",
                "checks": _checks(a.award.verification, shown),
            }
            for a in result.awards
        ],
        "by_status": result.by_status,
        "rejected": [{"name": shown(r.name), "reason": shown(r.reason)} for r in result.rejects],
        "new_issuers": list(result.new_issuers),
        "new_achievements": list(result.new_achievements),
        "suggested_alignments": len(result.suggestions),
        "notes": [shown(n) for n in result.notes],
    }


def credential_data(view: CredentialView) -> dict[str, Any]:
    award, achievement, issuer = view.row.award, view.row.achievement, view.row.issuer
    report = award.verification
    return {
        **credentials_json([view.row])[0],
        "issuer_tier": issuer.tier.value,
        "person_name": view.person.name if view.person else None,
        "criteria": achievement.criteria or None,
        "alignments": [
            {
                "target": a.target_name,
                "target_url": a.target_url,
                "competency": str(a.competency) if a.competency else None,
                "competency_name": view.competencies.get(a.competency) if a.competency else None,
                "level": a.level,
                "status": str(a.status),
            }
            for a in achievement.alignments
        ],
        "checked_at": report.checked_at.isoformat() if report else None,
        "checks": _checks(report),
    }
