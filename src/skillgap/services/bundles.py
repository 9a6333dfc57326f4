"""Loading an organisation bundle (and the demo, which is one) into a workspace.

A bundle's awards are records (``awards.csv``), stored as they are: ``skillgap load`` reads
what an organisation exported. The demo instead turns its awards into signed Open Badges 3.0
credentials (``demo.credentials``) and verifies and imports them, so its skills inventory
comes from credentials skillgap has checked, through the same path as `credentials import`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from importlib import resources
from pathlib import Path
from tempfile import TemporaryDirectory

from skillgap.analysis.allocation import TrainingPriority
from skillgap.analysis.inventory import View
from skillgap.analysis.summary import OrganisationSummary
from skillgap.clock import Clock
from skillgap.demo.credentials import demo_credentials
from skillgap.domain import BUILTIN_SCALES
from skillgap.domain.governance import AuditEntry
from skillgap.domain.snapshots import DEMO
from skillgap.domain.users import ApiToken, User
from skillgap.errors import ConflictError, InputError
from skillgap.formats.badges.sources import iter_inputs
from skillgap.formats.bundle import FILES, Bundle, read_bundle
from skillgap.formats.collect import ErrorList
from skillgap.formats.tabular import MAX_FILE_BYTES
from skillgap.services.catalog import CatalogImport, import_catalog
from skillgap.services.credentials import ImportResult, import_credentials
from skillgap.services.pathways import AwardRun, PathwaysImport, award_completed, import_pathways
from skillgap.services.plans import PersonPlan, organisation_priorities, plan_for_person
from skillgap.services.snapshots import take_snapshot
from skillgap.services.summary import organisation_summary
from skillgap.services.talent import import_policy
from skillgap.services.verification import FetchPlan
from skillgap.services.workspace import (
    META_ORGANISATION,
    META_SNAPSHOT,
    Confirm,
    StoreOpener,
    holds_data,
)
from skillgap.store import Store, Workspace
from skillgap.store.memory import MemoryStore


@dataclass(frozen=True)
class LoadResult:
    organisation: str
    replaced: bool
    counts: dict[str, int]


def load_bundle(folder: Path, open_workspace: StoreOpener, confirm: Confirm) -> LoadResult:
    """Read and validate the bundle at ``folder``, then store it, all or nothing.

    Nothing is created or written when the bundle is invalid. A workspace that already
    holds data is replaced only if ``confirm`` agrees, in the same transaction.
    """
    bundle = read_bundle(folder)
    with open_workspace(True) as store:
        return _store_replacing(store, bundle, confirm)


@dataclass(frozen=True)
class DemoImport:
    """The demo's credential imports: the organisation's folder, then each person's own
    backpack (credentials made out to an address the people file does not list)."""

    organisation: ImportResult
    backpacks: tuple[ImportResult, ...]
    at: datetime  # the moment they were verified as of: the end of the snapshot date

    @property
    def results(self) -> tuple[ImportResult, ...]:
        return (self.organisation, *self.backpacks)

    @property
    def credentials(self) -> int:
        return sum(len(r.awards) for r in self.results)

    @property
    def from_backpacks(self) -> int:
        return sum(len(r.awards) for r in self.backpacks)

    @property
    def by_status(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for result in self.results:
            counts.update(result.by_status)
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class DemoResult:
    loaded: LoadResult
    summary: OrganisationSummary
    imported: DemoImport  # the demo's credentials, verified and imported
    catalog: CatalogImport
    pathways: PathwaysImport
    awards: AwardRun  # pathway credentials queued (or issued) for those who completed one
    plan: PersonPlan | None  # for the person furthest from their role
    priorities: tuple[TrainingPriority, ...]  # the organisation's top three, with cost


def run_demo(
    open_workspace: StoreOpener, clock: Clock, confirm: Confirm, *, view: View
) -> DemoResult:
    """Load the demo organisation, replacing the workspace's data, and summarise its gaps;
    a first snapshot gives `skillgap progress` its starting point.

    The awards come in as credentials: signed, verified as of the demo's snapshot date and
    imported (``import_demo_credentials``) before the workspace is opened, so the workspace
    is still written once, all or nothing, as ``skillgap load`` writes it."""
    bundle = read_bundle(demo_folder())
    imported, bundle = import_demo_credentials(bundle, clock)
    folder = demo_folder()
    with open_workspace(True) as store:
        loaded = _store_replacing(store, bundle, confirm)
        take_snapshot(store, clock, reason=DEMO)
        items = import_catalog(store, [folder / "catalog.yaml"])
        stacked = import_pathways(store, folder / "pathways.yaml")
        import_policy(store, folder / "policy.yaml")
        awards = award_completed(store, None, clock, actor=DEMO)
        summary = organisation_summary(store, clock, view=view)
        furthest = summary.furthest[0].person.employee_id if summary.furthest else None
        plan = plan_for_person(store, clock, furthest, actor=DEMO) if furthest else None
        top = tuple(organisation_priorities(store, clock, top=3))
        return DemoResult(loaded, summary, imported, items, stacked, awards, plan, top)


def import_demo_credentials(bundle: Bundle, clock: Clock) -> tuple[DemoImport, Bundle]:
    """The bundle's awards as signed OB 3.0 credentials, verified and imported; returns what
    the imports did and the bundle with what they stored in place of the award records.

    The credentials are written to a temporary folder and imported from there by
    ``import_credentials``, as `skillgap credentials import` would: verified at the end of
    the snapshot date (issuer profiles answered in memory, never the network), recipients
    matched by e-mail, the issuers and achievements the bundle defines kept as it has them.
    An award made out to a personal address comes in with the person's own backpack
    (``--person``). One not valid at that moment (expired by its own date) is kept as the
    import keeps any such credential: with its report, under a quarantined (``unverified:``)
    issuer and achievement. The imports run on a staging twin holding the bundle's framework,
    people, issuers and achievements but no roles: nobody is assessed there, so no import
    records a snapshot of its own (the demo takes one, of the whole organisation)."""
    made = demo_credentials(bundle)
    at = _end_of(bundle.snapshot_date or clock.now().date())
    staging = MemoryStore()
    with staging.transaction() as ws:
        ws.frameworks.add(bundle.framework)
        ws.people.add_all(bundle.people)
        ws.issuers.add_all(bundle.issuers)
        ws.achievements.add_all(bundle.achievements)
    results: dict[str | None, ImportResult] = {}
    with TemporaryDirectory(prefix="skillgap-demo-") as tmp:
        for folder, person in made.write(Path(tmp)):
            result = import_credentials(
                staging,
                [folder],
                # Not offline=True: an offline plan swaps the given fetcher for the offline
                # chain. The only "network" here is the in-memory issuer profiles.
                fetch_plan=FetchPlan(),
                clock=clock,
                at=at,
                person_id=person,
                workers=1,
                network=made.fetcher(),
                rejects_path=Path(tmp) / "rejects.csv",
            )
            problems = [r.reason for r in result.rejects] + [
                f"{a.award.source}: {a.match}" for a in result.unmatched
            ]
            if problems:  # the demo's own data: a bug, not a user's mistake
                raise RuntimeError(f"a demo credential did not import: {problems[0]}")
            results[person] = result
    with staging.transaction() as ws:
        issuers, achievements = ws.issuers.list(), ws.achievements.list()
        # The temporary folder is gone once the demo ends: name the file it came from.
        awards = [
            replace(a, source=f"demo credential {Path(a.source).name}") for a in ws.awards.list()
        ]
    stored = replace(
        bundle, issuers=tuple(issuers), achievements=tuple(achievements), awards=tuple(awards)
    )
    organisation = results.pop(None)
    return DemoImport(organisation, tuple(results.values()), at), stored


def _end_of(day: date) -> datetime:
    """The end of ``day`` (UTC): the moment the summary reads a date as."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def demo_folder() -> Path:
    return Path(str(resources.files("skillgap.demo") / "data"))


def _store_replacing(store: Store, bundle: Bundle, confirm: Confirm) -> LoadResult:
    with store.transaction() as ws:
        _refuse_issued(store, ws)
        held = holds_data(ws)
        if held and not confirm(store.location):
            raise ConflictError(f"the workspace at {store.location} already holds data")
        if held:
            ws.clear()
        store_bundle(ws, bundle)
    return LoadResult(bundle.organisation, held, _counts(bundle))


def _refuse_issued(store: Store, ws: Workspace) -> None:
    issued = ws.issued.count()
    if issued:
        # Replacing would lose which status-list bits are taken and which credentials
        # were revoked: a later `issuer init` would hand the same bits out again.
        raise ConflictError(
            f"the workspace at {store.location} holds {issued} credential(s) the "
            "organisation issued; replacing it would lose their revocation status. "
            "Load into a new workspace (--workspace FILE) instead"
        )


def store_bundle(ws: Workspace, bundle: Bundle) -> None:
    """Add everything the bundle holds to an (empty) workspace."""
    ws.frameworks.add(bundle.framework)
    for scale_id in sorted({c.scale_id for c in bundle.claims}):
        if ws.scales.find(scale_id) is None:
            ws.scales.add(BUILTIN_SCALES[scale_id])
    ws.roles.add_all(bundle.roles)
    ws.people.add_all(bundle.people)
    ws.issuers.add_all(bundle.issuers)
    ws.achievements.add_all(bundle.achievements)
    ws.awards.add_all(bundle.awards)
    ws.observations.add_all(bundle.claims)
    ws.meta.set(META_ORGANISATION, bundle.organisation)
    if bundle.snapshot_date is not None:
        ws.meta.set(META_SNAPSHOT, bundle.snapshot_date.isoformat())


def _counts(bundle: Bundle) -> dict[str, int]:
    return {
        "competencies": len(bundle.framework.competencies),
        "roles": len(bundle.roles),
        "people": len(bundle.people),
        "issuers": len(bundle.issuers),
        "achievements": len(bundle.achievements),
        "awards": len(bundle.awards),
        "claims": len(bundle.claims),
    }


# --- a bundle sent as a zip archive (POST /api/v1/bundle) -------------------------------------

#: A bundle archive's limits: entries, and bytes once expanded (each file besides has the
#: bundle's own limit, ``MAX_FILE_BYTES``).
ARCHIVE_MEMBERS = 100
ARCHIVE_EXPANDED_BYTES = 200 * 2**20
AUDIT_BUNDLE = "bundle loaded"


@dataclass(frozen=True)
class KeptAccess:
    """What a load from an archive keeps of the workspace it replaces."""

    users: int
    tokens: int
    audit_entries: int
    removed: tuple[str, ...]  # deactivated accounts and revoked tokens of people not kept


@dataclass(frozen=True)
class ArchiveLoad:
    loaded: LoadResult
    kept: KeptAccess


def load_bundle_archive(
    archive: Path, store: Store, clock: Clock, *, replace_held: bool, actor: str
) -> ArchiveLoad:
    """Load the bundle a zip archive holds (its files at the top, or in one folder), all or
    nothing, as ``skillgap load`` loads a folder: read and checked first (every error,
    located), a workspace holding data replaced only with ``replace_held``, never one
    holding credentials the organisation issued. Unlike the command line, the replaced
    workspace's user accounts, API tokens and audit log are kept (the administrator loading
    it must not lock themselves out); an active account or token linked to a person the
    bundle does not hold is refused; sessions end. Recorded in the audit log as ``actor``'s."""
    with TemporaryDirectory(prefix="skillgap-bundle-") as tmp:
        bundle = read_bundle(unpack_bundle(archive, Path(tmp)))
    with store.transaction() as ws:
        _refuse_issued(store, ws)
        held = holds_data(ws)
        if held and not replace_held:
            raise ConflictError(
                "the workspace already holds data: load with replace=true to replace it "
                "(user accounts, API tokens and the audit log are kept)"
            )
        if held:
            kept = _replace_keeping_access(ws, bundle)
        else:  # nothing is removed
            kept = KeptAccess(ws.users.count(), ws.tokens.count(), ws.audit.count(), ())
            store_bundle(ws, bundle)
        loaded = LoadResult(bundle.organisation, held, _counts(bundle))
        details = {
            "file": archive.name,
            "replaced": held,
            "counts": loaded.counts,
            "removed": list(kept.removed),
        }
        ws.audit.append(AuditEntry(clock.now(), actor, AUDIT_BUNDLE, bundle.organisation, details))
    return ArchiveLoad(loaded, kept)


def _replace_keeping_access(ws: Workspace, bundle: Bundle) -> KeptAccess:
    """Everything the workspace holds replaced by the bundle, but its user accounts, API
    tokens and audit log (entries numbered again, in their order); sessions end."""
    users, tokens, removed = _access_kept(ws, bundle)
    audit = ws.audit.list()[::-1]  # oldest first
    ws.clear()
    store_bundle(ws, bundle)
    ws.users.add_all(users)
    ws.tokens.add_all(tokens)
    for entry in audit:
        ws.audit.append(entry)
    return KeptAccess(len(users), len(tokens), len(audit), tuple(removed))


def _access_kept(ws: Workspace, bundle: Bundle) -> tuple[list[User], list[ApiToken], list[str]]:
    """The accounts and tokens to keep; those unusable already (deactivated, revoked) of a
    person the bundle does not hold are removed with the person. One in use is refused."""
    people = {p.employee_id for p in bundle.people}
    removed: list[str] = []
    in_use: list[str] = []

    def keep(what: str, item: User | ApiToken) -> bool:
        if item.person_id is None or item.person_id in people:
            return True
        if item.active:
            in_use.append(f"{what} {item.id} (person {item.person_id})")
        else:
            removed.append(f"{what} {item.id}")
        return False

    users = [u for u in ws.users.list() if keep("user", u)]
    tokens = [t for t in ws.tokens.list() if keep("token", t)]
    if in_use:
        more = f" and {len(in_use) - 10} more" if len(in_use) > 10 else ""
        raise ConflictError(
            f"{len(in_use)} account(s) or token(s) in use are linked to people the bundle "
            f"does not hold: {', '.join(in_use[:10])}{more}. Deactivate, relink or revoke "
            "them first"
        )
    return users, tokens, removed


def unpack_bundle(archive: Path, into: Path) -> Path:
    """The bundle files (``FILES``) of a zip archive, written to a folder in ``into``:
    those at its top, or in its one top folder; other entries are left out. The archive is
    read as hostile input (``iter_inputs``: entries, sizes and names checked); every
    problem is raised at once, located as ``ARCHIVE!entry``."""
    shown, errors = archive.name, ErrorList()
    found: dict[str, Path] = {}  # entry name -> where its bytes are
    inputs = iter_inputs(
        [archive],
        max_file_bytes=MAX_FILE_BYTES,
        max_files=ARCHIVE_MEMBERS,
        max_members=ARCHIVE_MEMBERS,
        max_expanded_bytes=ARCHIVE_EXPANDED_BYTES,
    )
    for item in inputs:
        entry = item.name.removeprefix(f"{archive}!") if item.name != str(archive) else ""
        where = shown + (f"!{entry}" if entry else "")
        if item.error is not None:
            errors.add(InputError(item.error, file=where))
        elif not entry:
            errors.add(InputError("is not a zip archive of a bundle folder", file=shown))
        elif entry in found:
            errors.add(InputError("is in the archive twice", file=where))
        elif entry.rsplit("/", 1)[-1] in FILES and entry.count("/") <= 1:
            found[entry] = into / f"{len(found):03d}"
            found[entry].write_bytes(item.data or b"")
    folders = sorted({entry.rpartition("/")[0] for entry in found})
    if len(folders) > 1:
        named = ", ".join(f or "(the top)" for f in folders)
        errors.add(InputError(f"holds bundle files in several folders: {named}", file=shown))
    errors.raise_if_any()
    folder = into / "bundle"
    folder.mkdir()
    for entry, path in found.items():
        path.rename(folder / entry.rsplit("/", 1)[-1])
    return folder
