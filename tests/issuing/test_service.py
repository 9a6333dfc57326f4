"""The issuing use cases on every backend: issue → publish → verify as an air-gapped verifier
would (``DirectoryFetcher`` over the folder ``publish`` wrote), revocation, expiry,
tampering, the VC-JWT and baked forms, did:web, and what is refused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

import pytest

from skillgap.domain import IssuerTier, VerificationStatus
from skillgap.errors import (
    ConfigError,
    ConflictError,
    NotFoundError,
    ValidationError,
    WorkspaceError,
)
from skillgap.issuing import issuance, issuer_setup, revocation
from skillgap.issuing.keystore import FileKeyStore, MemoryKeyStore
from skillgap.store import Store
from tests.issuing.builders import (
    ANN,
    AT,
    BOB,
    FOREVER,
    KEY,
    OTHER_KEY,
    PYTHON,
    SVG,
    VENDOR_CERT,
    clock,
    keys_of,
    memory_keys,
    png,
    seed,
    verify_with,
)

S = VerificationStatus


@pytest.fixture
def org(store: Store) -> Store:
    """A seeded workspace whose issuer is a did:key, with the session's key."""
    seed(store)
    issuer_setup.init_issuer(
        store, memory_keys(), name="Acme", url="https://acme.example", clock=clock()
    )
    return store


def issue(store: Store, out: Path, **options: object) -> issuance.IssueResult:
    options.setdefault("achievement_id", PYTHON.id)
    options.setdefault("person", ANN.employee_id)
    return issuance.issue(
        store,
        keys_of(memory_keys()),
        clock=clock(),
        out=out,
        **options,  # type: ignore[arg-type]
    )


def publish(store: Store, site: Path, at_days: int = 0) -> issuer_setup.PublishResult:
    return issuer_setup.publish(
        store, keys_of(memory_keys()), site, clock=clock(AT + timedelta(at_days))
    )


# --- init ----------------------------------------------------------------------------------


def test_init_makes_a_did_key_issuer_and_registers_it(store: Store) -> None:
    keys = MemoryKeyStore()
    result = issuer_setup.init_issuer(
        store, keys, name="Acme", url="https://acme.example/", clock=clock()
    )
    profile = result.profile
    assert result.key_created and keys.key is not None
    assert profile.id == f"did:key:{keys.key.public_multibase()}"
    assert profile.verification_method == f"{profile.id}#{keys.key.public_multibase()}"
    assert profile.status_list_url == "https://acme.example/credentials/status/1"
    with store.transaction() as ws:
        assert ws.issuers.get(profile.id).tier is IssuerTier.INTERNAL_BOARD
        assert issuer_setup.load_profile(ws) == profile
        assert keys.key.to_multibase() not in json.dumps(ws.meta.items())


def test_init_refuses_to_replace_an_issuer_unless_forced(org: Store) -> None:
    with pytest.raises(ConflictError, match="--force"):
        issuer_setup.init_issuer(
            org, memory_keys(), name="B", url="https://b.example", clock=clock()
        )
    result = issuer_setup.init_issuer(
        org, memory_keys(), name="B", url="https://b.example", clock=clock(), force=True
    )
    assert result.replaced and not result.key_created  # the key is reused, never replaced


def test_once_issued_the_key_did_and_status_list_cannot_change(org: Store, tmp_path: Path) -> None:
    issue(org, tmp_path / "c.json")
    with pytest.raises(ConflictError, match="cannot change any more"):
        issuer_setup.init_issuer(
            org,
            MemoryKeyStore(OTHER_KEY),
            name="A",
            url="https://acme.example",
            clock=clock(),
            force=True,
        )
    renamed = issuer_setup.init_issuer(
        org, memory_keys(), name="Acme Ltd", url="https://acme.example", clock=clock(), force=True
    )
    assert renamed.profile.name == "Acme Ltd"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"url": "ftp://acme.example"}, "--url must be an http"),
        ({"status_list_url": "http://acme.example/s"}, "must be an https:// URL"),
        ({"did_web": "acme.example:..:x"}, "--did-web"),
        ({"name": "  "}, "--name"),
    ],
)
def test_init_checks_its_input(store: Store, options: dict[str, str], message: str) -> None:
    arguments = {"name": "Acme", "url": "https://acme.example"} | options
    keys = MemoryKeyStore()
    with pytest.raises(ValidationError, match=message):
        issuer_setup.init_issuer(store, keys, clock=clock(), **arguments)  # type: ignore[arg-type]


# --- issue, publish, verify ----------------------------------------------------------------


def test_issue_then_verify_offline_is_valid(org: Store, tmp_path: Path) -> None:
    result = issue(org, tmp_path / "ann.json", evidence=["https://git.example/pr/1"])
    publish(org, tmp_path / "site")
    verified = verify_with(tmp_path / "site", tmp_path / "ann.json")
    assert verified.status is S.VALID, verified.report.checks
    assert verified.format == "ob3.0"
    assert result.issued.status_index == 0 and result.issued.format == "di"
    with org.transaction() as ws:
        award = ws.awards.get(result.issued.id)
        assert ws.issued.get(result.issued.id) == result.issued
    assert award.person_id == ANN.employee_id and award.achievement_id == PYTHON.id
    assert award.verification is not None and award.verification.status is S.VALID
    assert award.recipient == "did:example:ann"
    assert award.expires_on == AT + timedelta(days=365)
    assert award.evidence[0].url == "https://git.example/pr/1"
    assert json.loads(award.document)["id"] == result.issued.id


def test_indexes_are_allocated_in_turn(org: Store, tmp_path: Path) -> None:
    first = issue(org, tmp_path / "1.json")
    second = issue(org, tmp_path / "2.json", person="bob@example.org")
    assert (first.issued.status_index, second.issued.status_index) == (0, 1)
    assert second.issued.person_id == BOB.employee_id


def test_revoke_then_republish_is_revoked(org: Store, tmp_path: Path) -> None:
    kept, gone = issue(org, tmp_path / "kept.json"), issue(org, tmp_path / "gone.json")
    result = revocation.revoke(org, gone.issued.id, clock=clock(), reason="wrong person")
    assert result.issued.revoked and not result.already and result.published is None
    site = tmp_path / "site"
    published = publish(org, site)
    assert published.revoked == 1
    assert verify_with(site, tmp_path / "gone.json").status is S.REVOKED
    assert verify_with(site, tmp_path / "kept.json").status is S.VALID
    with org.transaction() as ws:
        award = ws.awards.get(gone.issued.id)
        assert ws.issued.get(kept.issued.id).state(AT) == "active"
    assert award.verification is not None and award.verification.status is S.REVOKED
    assert "wrong person" in award.verification.checks[-1].message
    again = revocation.revoke(org, gone.issued.id.removeprefix("urn:uuid:"), clock=clock())
    assert again.already


def test_revoke_can_publish_at_once(org: Store, tmp_path: Path) -> None:
    gone = issue(org, tmp_path / "gone.json")
    result = revocation.revoke(
        org, gone.issued.id, clock=clock(), keys=keys_of(memory_keys()), out=tmp_path / "site"
    )
    assert result.published is not None
    assert verify_with(tmp_path / "site", tmp_path / "gone.json").status is S.REVOKED


def test_after_valid_until_it_is_expired(org: Store, tmp_path: Path) -> None:
    issue(org, tmp_path / "c.json")
    publish(org, tmp_path / "site")
    later = AT + timedelta(days=366)
    assert verify_with(tmp_path / "site", tmp_path / "c.json", later).status is S.EXPIRED


def test_a_stale_status_list_stops_vouching(org: Store, tmp_path: Path) -> None:
    issue(org, tmp_path / "c.json")
    publish(org, tmp_path / "site")
    later = AT + timedelta(days=31)  # the list published 31 days ago is past its validUntil
    verified = verify_with(tmp_path / "site", tmp_path / "c.json", later)
    assert verified.status is S.STATUS_UNVERIFIABLE
    publish(org, tmp_path / "site", at_days=31)
    assert verify_with(tmp_path / "site", tmp_path / "c.json", later).status is S.VALID


def test_a_tampered_credential_has_an_invalid_signature(org: Store, tmp_path: Path) -> None:
    issue(org, tmp_path / "c.json")
    publish(org, tmp_path / "site")
    document = json.loads((tmp_path / "c.json").read_text())
    document["credentialSubject"]["achievement"]["name"] = "Python Grandmaster"
    (tmp_path / "c.json").write_text(json.dumps(document))
    assert verify_with(tmp_path / "site", tmp_path / "c.json").status is S.INVALID_SIGNATURE


def test_the_vc_jwt_form_verifies(org: Store, tmp_path: Path) -> None:
    result = issue(org, tmp_path / "c.jwt", format="jwt")
    publish(org, tmp_path / "site")
    token = (tmp_path / "c.jwt").read_text().strip()
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    with org.transaction() as ws:
        method = issuer_setup.load_profile(ws).verification_method
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": method}
    verified = verify_with(tmp_path / "site", tmp_path / "c.jwt")
    assert verified.status is S.VALID and verified.format == "ob3.0-jwt"
    assert result.issued.format == "jwt" and result.award.format == "ob3.0-jwt"


@pytest.mark.parametrize(("bake", "image"), [("png", png()), ("svg", SVG)])
def test_baked_images_verify(org: Store, tmp_path: Path, bake: str, image: bytes) -> None:
    out = tmp_path / f"badge.{bake}"
    issue(org, out, bake=bake, image=image)
    publish(org, tmp_path / "site")
    verified = verify_with(tmp_path / "site", out)
    assert verified.status is S.VALID and verified.container == bake


def test_a_did_web_issuer_verifies_with_its_published_did_document(
    store: Store, tmp_path: Path
) -> None:
    seed(store)
    profile = issuer_setup.init_issuer(
        store,
        memory_keys(),
        name="Acme",
        url="https://acme.example",
        did_web="acme.example:issuer",
        clock=clock(),
    ).profile
    assert profile.status_list_url == "https://acme.example/issuer/credentials/status/1"
    issue(store, tmp_path / "c.json")
    site = tmp_path / "site"
    published = publish(store, site)
    index = json.loads((site / "index.json").read_text())
    assert index["did:web:acme.example:issuer"]["file"] == "did.json"
    assert {d.host_at for d in published.documents} >= {"https://acme.example/issuer/did.json"}
    verified = verify_with(site, tmp_path / "c.json")
    assert verified.status is S.VALID
    assert any(
        "assertionMethod of did:web:acme.example:issuer" in c.message
        for c in verified.report.checks
    )
    (site / "did.json").unlink()  # without its DID document, nothing can check the key
    (site / "index.json").write_text(
        json.dumps({k: v for k, v in index.items() if k != profile.id})
    )
    assert verify_with(site, tmp_path / "c.json").status is not S.VALID


# --- refusals ------------------------------------------------------------------------------


def test_a_missing_key_is_a_clear_error_and_issues_nothing(org: Store, tmp_path: Path) -> None:
    missing = FileKeyStore(tmp_path / "gone.json")
    with pytest.raises(ConfigError, match="does not exist: run `skillgap issuer init`"):
        issuance.issue(
            org,
            keys_of(missing),
            achievement_id=PYTHON.id,
            person=ANN.employee_id,
            clock=clock(),
            out=tmp_path / "c.json",
        )
    assert not (tmp_path / "c.json").exists()
    with org.transaction() as ws:
        assert ws.issued.count() == 0 and ws.awards.count() == 0


def test_another_key_is_refused(org: Store, tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="not the key of the issuer"):
        issuance.issue(
            org,
            keys_of(MemoryKeyStore(OTHER_KEY)),
            achievement_id=PYTHON.id,
            person=ANN.employee_id,
            clock=clock(),
            out=tmp_path / "c.json",
        )


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"achievement_id": VENDOR_CERT.id}, ValidationError, "issues only its own"),
        ({"person": "E3"}, ValidationError, "neither a DID nor an e-mail"),
        ({"person": "E404"}, NotFoundError, "no person"),
        ({"achievement_id": "nope"}, NotFoundError, "nope"),
        ({"evidence": ["javascript:alert(1)"]}, ValidationError, "--evidence"),
        ({"bake": "png"}, ValidationError, "--bake and --image"),
    ],
)
def test_what_cannot_be_issued_records_nothing(
    org: Store, tmp_path: Path, options: dict[str, object], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        issue(org, tmp_path / "c.json", **options)
    with org.transaction() as ws:
        assert ws.issued.count() == 0


def test_an_existing_file_is_not_overwritten(org: Store, tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text("mine")
    with pytest.raises(ConflictError, match="exists already"):
        issue(org, tmp_path / "c.json")
    assert (tmp_path / "c.json").read_text() == "mine"


def test_a_failed_write_records_nothing(org: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot write"):
        issue(org, tmp_path / "no" / "such" / "dir.json")
    with org.transaction() as ws:
        assert ws.issued.count() == 0 and ws.awards.count() == 0


def test_the_default_file_name_is_achievement_and_person(
    org: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = issuance.issue(
        org, keys_of(memory_keys()), achievement_id=FOREVER.id, person="E2", clock=clock()
    )
    assert result.out == Path("mentor-E2.json") and (tmp_path / "mentor-E2.json").is_file()


def test_list_issued_tells_active_expired_and_revoked(org: Store, tmp_path: Path) -> None:
    active = issue(org, tmp_path / "a.json", achievement_id=FOREVER.id)
    expiring = issue(org, tmp_path / "b.json")
    revoked = issue(org, tmp_path / "c.json")
    revocation.revoke(org, revoked.issued.id, clock=clock())
    rows = revocation.list_issued(org, at=AT + timedelta(days=400))
    states = {row.issued.id: row.state for row in rows}
    assert states == {
        active.issued.id: "active",
        expiring.issued.id: "expired",
        revoked.issued.id: "revoked",
    }
    assert {row.person for row in rows} == {"Ann"}


def test_an_unknown_credential_cannot_be_revoked(org: Store) -> None:
    with pytest.raises(NotFoundError, match="no issued credential"):
        revocation.revoke(org, "urn:uuid:nope", clock=clock())


def test_publishing_needs_an_issuer(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="issuer init"):
        issuer_setup.publish(store, keys_of(MemoryKeyStore(KEY)), tmp_path, clock=clock())


def test_the_verifier_is_the_real_one(org: Store, tmp_path: Path) -> None:
    """The report stored with the award is the one a verifier gives for the file."""
    result = issue(org, tmp_path / "c.json")
    publish(org, tmp_path / "site")
    again = verify_with(tmp_path / "site", tmp_path / "c.json")
    assert result.award.verification is not None
    assert [c.name for c in result.award.verification.checks] == [
        c.name for c in again.report.checks
    ]
