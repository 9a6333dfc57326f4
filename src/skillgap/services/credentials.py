"""Credentials: import files of earned credentials into the workspace (listing and showing
them: ``credential_views``; verifying many at once: ``verifying``).

Importing is verify → read → match → store. Every input is verified first, in parallel
worker processes when there are many (each builds its own verifier from the picklable
``FetchPlan``); verification never raises for a bad badge, so one bad file cannot stop the
others. Then everything is stored in one transaction: issuers and achievements the workspace
does not hold yet, awards new or verified again. An input that is no credential at all is not
stored: it is listed, with the reason, in a reject file a person can open in a spreadsheet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from skillgap.analysis.alignment import AlignmentResolver
from skillgap.clock import Clock
from skillgap.domain import (
    Achievement,
    AlignmentStatus,
    Award,
    CompetencyRef,
    Issuer,
    IssuerTier,
    VerificationStatus,
)
from skillgap.domain.snapshots import IMPORT_CREDENTIALS
from skillgap.errors import InputError, NotFoundError
from skillgap.fetch import Fetcher
from skillgap.formats.badges.records import (
    CredentialRecord,
    Match,
    NotImported,
    RecipientIndex,
    StatusUpdate,
    presented_text,
    records_from,
)
from skillgap.formats.collect import write_errors
from skillgap.issuing.issuer_setup import KeySource
from skillgap.services.pathways import AwardRun, award_completed
from skillgap.services.snapshots import record_snapshot
from skillgap.services.verification import FetchPlan
from skillgap.services.verifying import verify_inputs
from skillgap.store import Store, Workspace

#: Called after each input is verified: how many are done, and the input's name.
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Rejected:
    name: str
    reason: str


@dataclass(frozen=True)
class ImportedAward:
    award: Award
    achievement: str  # its name
    added: bool  # False: an award the workspace held, verified again
    match: str  # how the recipient was matched, or why not


@dataclass(frozen=True)
class Suggested:
    """An alignment a reviewer should look at: the target resembles a competency's label."""

    achievement_id: str
    target: str
    competency: CompetencyRef
    label: str
    score: float


@dataclass(frozen=True)
class ImportResult:
    awards: tuple[ImportedAward, ...]
    rejects: tuple[Rejected, ...]
    rejects_file: Path | None
    new_achievements: tuple[str, ...]
    new_issuers: tuple[str, ...]
    suggestions: tuple[Suggested, ...]
    exact_alignments: int
    unmapped_alignments: int
    notes: tuple[str, ...]
    #: Pathways completed with these credentials: their credentials issued or queued.
    pathways: AwardRun | None = None

    @property
    def by_status(self) -> dict[str, int]:
        counts = Counter(
            str(a.award.verification.status) for a in self.awards if a.award.verification
        )
        return dict(sorted(counts.items()))

    @property
    def added(self) -> int:
        return sum(1 for a in self.awards if a.added)

    @property
    def updated(self) -> int:
        return len(self.awards) - self.added

    @property
    def matched(self) -> int:
        return sum(1 for a in self.awards if a.award.person_id is not None)

    @property
    def unmatched(self) -> tuple[ImportedAward, ...]:
        return tuple(a for a in self.awards if a.award.person_id is None)


def import_credentials(
    store: Store,
    paths: Sequence[Path],
    *,
    fetch_plan: FetchPlan,
    clock: Clock,
    at: datetime,
    person_id: str | None = None,
    workers: int = 2,
    on_progress: Progress | None = None,
    network: Fetcher | None = None,
    rejects_path: Path | None = None,
    source_name: Callable[[str], str] | None = None,
    pathway_keys: KeySource | None = None,
    actor: str = "credentials import",
) -> ImportResult:
    """Verify every credential under ``paths`` at ``at`` and store them in one transaction.

    ``person_id``: the credentials are that person's (a person's own backpack). A credential
    whose recipient the workspace records for someone else is rejected; one whose recipient
    cannot be checked (a DID nobody recorded) is accepted for the person, with a note.
    ``network`` replaces the HTTP fetcher (the in-memory twin); it cannot cross into worker
    processes, so with it everything runs in this process. Rejected inputs are written to
    ``rejects_path`` (default: ``<first path>.rejects.csv``). ``source_name`` turns an
    input's path into the name stored as the award's source (an upload's own file name).

    Pathways completed by what was stored are awarded at once (``pathways.award_completed``):
    automatic ones issued with ``pathway_keys`` (queued with the reason without a key),
    the others queued for a reviewer; ``actor`` names the import in the audit log.
    """
    if person_id is not None:
        with store.transaction() as ws:
            if ws.people.find(person_id) is None:
                raise NotFoundError(f"no person with employee id {person_id!r}")
    fetcher = fetch_plan.fetcher(clock, network)  # a bad --documents index fails here, once
    records: list[CredentialRecord | StatusUpdate] = []
    rejects: list[Rejected] = []
    verified = verify_inputs(paths, fetch_plan, clock, at, 0 if network else workers, fetcher)
    for done, (item, outcome) in enumerate(verified, 1):
        if isinstance(outcome, str):
            rejects.append(Rejected(item.name, outcome))
        else:
            for found in records_from(outcome, presented_text(item.data or b"")):
                if isinstance(found, NotImported):
                    rejects.append(Rejected(found.name, found.reason))
                else:
                    if source_name is not None:
                        award = replace(found.award, source=source_name(found.award.source))
                        found = replace(found, award=award)
                    records.append(found)
        if on_progress is not None:
            on_progress(done, item.name)
    with store.transaction() as ws:
        result = _Import(ws, person_id).run(records)
        if result.awards:  # the import's result, as of today (clock)
            record_snapshot(ws, clock, reason=IMPORT_CREDENTIALS)
    if result.awards:
        result = replace(result, pathways=award_completed(store, pathway_keys, clock, actor=actor))
    rejects.extend(result.rejects)
    rejects_file = None
    if rejects and paths:
        rejects_file = rejects_path or _default_rejects(paths[0])
        write_errors([InputError(r.reason, file=r.name) for r in rejects], rejects_file)
    return replace(result, rejects=tuple(rejects), rejects_file=rejects_file)


def _default_rejects(path: Path) -> Path:
    path = path.resolve()
    stem = path.name if path.is_dir() else path.stem
    return path.with_name(f"{stem or 'credentials'}.rejects.csv")


# --------------------------------------------------------------------------- storing


class _Refused(Exception):
    """Why one credential is not stored (caught in ``_Import.run``)."""


#: Issuers and achievements named only by credentials whose authenticity is in doubt live
#: under this prefix, stripped of alignments: a forged badge can be kept with its report, but
#: it never defines (or renames, or re-aligns) the issuer or achievement a genuine one names.
UNVERIFIED = "unverified:"


def _valid(award: Award) -> bool:
    report = award.verification
    return report is not None and report.status is VerificationStatus.VALID


#: Outcomes that leave the credential's authenticity in doubt (its signature, its issuer, or
#: whether it can be read at all). A genuine credential that has expired, is not yet valid,
#: was revoked or whose status list cannot be read is filed under the achievement it names.
DOUBTFUL = frozenset(
    {
        VerificationStatus.MALFORMED,
        VerificationStatus.TAMPERED,
        VerificationStatus.INVALID_SIGNATURE,
        VerificationStatus.ISSUER_MISMATCH,
        VerificationStatus.UNVERIFIABLE,
    }
)


def _authentic(award: Award) -> bool:
    report = award.verification
    return report is not None and report.status not in DOUBTFUL


def _quarantined(record: CredentialRecord) -> CredentialRecord:
    issuer = replace(record.issuer, id=UNVERIFIED + record.issuer.id, tier=IssuerTier.UNKNOWN)
    achievement = replace(
        record.achievement,
        id=UNVERIFIED + record.achievement.id,
        issuer_id=issuer.id,
        alignments=(),
        stackable_into=(),
    )
    award = replace(record.award, achievement_id=achievement.id)
    return replace(record, issuer=issuer, achievement=achievement, award=award, targets=())


class _Import:
    """Decides, record by record, what the transaction writes; writes it at the end."""

    def __init__(self, ws: Workspace, person_id: str | None) -> None:
        self.ws = ws
        self.person_id = person_id
        self.recipients = RecipientIndex(ws.people.list())
        self.resolver = AlignmentResolver(ws.frameworks.list())
        self.issuers = {i.id: i for i in ws.issuers.list()}
        self.achievements = {a.id: a for a in ws.achievements.list()}
        self.new_issuers: dict[str, Issuer] = {}
        self.new_achievements: dict[str, Achievement] = {}
        self.awards: dict[str, ImportedAward] = {}
        self.rejects: list[Rejected] = []
        self.suggestions: list[Suggested] = []
        self.notes: list[str] = []
        self.exact = self.unmapped = 0

    def run(self, records: Iterable[CredentialRecord | StatusUpdate]) -> ImportResult:
        # Valid credentials first, then other genuine ones: when copies share an id, the
        # verified one is the one kept.
        ordered = sorted(records, key=lambda r: (not _valid(r.award), not _authentic(r.award)))
        for record in ordered:
            try:
                if isinstance(record, StatusUpdate):
                    self._update(record)
                else:
                    self._take(record)
            except _Refused as exc:
                self.rejects.append(Rejected(record.award.source, str(exc)))
        ws = self.ws
        ws.issuers.add_all(self.new_issuers.values())
        ws.achievements.add_all(self.new_achievements.values())
        ws.awards.add_all(a.award for a in self.awards.values() if a.added)
        for imported in self.awards.values():
            if not imported.added:
                ws.awards.put(imported.award)
        return ImportResult(
            awards=tuple(self.awards.values()),
            rejects=tuple(self.rejects),
            rejects_file=None,
            new_achievements=tuple(self.new_achievements),
            new_issuers=tuple(self.new_issuers),
            suggestions=tuple(self.suggestions),
            exact_alignments=self.exact,
            unmapped_alignments=self.unmapped,
            notes=tuple(self.notes),
        )

    def _take(self, record: CredentialRecord) -> None:
        """Plans one record, or raises ``_Refused`` saying why it is not stored."""
        if not _authentic(record.award):
            record = _quarantined(record)
        award, issuer = record.award, record.issuer
        held = self.achievements.get(record.achievement.id)
        if held is not None and held.issuer_id != issuer.id:
            raise _Refused(
                f"achievement {held.id!r} belongs to issuer {held.issuer_id!r} in the "
                f"workspace, but this credential was issued by {issuer.id!r}"
            )
        twin = self.awards.get(award.id)
        if twin is not None:
            self.notes.append(
                f"{award.source}: a credential with the same id as {twin.award.source}; "
                "imported once"
            )
            return
        person, how = self._person(self.recipients.match(record.identities), award)
        stored = self.ws.awards.find(award.id)
        if stored is not None:
            stored_achievement = self.achievements.get(stored.achievement_id)
            stored_issuer = stored_achievement.issuer_id if stored_achievement else None
            upgrade = stored.achievement_id.startswith(UNVERIFIED) and _authentic(award)
            if not upgrade and (stored.recipient != award.recipient or stored_issuer != issuer.id):
                raise _Refused(
                    f"the workspace holds another credential with the id {award.id!r} "
                    f"(from {stored.source or 'elsewhere'}): not replaced"
                )
            if person is None and stored.person_id is not None:  # a match made before stays
                person, how = stored.person_id, f"kept from before ({how})"
        if issuer.id not in self.issuers:
            self.issuers[issuer.id] = self.new_issuers[issuer.id] = issuer
        if held is None:
            held = self._new_achievement(record)
        self.notes.extend(record.notes)
        final = replace(award, person_id=person)
        self.awards[award.id] = ImportedAward(final, held.name, stored is None, how)

    def _update(self, update: StatusUpdate) -> None:
        """A new report for a held award whose badge cannot be read now (revoked, gone)."""
        award = update.award
        stored = self.ws.awards.find(award.id)
        if award.id in self.awards or stored is None:
            raise _Refused(update.reason)
        if (stored.recipient, stored.achievement_id) != (award.recipient, award.achievement_id):
            raise _Refused(
                f"{update.reason}; the workspace holds another credential with the id "
                f"{award.id!r}: not replaced"
            )
        person, how = self._person(self.recipients.match(update.identities), award)
        if person is None and stored.person_id is not None:
            person, how = stored.person_id, f"kept from before ({how})"
        final = replace(
            stored,
            person_id=person,
            verification=award.verification,
            format=award.format,
            document=award.document or stored.document,
            source=award.source,
        )
        self.notes.extend(update.notes)
        name = self.achievements[stored.achievement_id].name
        self.awards[award.id] = ImportedAward(final, name, False, how)

    def _person(self, match: Match, award: Award) -> tuple[str | None, str]:
        """The person the award is for, and how that was decided."""
        wanted = self.person_id
        if wanted is None:
            return match.person_id, match.reason
        if wanted in match.candidates:
            return wanted, f"the person named for the import; {match.reason}"
        if match.candidates:
            named = ", ".join(match.candidates)
            raise _Refused(
                f"the credential names {named}, not {wanted} (the person named for the import)"
            )
        self.notes.append(
            f"{award.source}: accepted for {wanted} (the person named for the import) without "
            "an identity check: "
            f"{match.reason}"
        )
        return wanted, "the person named for the import (recipient not checked)"

    def _new_achievement(self, record: CredentialRecord) -> Achievement:
        resolution = self.resolver.resolve(record.targets)
        achievement = replace(record.achievement, alignments=resolution.alignments)
        self.achievements[achievement.id] = self.new_achievements[achievement.id] = achievement
        self.exact += resolution.count(AlignmentStatus.EXACT)
        self.unmapped += resolution.count(AlignmentStatus.UNMAPPED)
        self.suggestions.extend(
            Suggested(achievement.id, s.target, s.competency.ref, s.label, s.score)
            for s in resolution.suggestions
        )
        return achievement
