"""`import_credentials` end to end: real verification (OB 2.0 hosted badges served by the
in-memory fetcher, unsigned OB 3.0 credentials), real files, and every store backend."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from skillgap.analysis.context import SkillContext
from skillgap.analysis.evidence import Exclusion, assess_awards
from skillgap.clock import FixedClock
from skillgap.domain import (
    AlignmentStatus,
    CompetencyRef,
    Issuer,
    IssuerTier,
    VerificationStatus,
)
from skillgap.errors import ConflictError, NotFoundError
from skillgap.fetch import Fetcher
from skillgap.services.credential_views import list_credentials
from skillgap.services.credentials import ImportResult, import_credentials
from skillgap.services.verification import FetchPlan
from skillgap.store import Store, Workspace
from skillgap.store.memory import MemoryStore
from tests.services.badges import (
    ANN,
    AT,
    BOB,
    ESCO_PYTHON,
    FRAMEWORK,
    Academy,
    hashed,
    ob3,
    plain,
    prepare,
    python_academy,
    write,
)


def run(store: Store, paths: list[Path], network: Fetcher, **options: Any) -> ImportResult:
    return import_credentials(
        store,
        paths,
        fetch_plan=FetchPlan(),
        clock=FixedClock(AT),
        at=AT,
        network=network,
        **options,
    )


def test_hosted_badges_are_verified_matched_and_stored(store: Store, tmp_path: Path) -> None:
    prepare(store)
    academy, badge = python_academy()
    ann = write(tmp_path, "ann.json", academy.award(1, badge, hashed("ann@example.org")))
    bob = write(tmp_path, "bob.json", academy.award(2, badge, plain("Bob@Example.org")))

    result = run(store, [ann, bob], academy.fetcher)

    assert result.by_status == {"valid": 2}
    assert (result.added, result.updated, result.matched, result.unmatched) == (2, 0, 2, ())
    assert result.new_issuers == (academy.issuer_id,)
    assert result.new_achievements == (badge,)
    assert (result.exact_alignments, result.suggestions, result.rejects) == (1, (), ())
    assert result.rejects_file is None
    with store.transaction() as ws:
        first = ws.awards.get(f"{academy.host}/assertions/1")
        assert first.person_id == "E1"
        assert ws.awards.get(f"{academy.host}/assertions/2").person_id == "E2"
        assert first.format == "ob2.0-hosted"
        assert first.document == ann.read_text(encoding="utf-8")
        assert first.source == str(ann)
        assert first.verification is not None
        assert first.verification.status is VerificationStatus.VALID
        assert ws.issuers.get(academy.issuer_id).tier is IssuerTier.UNKNOWN
        achievement = ws.achievements.get(badge)
        assert achievement.name == "Python Practitioner"
        assert achievement.criteria == "Build a working tool."
        (alignment,) = achievement.alignments
        assert alignment.status is AlignmentStatus.EXACT
        assert alignment.competency == CompetencyRef("esco", "python")
        assert alignment.target_url == ESCO_PYTHON


def test_recipients_by_did_ambiguous_and_unknown(store: Store, tmp_path: Path) -> None:
    prepare(store)
    by_did = write(tmp_path, "did.json", ob3(1, {"id": "did:example:ann"}))
    both = ob3(2, {"id": "did:example:ann"})
    both["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "identityType": "emailAddress", "hashed": False,
         "identityHash": "bob@example.org"}
    ]  # fmt: skip
    ambiguous = write(tmp_path, "both.json", both)
    stranger = write(tmp_path, "stranger.json", ob3(3, {"id": "did:example:zoe"}))

    result = run(store, [by_did, ambiguous, stranger], Academy().fetcher)

    matches = {a.award.source: (a.award.person_id, a.match) for a in result.awards}
    assert matches[str(by_did)] == ("E1", "by did:example:ann")
    assert matches[str(ambiguous)][0] is None
    assert "several people (E1, E2)" in matches[str(ambiguous)][1]
    assert matches[str(stranger)] == (None, "no person in the workspace has did:example:zoe")
    # Unsigned: stored with their report, never valid evidence.
    assert result.by_status == {"malformed": 3}
    assert [r.award.id for r in list_credentials(store, unmatched=True)] == [
        "urn:uuid:00000000-0000-4000-8000-000000000002",
        "urn:uuid:00000000-0000-4000-8000-000000000003",
    ]


def test_person_option_rejects_someone_elses_and_accepts_the_unchecked(
    store: Store, tmp_path: Path
) -> None:
    prepare(store)
    academy, badge = python_academy()
    bobs = write(tmp_path, "bob.json", academy.award(1, badge, hashed("bob@example.org")))
    anns = write(tmp_path, "ann.json", academy.award(2, badge, plain("ann@example.org")))
    unknown = write(tmp_path, "did.json", ob3(3, {"id": "did:example:new-wallet"}))

    result = run(store, [bobs, anns, unknown], academy.fetcher, person_id="E1")

    assert [(r.name, r.reason) for r in result.rejects] == [
        (str(bobs), "the credential names E2, not E1 (the person named for the import)")
    ]
    assert {a.award.source: a.award.person_id for a in result.awards} == {
        str(anns): "E1",
        str(unknown): "E1",
    }
    assert any("without an identity check" in note for note in result.notes)
    with pytest.raises(NotFoundError, match="E404"):
        run(store, [anns], academy.fetcher, person_id="E404")


def test_importing_again_updates_and_keeps_the_issuer_tier(store: Store, tmp_path: Path) -> None:
    prepare(store)
    academy, badge = python_academy()
    with store.transaction() as ws:
        ws.issuers.add(Issuer(academy.issuer_id, "Academy", tier=IssuerTier.ACCREDITED))
    assertion = academy.award(1, badge, hashed("ann@example.org"))
    path = write(tmp_path, "ann.json", assertion)
    run(store, [path], academy.fetcher)
    academy.revoke(assertion)

    again = run(store, [path], academy.fetcher)

    assert (again.added, again.updated, again.new_issuers, again.new_achievements) == (
        0, 1, (), ()
    )  # fmt: skip
    assert again.by_status == {"revoked": 1}
    with store.transaction() as ws:
        assert ws.awards.count() == 1 and ws.achievements.count() == 1
        award = ws.awards.get(assertion["id"])
        assert award.verification is not None
        assert award.verification.status is VerificationStatus.REVOKED
        assert award.person_id == "E1"
        assert ws.issuers.get(academy.issuer_id).tier is IssuerTier.ACCREDITED


def test_the_same_credential_twice_in_one_import_is_stored_once(
    store: Store, tmp_path: Path
) -> None:
    prepare(store)
    academy, badge = python_academy()
    assertion = academy.award(1, badge, hashed("ann@example.org"))
    paths = [write(tmp_path, name, assertion) for name in ("a.json", "copy.json")]

    result = run(store, paths, academy.fetcher)

    assert len(result.awards) == 1
    assert result.notes == (
        f"{paths[1]}: a credential with the same id as {paths[0]}; imported once",
    )


def test_an_achievement_id_of_another_issuer_is_refused(store: Store, tmp_path: Path) -> None:
    prepare(store)
    real, badge = python_academy()
    run(store, [write(tmp_path, "ann.json", real.award(1, badge, plain("ann@example.org")))],
        real.fetcher)  # fmt: skip
    forger = Academy("https://forger.example", "Forger")
    forged = forger.award(7, badge, plain("bob@example.org"))
    forger.fetcher.documents.update(real.fetcher.documents)  # the real BadgeClass, served
    forger.fetcher.add(real.issuer_id, json.dumps(
        {"type": "Issuer", "id": forger.issuer_id, "name": "Forger"}))  # fmt: skip

    result = run(store, [write(tmp_path, "forged.json", forged)], forger.fetcher)

    # The forged badge does not verify (the issuer's own profile is fetched from its URL and
    # names someone else), so it is refused before it could claim the real achievement.
    assert result.awards == ()
    assert "names itself 'https://forger.example/issuer'" in result.rejects[0].reason
    with store.transaction() as ws:
        assert ws.achievements.get(badge).issuer_id == real.issuer_id


def test_inputs_that_are_no_credentials_go_to_a_formula_safe_reject_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(store)
    monkeypatch.chdir(tmp_path)
    academy, badge = python_academy()
    good = write(tmp_path, "good.json", academy.award(1, badge, plain("ann@example.org")))
    write(tmp_path, "=badge.json", academy.fetcher.documents[badge].body.decode())
    badge_class = Path("=badge.json")  # as typed: a name a spreadsheet would run
    garbage = write(tmp_path, "notes.txt", "just some notes")
    missing = tmp_path / "missing.json"
    rejects = tmp_path / "out" / "rejects.csv"
    rejects.parent.mkdir()

    result = run(store, [good, badge_class, garbage, missing], academy.fetcher,
                 rejects_path=rejects)  # fmt: skip

    assert len(result.awards) == 1
    assert result.rejects_file == rejects
    with rejects.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["file", "row", "field", "reason"]
    assert [row[0] for row in rows[1:]] == [f"'{badge_class}", str(garbage), str(missing)]
    assert "BadgeClass" in rows[1][3] and "not an awarded credential" in rows[1][3]


def test_the_default_reject_file_sits_beside_the_first_input(tmp_path: Path) -> None:
    store = MemoryStore()
    prepare(store)
    folder = tmp_path / "inbox"
    write(folder, "bad.json", "{not json")
    result = run(store, [folder], Academy().fetcher)
    assert result.rejects_file == tmp_path / "inbox.rejects.csv"
    assert result.rejects_file.exists()


class Boom(Exception):
    pass


class FailingStore:
    """The real store, but storing awards fails: the transaction must leave nothing."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.location, self.schema = store.location, store.schema

    @contextmanager
    def transaction(self) -> Iterator[Workspace]:
        with self.store.transaction() as ws:
            original = ws.awards.add_all

            def fail(items: Any) -> None:
                original(items)
                raise Boom("the disk is full")

            ws.awards.add_all = fail  # type: ignore[method-assign]
            yield ws

    def close(self) -> None:
        pass


def test_a_failure_while_writing_leaves_nothing(store: Store, tmp_path: Path) -> None:
    prepare(store)
    academy, badge = python_academy()
    path = write(tmp_path, "ann.json", academy.award(1, badge, plain("ann@example.org")))
    with pytest.raises(Boom):
        run(FailingStore(store), [path], academy.fetcher)  # type: ignore[arg-type]
    with store.transaction() as ws:
        assert (ws.issuers.count(), ws.achievements.count(), ws.awards.count()) == (0, 0, 0)


def test_worker_processes_verify_real_files_with_a_documents_folder(tmp_path: Path) -> None:
    academy, badge = python_academy()
    inbox = tmp_path / "inbox"
    for n in range(1, 21):
        write(inbox, f"{n:02}.json", academy.award(n, badge, hashed(f"p{n}@example.org")))
    write(inbox, "zz-broken.json", "[1, 2")
    docs = tmp_path / "docs"  # what the academy serves, as files
    index: dict[str, Any] = {}
    for n, (url, document) in enumerate(sorted(academy.fetcher.documents.items())):
        write(docs, f"{n}.json", document.body.decode())
        index[url] = {"file": f"{n}.json"}
    write(docs, "index.json", index)
    store = MemoryStore()
    prepare(store, ANN, BOB)
    seen: list[str] = []

    result = import_credentials(
        store,
        [inbox],
        fetch_plan=FetchPlan(documents=docs, offline=True),
        clock=FixedClock(AT),
        at=AT,
        workers=2,
        on_progress=lambda done, name: seen.append(name),
    )

    assert result.by_status == {"valid": 20}
    assert len(result.unmatched) == 20  # nobody has these addresses
    assert [r.name for r in result.rejects] == [str(inbox / "zz-broken.json")]
    assert seen == sorted(seen) and len(seen) == 21  # every input, in input order


def test_a_zip_backpack_and_what_does_not_verify_never_counts(store: Store, tmp_path: Path) -> None:
    prepare(store)
    academy, badge = python_academy()
    good = academy.award(1, badge, plain("ann@example.org"))
    tampered = {**academy.award(2, badge, plain("ann@example.org")), "issuedOn": "2020-01-01"}
    backpack = tmp_path / "ann.zip"
    with zipfile.ZipFile(backpack, "w") as archive:
        archive.writestr("badges/good.json", json.dumps(good))
        archive.writestr("badges/tampered.json", json.dumps(tampered))

    result = run(store, [backpack], academy.fetcher)

    assert result.by_status == {"tampered": 1, "valid": 1}
    assert {a.award.source for a in result.awards} == {
        f"{backpack}!badges/good.json",
        f"{backpack}!badges/tampered.json",
    }
    with store.transaction() as ws:
        awards = ws.awards.list()
        achievements = {a.id: a for a in ws.achievements.list()}
        issuers = {i.id: i for i in ws.issuers.list()}
    # The tampered copy is kept with its report, under a quarantined achievement with no
    # alignments: it cannot define or re-align the genuine one.
    stored = {a.id: a for a in awards}
    assert stored[tampered["id"]].achievement_id == "unverified:" + badge
    assert achievements["unverified:" + badge].alignments == ()
    assert stored[good["id"]].achievement_id == badge
    context = SkillContext.of([FRAMEWORK], [FRAMEWORK.scale])
    outcomes = assess_awards(awards, achievements, issuers, context, AT)
    reasons = {o.award.id: set(o.exclusions) for o in outcomes}
    assert Exclusion.NOT_VALID in reasons[tampered["id"]]
    assert Exclusion.NOT_VALID not in reasons[good["id"]]


def test_an_identifier_belongs_to_one_person(store: Store) -> None:
    prepare(store)
    taken = replace(BOB, identifiers=("did:example:ann",))
    twice = replace(BOB, identifiers=("did:example:b", "did:example:b"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="identifier 'did:example:ann' already belongs"):
            ws.people.put(taken)
        with pytest.raises(ConflictError, match="lists an identifier twice"):
            ws.people.add(replace(twice, employee_id="E3", emails=()))
    with store.transaction() as ws:
        ws.people.put(replace(ANN, identifiers=("did:example:ann", "https://id.example/ann")))
    with store.transaction() as ws:
        assert ws.people.get("E1").identifiers == ("did:example:ann", "https://id.example/ann")


def test_a_revoked_badge_never_imported_is_rejected(store: Store, tmp_path: Path) -> None:
    prepare(store)
    academy, badge = python_academy()
    assertion = academy.award(1, badge, plain("ann@example.org"))
    academy.revoke(assertion)
    result = run(store, [write(tmp_path, "gone.json", assertion)], academy.fetcher)
    assert result.awards == ()
    (reject,) = result.rejects
    assert reject.reason.startswith("the BadgeClass could not be read (")
    assert "410" in reject.reason


def test_a_tampered_copy_read_first_does_not_displace_the_genuine_one(
    store: Store, tmp_path: Path
) -> None:
    prepare(store)
    academy, badge = python_academy()
    genuine = academy.award(1, badge, plain("ann@example.org"))
    tampered = {**genuine, "issuedOn": "2020-01-01"}  # same id, altered
    paths = [write(tmp_path, "a-tampered.json", tampered), write(tmp_path, "b.json", genuine)]

    result = run(store, paths, academy.fetcher)

    with store.transaction() as ws:
        kept = ws.awards.get(genuine["id"])
    assert kept.verification is not None and str(kept.verification.status) == "valid"
    assert kept.achievement_id == badge
    assert any("imported once" in note for note in result.notes)
