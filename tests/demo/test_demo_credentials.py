"""The demo's signed credentials (``skillgap.demo.credentials``): each one verifies as its
award says it should as of the snapshot date, names the right person, aligns as the bundle
does, and the same bundle always gives the same bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillgap.analysis.alignment import AlignmentResolver
from skillgap.analysis.evidence import Exclusion
from skillgap.analysis.inventory import View
from skillgap.clock import FixedClock
from skillgap.demo.credentials import DemoCredentials, demo_credentials, demo_key
from skillgap.domain import AlignmentStatus, VerificationStatus
from skillgap.domain.snapshots import DEMO
from skillgap.formats.badges.records import CredentialRecord, records_from
from skillgap.formats.bundle import Bundle
from skillgap.services.bundles import (
    DemoImport,
    demo_folder,
    import_demo_credentials,
    load_bundle,
    run_demo,
)
from skillgap.store import Store
from skillgap.store.memory import MemoryStore
from skillgap.trust.result import Verified
from skillgap.trust.schema import schema_errors
from skillgap.trust.verifier import Verifier

SNAPSHOT = date(2026, 11, 1)
AT = datetime.combine(SNAPSHOT, time.max, tzinfo=UTC)  # as the demo verifies them
CLOCK = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))


@pytest.fixture(scope="module")
def made(demo_bundle: Bundle) -> DemoCredentials:
    return demo_credentials(demo_bundle)


@pytest.fixture(scope="module")
def verified(made: DemoCredentials) -> dict[str, Verified]:
    verifier = Verifier(made.fetcher(), AT)
    return {
        c.award_id: verifier.verify_bytes(c.file_name, c.text.encode("utf-8"))
        for c in made.credentials
    }


@pytest.fixture(scope="module")
def imported(demo_bundle: Bundle) -> tuple[DemoImport, Bundle]:
    return import_demo_credentials(demo_bundle, CLOCK)


def test_the_bundle_is_as_the_demo_expects(demo_bundle: Bundle) -> None:
    assert demo_bundle.snapshot_date == SNAPSHOT and len(demo_bundle.awards) == 193


def test_every_award_is_a_signed_open_badges_3_credential(
    demo_bundle: Bundle, made: DemoCredentials
) -> None:
    assert [c.award_id for c in made.credentials] == [a.id for a in demo_bundle.awards]
    for credential in made.credentials:
        document = json.loads(credential.text)
        assert document["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert document["id"] == credential.credential_id == f"urn:example:{credential.award_id}"
        assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        # the unsigned credential, as `skillgap issue` and the verifier check it (the formal
        # schema's proof shape predates Data Integrity proofs)
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        assert schema_errors(unsigned, "AchievementCredential") == []


def test_each_credential_verifies_valid_or_expired_as_of_the_snapshot_date(
    demo_bundle: Bundle, verified: dict[str, Verified]
) -> None:
    for award in demo_bundle.awards:
        expired = award.expires_on is not None and award.expires_on <= AT
        want = VerificationStatus.EXPIRED if expired else VerificationStatus.VALID
        result = verified[award.id]
        assert result.status is want, (award.id, result.report.checks)
        assert result.format == "ob3.0"
    statuses = [r.status for r in verified.values()]
    assert statuses.count(VerificationStatus.EXPIRED) == 2  # A0025 and A0068
    # an expired one failed on its date alone: its signature and issuer key are fine
    expired = verified["A0068"].report
    assert [c.name for c in expired.checks if c.status.value == "fail"] == ["expiry"]


def test_the_issuer_is_the_bundle_s_and_signs_with_its_demo_key(
    demo_bundle: Bundle, made: DemoCredentials
) -> None:
    issuer_of = {a.id: a.issuer_id for a in demo_bundle.achievements}
    by_award = {a.id: a for a in demo_bundle.awards}
    for credential in made.credentials:
        document = json.loads(credential.text)
        issuer_id = issuer_of[by_award[credential.award_id].achievement_id]
        assert document["issuer"]["id"] == issuer_id
        method = document["proof"]["verificationMethod"]
        key = demo_key(issuer_id).public_multibase()
        assert method == f"did:key:{key}#{key}"
        profile = json.loads(made.profiles[issuer_id])
        assert profile["id"] == issuer_id and profile["assertionMethod"] == [method]


def test_the_demo_key_is_derived_from_the_issuer_id_as_documented() -> None:
    issuer = "https://badges.nimbusridge.example/issuer"
    seed = hashlib.sha256(b"skillgap-demo:" + issuer.encode()).digest()
    expected = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    assert demo_key(issuer).public_key.raw_ed25519() == expected.public_bytes_raw()
    other = demo_key("https://globalcerthub.example/issuer")
    assert other.public_multibase() != demo_key(issuer).public_multibase()


def test_the_credential_says_what_the_award_says(
    demo_bundle: Bundle, made: DemoCredentials
) -> None:
    by_award = {a.id: a for a in demo_bundle.awards}
    for credential in made.credentials:
        award = by_award[credential.award_id]
        document = json.loads(credential.text)
        assert document["validFrom"] == award.issued_on.strftime("%Y-%m-%dT%H:%M:%SZ")
        until = award.expires_on.strftime("%Y-%m-%dT%H:%M:%SZ") if award.expires_on else None
        assert document.get("validUntil") == until
        subject = document["credentialSubject"]
        assert subject["achievement"]["id"] == award.achievement_id
        [identity] = subject["identifier"]
        digest = hashlib.sha256((award.recipient + identity["salt"]).encode()).hexdigest()
        assert identity == {
            "type": "IdentityObject",
            "identityHash": f"sha256${digest}",
            "identityType": "emailAddress",
            "hashed": True,
            "salt": identity["salt"],
        }
        assert award.recipient not in credential.text  # only the hash is published


def test_recipients_match_the_bundle_s_people(
    demo_bundle: Bundle, imported: tuple[DemoImport, Bundle]
) -> None:
    result, stored = imported
    person_of = {f"urn:example:{a.id}": a.person_id for a in demo_bundle.awards}
    assert {a.id: a.person_id for a in stored.awards} == person_of
    # by the hashed e-mail address, except those made out to a personal address, which come
    # in with the holder's own backpack (--person)
    assert all(a.match.startswith("by emailAddress") for a in result.organisation.awards)
    backpacks = {a.award.id: a.award.person_id for r in result.backpacks for a in r.awards}
    assert backpacks == {
        "urn:example:A0025": "E1040",
        "urn:example:A0026": "E1021",
        "urn:example:A0072": "E1019",
        "urn:example:A0077": "E1031",
        "urn:example:A0104": "E1011",
        "urn:example:A0120": "E1037",
    }
    assert (result.credentials, result.from_backpacks) == (193, 6)
    assert result.by_status == {"expired": 2, "valid": 191}
    assert all(not r.rejects for r in result.results)


def test_the_import_keeps_the_bundle_s_issuers_and_achievements(
    demo_bundle: Bundle, imported: tuple[DemoImport, Bundle]
) -> None:
    _, stored = imported
    held = {i.id: i for i in stored.issuers}
    assert all(held[i.id] == i for i in demo_bundle.issuers)  # tiers as the bundle sets them
    achievements = {a.id: a for a in stored.achievements}
    assert all(achievements[a.id] == a for a in demo_bundle.achievements)
    # genuine credentials that had expired by the snapshot date are filed under the
    # achievement they name (only doubtful ones are quarantined), with their report
    expired = {a.id: a for a in stored.awards if str(a.verification.status) == "expired"}
    assert set(expired) == {"urn:example:A0025", "urn:example:A0068"}
    assert not any(a.achievement_id.startswith("unverified:") for a in stored.awards)
    assert all(a.document and a.source.startswith("demo credential ") for a in stored.awards)


def _record(verified: Verified, text: str) -> CredentialRecord:
    """What the import reads from a verified credential (its alignment targets among it)."""
    [record] = records_from(verified, text)
    assert isinstance(record, CredentialRecord)
    return record


def test_alignments_resolve_as_the_bundle_has_them(
    demo_bundle: Bundle, made: DemoCredentials, verified: dict[str, Verified]
) -> None:
    """Exact alignments name the competency (URI, code, framework): exact on import. The
    others name a skill on the issuer's own site: at best a suggestion by label, which is
    what a reviewer confirmed (``confirmed``) or has not yet (``suggested``)."""
    resolver = AlignmentResolver([demo_bundle.framework])
    by_award = {a.id: a for a in demo_bundle.awards}
    achievements = {a.id: a for a in demo_bundle.achievements}
    seen: set[str] = set()
    exact = 0
    for credential in made.credentials:
        achievement = achievements[by_award[credential.award_id].achievement_id]
        if achievement.id in seen:
            continue
        seen.add(achievement.id)
        record = _record(verified[credential.award_id], credential.text)
        resolved = resolver.resolve(record.targets).alignments
        assert len(resolved) == len(achievement.alignments), achievement.id
        for want, got in zip(achievement.alignments, resolved, strict=True):
            expected: dict[AlignmentStatus, Any] = {
                AlignmentStatus.EXACT: (AlignmentStatus.EXACT, want.competency),
                AlignmentStatus.CONFIRMED: (AlignmentStatus.SUGGESTED, want.competency),
                AlignmentStatus.SUGGESTED: (AlignmentStatus.SUGGESTED, want.competency),
                AlignmentStatus.UNMAPPED: (AlignmentStatus.UNMAPPED, None),
            }
            assert (got.status, got.competency) == expected[want.status], (achievement.id, want)
            exact += want.status is AlignmentStatus.EXACT
    assert seen == {a.achievement_id for a in demo_bundle.awards} and exact > 50


def test_the_same_bundle_gives_the_same_bytes(
    demo_bundle: Bundle, made: DemoCredentials, tmp_path: Path
) -> None:
    again = demo_credentials(demo_bundle)
    assert again == made
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    written = [made.write(first), again.write(second)]
    assert [(p.name, person) for p, person in written[0]] == [
        (p.name, person) for p, person in written[1]
    ]
    for (one, _), (two, _) in zip(*written, strict=True):
        files = sorted(f.name for f in one.iterdir())
        assert files == sorted(f.name for f in two.iterdir())
        assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)


def test_load_still_stores_a_bundle_s_awards_as_records(demo_bundle: Bundle) -> None:
    """Only the demo turns its awards into credentials: `skillgap load` keeps the rows."""
    store = MemoryStore()

    @contextmanager
    def open_workspace(create: bool) -> Iterator[Store]:
        yield store

    load_bundle(demo_folder(), open_workspace, lambda location: True)
    with store.transaction() as ws:
        awards = ws.awards.list()
    assert [a.id for a in awards] == [a.id for a in demo_bundle.awards]
    assert all(a.verification is None and not a.document for a in awards)


def test_the_demo_imports_and_reports_its_credentials() -> None:
    store = MemoryStore()

    @contextmanager
    def open_workspace(create: bool) -> Iterator[Store]:
        yield store

    done = run_demo(open_workspace, CLOCK, lambda location: True, view=View.VERIFIED)
    assert (done.imported.credentials, done.imported.by_status) == (
        193,
        {"expired": 2, "valid": 191},
    )
    assert done.imported.at == AT
    with store.transaction() as ws:
        awards = ws.awards.list()
        [snapshot] = ws.snapshots.list()  # the demo's own: the imports record none
    assert all(a.verification is not None and a.format == "ob3.0" for a in awards)
    assert snapshot.reason == DEMO
    tally = done.summary.credentials
    assert (tally.total, tally.counted, tally.excluded[Exclusion.EXPIRED]) == (193, 133, 23)
