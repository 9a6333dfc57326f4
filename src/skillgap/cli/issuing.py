"""`skillgap issuer …`, `skillgap issue`, `skillgap revoke`: the organisation's own credentials.

The private key comes from $SKILLGAP_ISSUER_KEY when it is set, else from the key file the
issuer profile names (created by `issuer init`, mode 0600, next to the SQLite workspace
unless --key-file says otherwise). It is never read from or written to the workspace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from skillgap.cli.quality import who
from skillgap.cli.root import CliState, cli, console, pass_state, user_errors
from skillgap.issuing import IssuerProfile, issuance, issuer_setup, revocation
from skillgap.issuing.keystore import KeyStore, key_store
from skillgap.store import Store


def issuer_keys(environ: Mapping[str, str]) -> issuer_setup.KeySource:
    def keys(profile: IssuerProfile) -> KeyStore:
        return key_store(environ, Path(profile.key_file) if profile.key_file else None)

    return keys


def _profile_key_file(store: Store) -> Path | None:
    """The key file the workspace's issuer profile names (``--force`` keeps its key)."""
    with store.transaction() as ws:
        text = ws.meta.get(issuer_setup.META_PROFILE)
    named = IssuerProfile.from_json(text).key_file if text is not None else None
    return Path(named) if named else None


def _default_key_file(state: CliState) -> Path | None:
    workspace = state.settings.sqlite_path
    return None if workspace is None else workspace.with_name(workspace.name + ".issuer-key.json")


@cli.group()
def issuer() -> None:
    """The organisation as an issuer of Open Badges 3.0 credentials: its key and profile.

    \b
    Example:
        skillgap issuer init --name "Tidewell" --url https://tidewell.example
        skillgap issuer publish --out site/
    """


@issuer.command(name="init")
@click.option("--name", required=True, help="The organisation's name, as credentials show it.")
@click.option("--url", required=True, help="The organisation's web site.")
@click.option(
    "--did-web",
    metavar="DOMAIN[:path]",
    help="Identify as did:web:DOMAIN (you host did.json there) [default: a did:key].",
)
@click.option(
    "--status-list-url",
    metavar="URL",
    help="Where the revocation list will be hosted [default: SITE/credentials/status/1].",
)
@click.option(
    "--key-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to create the private key [default: WORKSPACE.issuer-key.json].",
)
@click.option("--force", is_flag=True, help="Replace the workspace's issuer profile.")
@pass_state
@user_errors
def init_command(
    state: CliState,
    name: str,
    url: str,
    did_web: str | None,
    status_list_url: str | None,
    key_file: Path | None,
    force: bool,
) -> None:
    """Create the issuer: an Ed25519 key (in a 0600 key file) and the public profile.

    The key is reused when the key file exists or $SKILLGAP_ISSUER_KEY is set; skillgap
    never overwrites a key. Only the public profile is stored in the workspace.

    \b
    Example:
        skillgap issuer init --name "Tidewell" --url https://tidewell.example
        skillgap issuer init --name "Tidewell" --url https://tidewell.example \\
            --did-web tidewell.example --key-file /secure/issuer-key.json
    """
    with state.store() as store:
        keys = key_store(
            state.env.environ, key_file or _profile_key_file(store) or _default_key_file(state)
        )
        result = issuer_setup.init_issuer(
            store,
            keys,
            name=name,
            url=url,
            clock=state.env.clock,
            did_web=did_web,
            status_list_url=status_list_url,
            force=force,
            actor=who(state, None),
        )
    profile = result.profile
    verb = "Replaced" if result.replaced else "Created"
    how = "created in" if result.key_created else "reused from"
    mode = " (mode 0600: keep it secret, back it up)" if result.key_created else ""
    click.echo(
        f"{verb} the issuer {profile.name}: {profile.id}\n"
        f"  signs with   {profile.verification_method}\n"
        f"  private key  {how} {result.key_location}{mode}\n"
        f"  status list  {profile.status_list_url}\n"
        "Next: `skillgap issuer publish --out DIR`, and host the files it lists."
    )


@issuer.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder to write the documents to (created if needed).",
)
@click.option(
    "--valid-days",
    type=click.IntRange(1, 366),
    default=30,
    show_default=True,
    help="How long the signed status list stays valid: publish again before then.",
)
@pass_state
@user_errors
def publish(state: CliState, out: Path, valid_days: int) -> None:
    """Write what the organisation must host: the signed status list, did.json, the profile.

    DIR/index.json maps each URL or DID to its file, so `skillgap verify --offline
    --documents DIR` verifies issued credentials without a network.

    \b
    Example:
        skillgap issuer publish --out site/
        skillgap verify --offline --documents site/ python-basics-E1003.json
    """
    with state.store() as store:
        result = issuer_setup.publish(
            store,
            issuer_keys(state.env.environ),
            out,
            clock=state.env.clock,
            valid_days=valid_days,
            actor=who(state, None),
        )
    _render_published(result)


def _render_published(result: issuer_setup.PublishResult) -> None:
    table = Table("file", "host it at", title=Text(f"Published to {result.directory}"))
    for doc in result.documents:
        table.add_row(Text(doc.file), Text(doc.host_at or "(your web site, for people)"))
    console().print(table)
    click.echo(
        f"{result.revoked} revoked. The status list is valid until "
        f"{result.valid_until:%Y-%m-%d %H:%M} UTC: publish and upload it again before then."
    )


@issuer.command(name="list-issued")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
@user_errors
def list_issued(state: CliState, as_json: bool) -> None:
    """List the credentials the organisation issued: active, expired or revoked.

    \b
    Example:
        skillgap issuer list-issued
    """
    with state.store() as store:
        rows = revocation.list_issued(store, at=state.env.clock.now())
    if as_json:
        data = [
            {
                "id": r.issued.id,
                "person": r.issued.person_id,
                "achievement": r.issued.achievement_id,
                "issued_on": r.issued.issued_on.isoformat(),
                "expires_on": r.issued.expires_on.isoformat() if r.issued.expires_on else None,
                "format": r.issued.format,
                "status_index": r.issued.status_index,
                "state": r.state,
                "revocation_reason": r.issued.revocation_reason,
            }
            for r in rows
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table("credential", "person", "achievement", "issued", "expires", "index", "state")
    for r in rows:
        expires = f"{r.issued.expires_on:%Y-%m-%d}" if r.issued.expires_on else "never"
        cells = (
            r.issued.id,
            f"{r.person} ({r.issued.person_id})",
            r.achievement,
            f"{r.issued.issued_on:%Y-%m-%d}",
            expires,
            str(r.issued.status_index),
            r.state,
        )
        table.add_row(*(Text(cell) for cell in cells))
    if rows:
        console().print(table)
    else:
        click.echo("No credentials issued yet.")


@cli.command()
@click.option("--achievement", "achievement_id", required=True, help="The achievement's id.")
@click.option("--to", "person", required=True, help="The person (employee id or e-mail).")
@click.option("--evidence", multiple=True, metavar="URL", help="A URL of evidence (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["di", "jwt"]),
    default="di",
    show_default=True,
    help="di: JSON with an eddsa-rdfc-2022 proof; jwt: a VC-JWT (EdDSA).",
)
@click.option("--bake", type=click.Choice(["png", "svg"]), help="Bake into an image.")
@click.option(
    "--image",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="The PNG or SVG image to bake the credential into (with --bake).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the credential [default: ACHIEVEMENT-PERSON.json].",
)
@pass_state
@user_errors
def issue(
    state: CliState,
    achievement_id: str,
    person: str,
    evidence: tuple[str, ...],
    fmt: str,
    bake: str | None,
    image: Path | None,
    out: Path | None,
) -> None:
    """Issue an Open Badges 3.0 credential for one of the organisation's achievements.

    It is aligned to the achievement's competencies, signed, given a revocation status
    entry, verified, and recorded; the person gets a verified award as evidence.

    \b
    Example:
        skillgap issue --achievement python-basics --to E1003 --evidence https://git.example/p/1
        skillgap issue --achievement python-basics --to E1003 --format jwt --out ann.jwt
        skillgap issue --achievement python-basics --to E1003 --bake png --image badge.png
    """
    if (bake is None) != (image is None):
        raise click.UsageError("--bake and --image go together")
    with state.store() as store:
        result = issuance.issue(
            store,
            issuer_keys(state.env.environ),
            achievement_id=achievement_id,
            person=person,
            clock=state.env.clock,
            evidence=evidence,
            format="jwt" if fmt == "jwt" else "di",
            bake="png" if bake == "png" else "svg" if bake == "svg" else None,
            image=image.read_bytes() if image else None,
            out=out,
        )
    expires = f"{result.issued.expires_on:%Y-%m-%d}" if result.issued.expires_on else "never"
    click.echo(
        f"Issued {result.achievement.name} to {result.person.name} "
        f"({result.person.employee_id}): {result.verified.status}, expires {expires}\n"
        f"  credential  {result.issued.id} (status list index {result.issued.status_index})\n"
        f"  written to  {result.out}"
    )


@cli.command()
@click.argument("credential_id", metavar="CREDENTIAL_ID")
@click.option("--reason", help="Why it is revoked (kept in the workspace, not published).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Also publish the updated status list (as `issuer publish --out DIR`).",
)
@pass_state
@user_errors
def revoke(state: CliState, credential_id: str, reason: str | None, out: Path | None) -> None:
    """Revoke a credential the organisation issued: its status list bit is set.

    Verifiers see it once the new status list is published and hosted.

    \b
    Example:
        skillgap revoke urn:uuid:0f8e7c1a-... --reason "issued to the wrong person"
        skillgap revoke 0f8e7c1a-... --out site/
    """
    with state.store() as store:
        result = revocation.revoke(
            store,
            credential_id,
            clock=state.env.clock,
            reason=reason,
            keys=issuer_keys(state.env.environ),
            out=out,
        )
    if result.already:
        click.echo(f"{result.issued.id} was revoked already.")
    else:
        click.echo(f"Revoked {result.issued.id} (index {result.issued.status_index}).")
    if result.published is not None:
        _render_published(result.published)
    else:
        click.echo(
            "Verifiers see it once the status list is published: run "
            "`skillgap issuer publish --out DIR` and upload the status list."
        )
