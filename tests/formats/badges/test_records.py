"""Verified credentials → issuer, achievement and award records; recipients → people.

The ``Verified`` values are built here as the verifier returns them (the documents it read,
its report), so each standard's fields are tested without signature machinery."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest

from skillgap.domain import (
    AlignmentStatus,
    Check,
    CheckStatus,
    Evidence,
    Person,
    VerificationReport,
    VerificationStatus,
)
from skillgap.domain.credentials import MAX_DOCUMENT_CHARS
from skillgap.formats.badges import bake_png
from skillgap.formats.badges.records import (
    AlignmentTarget,
    CredentialRecord,
    NotImported,
    RecipientIndex,
    StatusUpdate,
    presented_text,
    records_from,
)
from skillgap.trust.recipients import Identity
from skillgap.trust.result import Verified

AT = datetime(2025, 6, 1, tzinfo=UTC)
VALID = VerificationReport(VerificationStatus.VALID, AT, "ob2.0-hosted")
H = "https://badges.example.org"
ISSUER = {"type": "Issuer", "id": f"{H}/issuer", "name": "Example Academy", "url": H,
          "email": "badges@example.org"}  # fmt: skip
BADGE = {
    "type": "BadgeClass",
    "id": f"{H}/badges/python",
    "name": "Python Practitioner",
    "description": "Writes working Python.",
    "criteria": {"id": f"{H}/criteria", "narrative": "Build a tool."},
    "issuer": ISSUER["id"],
    "alignment": [
        {"targetName": "Python", "targetUrl": "http://data.europa.eu/esco/skill/python",
         "targetDescription": "Programming in Python", "targetFramework": "ESCO",
         "targetCode": "S1.2"},
        {"targetName": "Testing"},
    ],
}  # fmt: skip
ASSERTION = {
    "type": "Assertion",
    "id": f"{H}/assertions/1",
    "recipient": {"type": "email", "hashed": False, "identity": "ann@example.org"},
    "badge": BADGE["id"],
    "verification": {"type": "hosted"},
    "issuedOn": "2025-03-01T10:00:00+02:00",
    "expires": "2027-03-01",
    "evidence": [
        "https://github.com/ann/tool",
        {"id": f"{H}/evidence/1", "name": "Project", "narrative": "Built a CLI."},
    ],
}


def ob2(
    assertion: dict[str, Any] = ASSERTION,
    badge: Any = BADGE,
    issuer: Any = ISSUER,
    report: VerificationReport = VALID,
) -> Verified:
    identity = Identity("email", "ann@example.org")
    return Verified(
        "ann.json", "ob2.0-hosted", report, identities=(identity,), document=assertion,
        related={"badge": badge, "issuer": issuer},
    )  # fmt: skip


def one(verified: Verified, text: str = "{}") -> CredentialRecord:
    (found,) = records_from(verified, text)
    assert isinstance(found, CredentialRecord), found
    return found


def reason(verified: Verified, text: str = "{}") -> str:
    (found,) = records_from(verified, text)
    assert isinstance(found, NotImported), found
    return found.reason


# --------------------------------------------------------------------------- Open Badges 2.0


def test_an_ob2_assertion_with_its_badge_class_and_issuer() -> None:
    record = one(ob2(), text='{"id": "..."}')
    assert record.issuer.id == ISSUER["id"]
    assert (record.issuer.name, record.issuer.url, record.issuer.email) == (
        "Example Academy", H, "badges@example.org"
    )  # fmt: skip
    achievement = record.achievement
    assert (achievement.id, achievement.name, achievement.issuer_id) == (
        BADGE["id"], "Python Practitioner", ISSUER["id"]
    )  # fmt: skip
    assert (achievement.description, achievement.criteria) == (
        "Writes working Python.",
        "Build a tool.",
    )
    assert achievement.achievement_type == "Badge"
    assert record.targets == (
        AlignmentTarget("Python", "http://data.europa.eu/esco/skill/python", "S1.2", "ESCO",
                        "Programming in Python"),
        AlignmentTarget("Testing"),
    )  # fmt: skip
    assert [a.status for a in achievement.alignments] == [AlignmentStatus.UNMAPPED] * 2
    award = record.award
    assert (award.id, award.achievement_id, award.recipient) == (
        ASSERTION["id"], BADGE["id"], "ann@example.org"
    )  # fmt: skip
    assert award.issued_on == datetime(2025, 3, 1, 8, tzinfo=UTC)
    assert award.expires_on == datetime(2027, 3, 1, tzinfo=UTC)
    assert award.evidence == (
        Evidence(url="https://github.com/ann/tool"),
        Evidence("Project", f"{H}/evidence/1", "Built a CLI."),
    )
    assert (award.verification, award.format, award.source) == (VALID, "ob2.0-hosted", "ann.json")
    assert award.document == '{"id": "..."}' and award.person_id is None


def test_ob2_criteria_as_a_url_and_a_single_alignment_object() -> None:
    badge = {**BADGE, "criteria": f"{H}/criteria", "alignment": {"targetName": "Python"}}
    record = one(ob2(badge=badge))
    assert record.achievement.criteria == f"{H}/criteria"
    assert record.targets == (AlignmentTarget("Python"),)


def test_an_embedded_badge_and_issuer_are_read_from_the_assertion() -> None:
    assertion = {**ASSERTION, "badge": {**BADGE, "issuer": ISSUER}}
    record = one(ob2(assertion, badge=None, issuer=None))
    assert (record.achievement.id, record.issuer.id) == (BADGE["id"], ISSUER["id"])


def test_an_assertion_without_an_id_gets_its_fingerprint() -> None:
    assertion = {k: v for k, v in ASSERTION.items() if k != "id"}
    first, second = one(ob2(assertion)), one(ob2(dict(reversed(assertion.items()))))
    assert first.award.id.startswith("sha256:") and len(first.award.id) == 7 + 64
    assert first.award.id == second.award.id  # the same credential, however it is laid out


def test_a_badge_that_cannot_be_read_now_can_only_update_a_held_award() -> None:
    failed = VerificationReport(
        VerificationStatus.REVOKED, AT, "ob2.0-hosted",
        (Check("hosted-assertion", CheckStatus.FAIL, "answered 410 Gone: revoked"),),
    )  # fmt: skip
    (found,) = records_from(ob2(badge=None, issuer=None, report=failed), "{}")
    assert isinstance(found, StatusUpdate)
    assert found.reason == "the BadgeClass could not be read (answered 410 Gone: revoked)"
    assert (found.award.achievement_id, found.award.verification) == (BADGE["id"], failed)


def test_an_issuer_profile_that_cannot_be_read_is_a_status_update() -> None:
    (found,) = records_from(ob2(issuer=None, badge={**BADGE, "issuer": ISSUER["id"]}), "{}")
    assert isinstance(found, StatusUpdate)
    assert found.reason.startswith("the issuer profile could not be read")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"badge": {**BADGE, "id": " "}}, "the BadgeClass has no id"),
        ({"badge": {**BADGE, "name": None}}, f"the BadgeClass {BADGE['id']} has no name"),
        ({"issuer": {"name": "No id"}}, "the issuer profile has no id"),
    ],
)
def test_a_badge_class_or_issuer_without_what_is_needed(
    change: dict[str, Any], expected: str
) -> None:
    assert reason(ob2(**change)) == expected


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"issuedOn": None}, "the credential has no issue date (issuedOn / validFrom"),
        ({"issuedOn": "yesterday"}, "issuedOn: 'yesterday' is not an ISO 8601 date-time"),
        ({"expires": "2020-01-01"}, "expires before it was issued"),
    ],
)
def test_dates_that_do_not_make_an_award(dates: dict[str, Any], expected: str) -> None:
    assertion = {k: v for k, v in {**ASSERTION, **dates}.items() if v is not None}
    assert expected in reason(ob2(assertion))


def test_a_credential_text_too_long_to_keep_is_dropped_with_a_note() -> None:
    record = one(ob2(), text="x" * (MAX_DOCUMENT_CHARS + 1))
    assert record.award.document == ""
    assert record.notes == ("ann.json: the credential text is too long to keep with the award",)


def test_what_is_no_credential_is_not_imported_with_the_verifier_reason() -> None:
    report = VerificationReport(
        VerificationStatus.MALFORMED, AT, "BadgeClass",
        (Check("format", CheckStatus.FAIL, "this is an Open Badges BadgeClass"),),
    )  # fmt: skip
    assert reason(Verified("b.json", "BadgeClass", report)) == "this is an Open Badges BadgeClass"
    silent = VerificationReport(VerificationStatus.MALFORMED, AT, "json")
    assert reason(Verified("x.json", "json", silent)) == "not a credential"


# --------------------------------------------------------------------------- Open Badges 3.0

ACHIEVEMENT = {
    "id": "https://example.org/achievements/teamwork",
    "type": ["Achievement"],
    "achievementType": "Competency",
    "name": "Teamwork",
    "description": "Works well in a team.",
    "criteria": {"narrative": "Worked in a team for a term."},
    "alignment": [
        {"type": ["Alignment"], "targetName": "work in teams", "targetCode": "T1",
         "targetFramework": "ESCO", "targetType": "ceasn:Competency",
         "targetUrl": "http://data.europa.eu/esco/skill/t1"}
    ],
}  # fmt: skip
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example Institute",
               "url": "https://institute.example"},
    "validFrom": "2024-09-01T00:00:00Z",
    "validUntil": "2029-09-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:ann", "achievement": ACHIEVEMENT},
    "evidence": [{"id": "https://example.org/e/1", "type": ["Evidence"], "name": "Log"}],
}  # fmt: skip


def vc(document: dict[str, Any], format: str = "ob3.0", **extra: Any) -> Verified:
    report = VerificationReport(VerificationStatus.VALID, AT, format)
    return Verified("c.json", format, report, identities=(Identity("did", "did:example:ann"),),
                    document=document, **extra)  # fmt: skip


def test_an_ob3_credential() -> None:
    record = one(vc(CREDENTIAL))
    assert (record.issuer.id, record.issuer.name, record.issuer.url) == (
        "did:example:issuer", "Example Institute", "https://institute.example"
    )  # fmt: skip
    achievement = record.achievement
    assert (achievement.id, achievement.achievement_type, achievement.criteria) == (
        ACHIEVEMENT["id"], "Competency", "Worked in a team for a term."
    )  # fmt: skip
    assert record.targets == (
        AlignmentTarget("work in teams", "http://data.europa.eu/esco/skill/t1", "T1", "ESCO",
                        type="ceasn:Competency"),
    )  # fmt: skip
    award = record.award
    assert (award.id, award.recipient, award.format) == (
        CREDENTIAL["id"],
        "did:example:ann",
        "ob3.0",
    )
    assert (award.issued_on, award.expires_on) == (
        datetime(2024, 9, 1, tzinfo=UTC), datetime(2029, 9, 1, tzinfo=UTC)
    )  # fmt: skip
    assert award.evidence == (Evidence("Log", "https://example.org/e/1"),)
    assert record.identities == (Identity("did", "did:example:ann"),)


def test_an_ob3_issuer_given_as_a_string_and_vc1_dates() -> None:
    document = {k: v for k, v in CREDENTIAL.items() if k not in ("validFrom", "validUntil")}
    document |= {"issuer": "did:example:issuer", "issuanceDate": "2023-01-01T00:00:00Z",
                 "expirationDate": "2024-01-01T00:00:00Z"}  # fmt: skip
    record = one(vc(document))
    assert (record.issuer.id, record.issuer.name) == ("did:example:issuer", "did:example:issuer")
    assert record.award.issued_on.year == 2023 and record.award.expires_on is not None


def jwt(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'EdDSA', 'kid': 'did:example:issuer#0'})}.{part(payload)}.c2ln"


def test_a_vc11_jwt_gives_id_issuer_and_dates_by_its_claims() -> None:
    inner = {
        k: v for k, v in CREDENTIAL.items() if k not in ("id", "issuer", "validFrom", "validUntil")
    }
    token = jwt({"vc": inner, "jti": "urn:uuid:1", "iss": "did:example:issuer", "nbf": 1700000000,
                 "exp": 1800000000})  # fmt: skip
    record = one(vc(inner, "ob3.0-jwt"), token)
    assert (record.award.id, record.issuer.id) == ("urn:uuid:1", "did:example:issuer")
    assert record.award.issued_on == datetime.fromtimestamp(1700000000, UTC)
    assert record.award.expires_on == datetime.fromtimestamp(1800000000, UTC)
    assert record.award.document == token


def test_a_vc_without_an_achievement_is_not_imported() -> None:
    endorsement = {**CREDENTIAL, "credentialSubject": {"id": "did:example:org"}}
    assert "names no achievement" in reason(vc(endorsement, "ob3.0-endorsement"))
    assert (
        reason(vc({**CREDENTIAL, "issuer": {"name": "x"}})) == "the credential names no issuer id"
    )
    no_id = {**CREDENTIAL, "credentialSubject": {"achievement": {**ACHIEVEMENT, "id": None}}}
    assert reason(vc(no_id)) == "the achievement has no id"


def test_a_clr_gives_one_record_per_credential_inside() -> None:
    second = {**CREDENTIAL, "id": "urn:uuid:2"}
    token = jwt(second)
    clr = {
        "type": ["VerifiableCredential", "ClrCredential"],
        "credentialSubject": {"verifiableCredential": [CREDENTIAL, token]},
    }
    parts = (vc(CREDENTIAL), vc(second, "ob3.0-jwt"))
    found = records_from(vc(clr, "clr2.0", parts=parts), "{...}")
    assert [f.award.id for f in found if isinstance(f, CredentialRecord)] == [
        CREDENTIAL["id"], "urn:uuid:2"
    ]  # fmt: skip
    first, last = found
    assert isinstance(first, CredentialRecord) and isinstance(last, CredentialRecord)
    assert json.loads(first.award.document) == CREDENTIAL
    assert last.award.document == token
    empty = VerificationReport(VerificationStatus.MALFORMED, AT, "clr2.0")
    (nothing,) = records_from(Verified("t.json", "clr2.0", empty, document=clr), "{}")
    assert isinstance(nothing, NotImported) and "CLR" in nothing.reason


# --------------------------------------------------------------------------- presented text


def test_the_text_of_a_baked_image_is_its_payload() -> None:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    image = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
             + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))  # fmt: skip
    payload = json.dumps(CREDENTIAL)
    assert presented_text(bake_png(image, payload)) == payload
    assert presented_text(b'\xef\xbb\xbf  {"a": 1}\n') == '{"a": 1}'
    assert presented_text(b"\xff\xfe not text") == ""


# --------------------------------------------------------------------------- recipients

ANN = Person("E1", "Ann", emails=("ann@example.org",), identifiers=("did:example:ann",))
BOB = Person("E2", "Bob", emails=("bob@example.org", "b@example.org"),
             identifiers=("https://id.example/bob",))  # fmt: skip
INDEX = RecipientIndex([ANN, BOB])


def salted(value: str, salt: str, kind: str = "email") -> Identity:
    return Identity(
        kind, "sha256$" + hashlib.sha256((value + salt).encode()).hexdigest(), True, salt
    )


def test_a_hashed_email_with_its_salt() -> None:
    match = INDEX.match([salted("b@example.org", "NaCl")])
    assert (match.person_id, match.candidates) == ("E2", ("E2",))
    assert match.reason.startswith("by email (hashed) sha256$")
    wrong_salt = Identity("email", salted("b@example.org", "other").value, True, "NaCl")
    assert INDEX.match([wrong_salt]).person_id is None


def test_plain_emails_ignore_case_and_identifiers_do_not() -> None:
    assert INDEX.match([Identity("email", " ANN@Example.org ")]).person_id == "E1"
    assert INDEX.match([Identity("emailAddress", "bob@example.org")]).person_id == "E2"
    assert INDEX.match([Identity("did", "did:example:ann")]).reason == "by did:example:ann"
    assert INDEX.match([Identity("url", "https://id.example/bob")]).person_id == "E2"
    assert INDEX.match([Identity("did", "did:example:ANN")]).person_id is None
    assert INDEX.match([salted("https://id.example/bob", "s", "url")]).person_id == "E2"


def test_an_email_is_never_matched_against_identifiers_or_the_reverse() -> None:
    assert INDEX.match([Identity("url", "ann@example.org")]).person_id is None
    assert INDEX.match([Identity("email", "did:example:ann")]).person_id is None


def test_several_people_or_nobody_is_no_match() -> None:
    both = INDEX.match([Identity("did", "did:example:ann"), Identity("email", "bob@example.org")])
    assert (both.person_id, both.candidates) == (None, ("E1", "E2"))
    assert both.reason == "it names several people (E1, E2)"
    same = INDEX.match([Identity("did", "did:example:ann"), Identity("email", "ann@example.org")])
    assert same.person_id == "E1"
    nobody = INDEX.match([Identity("email", "zoe@example.org")])
    assert (nobody.person_id, nobody.reason) == (
        None,
        "no person in the workspace has zoe@example.org",
    )
    assert INDEX.match([]).reason == "the credential names no recipient"
