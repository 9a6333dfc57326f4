"""Uploading one's badges: an employee (or a manager) for themselves, administrators and HR
for anyone (a person field). Several files at once (JSON, JWT, baked PNG/SVG, zip
backpacks), multipart, with the session's CSRF token in the form. The answer shows each
verification report in plain language and what changed in the person's gaps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from skillgap.errors import ValidationError
from skillgap.server.api.credentials import import_data, uploaded
from skillgap.server.auth import Principal
from skillgap.server.context import AppContext
from skillgap.server.errors import Forbidden
from skillgap.server.issuer import issuer_keys
from skillgap.server.scope import WHOLE_ORGANISATION, Reach, check_person
from skillgap.server.web.access import PEOPLE, Ctx, check_form, page_allow
from skillgap.server.web.pages import render
from skillgap.server.web.persondata import GapChange, gap_change, gaps_now
from skillgap.services import credentials as service
from skillgap.services import users as users_service

router = APIRouter(include_in_schema=False)
Uploader = Annotated[Principal, Depends(page_allow(*PEOPLE))]

#: Each verification status in plain words.
PLAIN = {
    "valid": "Verified: the credential is genuine, unchanged, and its issuer vouches for it.",
    "expired": "Genuine, but it has expired: it no longer counts as evidence.",
    "revoked": "The issuer has revoked it: it does not count.",
    "not-yet-valid": "Genuine, but not valid yet: it will count from its start date.",
    "malformed": "This file is not a credential skillgap can read.",
    "tampered": "The credential was changed after it was issued: it does not count.",
    "invalid-signature": "The signature does not match: it does not count.",
    "issuer-mismatch": "It was not signed by the issuer it names: it does not count.",
    "unverifiable": "It could not be checked (a document it needs could not be had).",
    "status-unverifiable": "Its revocation status could not be checked.",
    "unverified": "Not verified.",
}


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, who: Uploader) -> Response:
    return render(request, "upload.html", {"who": who, "result": None, "changes": []})


@router.post("/upload", response_class=HTMLResponse)
def upload(
    request: Request,
    ctx: Ctx,
    who: Uploader,
    files: Annotated[list[UploadFile], File()],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    person: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Verify and import the files, for the uploader (HR: the person named, or whoever each
    credential's recipient is), then show the reports and the change in gaps."""
    check_form(who, csrf_token)
    target = _target(ctx, who, person.strip() or None)
    result, changes = _import(ctx, files, target, who.user_id)
    matched = {a["person_id"] for a in result["awards"] if a["person_id"]}
    names = {p: _name(ctx, p) for p in sorted(matched)}
    context = {
        "who": who,
        "result": result,
        "changes": changes,
        "more_changed": len(_added_by_person(result)) - len(changes) if target is None else 0,
        "plain": PLAIN,
        "names": names,
    }
    return render(request, "upload.html", context)


def _target(ctx: AppContext, who: Principal, person: str | None) -> str | None:
    if who.role not in WHOLE_ORGANISATION:
        if person is not None and person != who.person_id:
            raise Forbidden(f"{who.role.someone} may upload credentials only for themselves")
        return who.person_id
    if person is not None:
        check_person(person, Reach(everyone=True), ctx)
    return person


#: An upload matched to many people shows the change in gaps of this many (each is a
#: person's gaps computed twice).
CHANGES_SHOWN = 20


def _import(
    ctx: AppContext, files: list[UploadFile], person: str | None, actor: str
) -> tuple[dict[str, Any], list[GapChange]]:
    """The import (as ``POST /api/v1/credentials``), and the change in gaps of each person
    who has a role: read before and after when the person was named; else, for each
    person a credential was matched to, after it with and without the awards it added."""
    before = _gaps(ctx, person)
    with uploaded(ctx, files) as (paths, shown):
        found = service.import_credentials(
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
            actor=actor,
        )
        result = import_data(found, shown)
    if person is not None:
        after = _gaps(ctx, person)
        return result, [gap_change(before, after)] if before and after else []
    changes = []
    for matched, added in sorted(_added_by_person(result).items())[:CHANGES_SHOWN]:
        was, now = _gaps(ctx, matched, added), _gaps(ctx, matched)
        if was and now:
            changes.append(gap_change(was, now))
    return result, changes


def _added_by_person(result: dict[str, Any]) -> dict[str, frozenset[str]]:
    """The awards the import added, by the person each was matched to."""
    found: dict[str, set[str]] = {}
    for award in result["awards"]:
        if award["added"] and award["person_id"]:
            found.setdefault(award["person_id"], set()).add(award["id"])
    return {person: frozenset(ids) for person, ids in found.items()}


def _gaps(
    ctx: AppContext, person: str | None, without: frozenset[str] = frozenset()
) -> dict[str, Any] | None:
    if person is None:
        return None
    try:
        return gaps_now(ctx, person, without)
    except ValidationError:  # no role: nothing to compare
        return None


def _name(ctx: AppContext, person_id: str) -> str:
    found = users_service.find_person(ctx.store, person_id)
    return found.name if found else person_id
