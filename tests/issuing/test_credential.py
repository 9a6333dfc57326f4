"""The documents the issuer builds: the 1EdTech schema accepts them, the real verifier finds
them valid, and any single changed character of what was signed is caught (Hypothesis)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillgap.domain import Achievement, Evidence
from skillgap.fetch import MemoryFetcher
from skillgap.issuing import IssuerProfile
from skillgap.issuing import credential as docs
from skillgap.issuing.hosted import (
    build_status_list,
    did_document,
    hosted_documents,
    identifiers,
    profile_document,
)
from skillgap.issuing.signing import secure
from skillgap.trust.jsonld import Canonicalizer
from skillgap.trust.result import Verified
from skillgap.trust.schema import schema_errors
from skillgap.trust.status_bitstring import decode_list, get_bit
from skillgap.trust.verifier import Verifier
from tests.issuing.builders import ANN, AT, BOB, FOREVER, FRAMEWORK, KEY, PYTHON

CANONICALIZER = Canonicalizer()


def profile(did_web: str | None = None) -> IssuerProfile:
    did, method = identifiers(KEY.public_multibase(), did_web)
    return IssuerProfile(
        did,
        "Acme",
        "https://acme.example",
        method,
        KEY.public_multibase(),
        "https://acme.example/credentials/status/1",
        AT,
    )


def build(
    achievement: Achievement = PYTHON,
    recipient: docs.Recipient | None = None,
    evidence: tuple[str, ...] = ("https://git.example/acme/pr/1",),
    issuer: IssuerProfile | None = None,
) -> dict[str, Any]:
    return docs.build_credential(
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000001",
        profile=issuer or profile(),
        achievement=achievement,
        alignment=docs.alignment_targets(achievement, {"esco": FRAMEWORK}),
        recipient=recipient or docs.Recipient.of(BOB, salt="pepper"),
        issued=AT,
        expires=achievement.expiry.expires(AT),
        evidence=[Evidence(url=url) for url in evidence],
        status_index=7,
    )


def signed_text(document: dict[str, Any], issuer: IssuerProfile) -> str:
    return secure(
        document,
        KEY,
        issuer.verification_method,
        "di",
        created=docs.timestamp(AT),
        canonicalizer=CANONICALIZER,
    )


def verify(text: str, issuer: IssuerProfile) -> Verified:
    """What any verifier says, given the documents the issuer publishes."""
    fetcher = MemoryFetcher()
    for doc in hosted_documents(issuer, KEY, (), now=AT, canonicalizer=CANONICALIZER):
        if doc.answers is not None:
            fetcher.add(doc.answers, doc.body)
    return Verifier(fetcher, AT, canonicalizer=CANONICALIZER).verify_bytes("c", text.encode())


# --- shape ---------------------------------------------------------------------------------


@pytest.mark.parametrize("achievement", [PYTHON, FOREVER])
@pytest.mark.parametrize("holder", [ANN, BOB])
def test_every_credential_conforms_to_the_open_badges_schema(
    achievement: Achievement, holder: Any
) -> None:
    document = build(achievement, docs.Recipient.of(holder, salt="s"))
    assert schema_errors(document, "AchievementCredential") == []
    assert schema_errors(profile_document(profile()), "Profile") == []


def test_the_credential_says_what_the_brief_says() -> None:
    document = build()
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"] == {
        "id": profile().id,
        "type": ["Profile"],
        "name": "Acme",
        "url": "https://acme.example",
    }
    assert document["validFrom"] == "2026-03-02T09:30:00Z"
    assert document["validUntil"] == "2027-03-02T09:30:00Z"  # 365 days
    assert document["evidence"] == [{"id": "https://git.example/acme/pr/1", "type": ["Evidence"]}]
    assert document["credentialStatus"] == {
        "id": "https://acme.example/credentials/status/1#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": "https://acme.example/credentials/status/1",
    }
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["id"] == "urn:skillgap:achievement:python-practitioner"
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["criteria"] == {"narrative": "Ship a reviewed service to production."}


def test_alignments_are_the_counting_ones_with_resolvable_targets() -> None:
    targets = build()["credentialSubject"]["achievement"]["alignment"]
    assert [t["targetCode"] for t in targets] == ["python", "sql"]  # not the suggested one
    python, sql = targets
    assert python["targetUrl"] == "http://data.europa.eu/esco/skill/python"  # its own URI
    assert python["targetName"] == "Python (computer programming)"
    assert sql["targetUrl"] == "http://data.europa.eu/esco"  # the framework's, with its code
    assert sql["targetFramework"] == "ESCO" and sql["targetType"] == "ceasn:Competency"


def test_a_did_names_the_subject_else_a_salted_email_hash() -> None:
    assert build(recipient=docs.Recipient.of(ANN, salt="x"))["credentialSubject"]["id"] == (
        "did:example:ann"
    )
    subject = build()["credentialSubject"]
    assert "id" not in subject
    (identity,) = subject["identifier"]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$")
    assert "bob@example.org" not in json.dumps(subject)


def test_an_unknown_achievement_type_becomes_an_extension() -> None:
    achievement = build(FOREVER)["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "ext:Mentoring"
    assert "validUntil" not in build(FOREVER)


def test_the_status_list_sets_exactly_the_revoked_bits() -> None:
    status_list = build_status_list(
        profile(), [3, 9], valid_from=AT, valid_until=AT + timedelta(days=30)
    )
    bits = decode_list(status_list["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == 131_072
    assert [i for i in range(16) if get_bit(bits, i)] == [3, 9]
    assert status_list["validUntil"] == "2026-04-01T09:30:00Z"


def test_a_did_web_issuer_publishes_its_key_for_assertions() -> None:
    issuer = profile("acme.example:org")
    assert issuer.id == "did:web:acme.example:org"
    document = did_document(issuer)
    assert document["assertionMethod"] == ["did:web:acme.example:org#key-1"]
    assert document["verificationMethod"][0]["publicKeyMultibase"] == KEY.public_multibase()


# --- properties ----------------------------------------------------------------------------

WORDS = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(
    name=WORDS,
    description=st.text(max_size=60),
    criteria=st.text(max_size=60),
    evidence=st.lists(
        st.from_regex(r"https://[a-z]{1,10}\.example/[a-z0-9]{0,8}", fullmatch=True),
        max_size=2,
    ),
)
def test_whatever_the_text_an_issued_credential_verifies(
    name: str, description: str, criteria: str, evidence: list[str]
) -> None:
    achievement = Achievement("a", name, "board", description=description, criteria=criteria)
    issuer = profile()
    document = build(achievement, evidence=tuple(evidence), issuer=issuer)
    assert schema_errors(document, "AchievementCredential") == []
    assert verify(signed_text(document, issuer), issuer).valid


def string_fields(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_fields(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_fields(item, (*path, index))


ISSUER = profile("acme.example")
SIGNED = json.loads(signed_text(build(issuer=ISSUER), ISSUER))
FIELDS = sorted(string_fields(SIGNED), key=repr)


def test_the_untouched_credential_is_valid() -> None:
    assert verify(json.dumps(SIGNED), ISSUER).valid


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_changing_any_character_of_any_signed_string_is_caught(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(FIELDS), label="field")
    document = json.loads(json.dumps(SIGNED))
    holder = document
    for step in path[:-1]:
        holder = holder[step]
    text: str = holder[path[-1]]
    position = data.draw(st.integers(0, len(text) - 1), label="position")
    replacement = data.draw(
        st.characters(exclude_categories=("Cs",)).filter(lambda c: c != text[position]),
        label="replacement",
    )
    holder[path[-1]] = text[:position] + replacement + text[position + 1 :]
    result = verify(json.dumps(document, ensure_ascii=False), ISSUER)
    assert not result.valid, (path, holder[path[-1]])
