"""Canonical N-Quads: byte for byte what pyld's URDNA2015 gives (W3C vectors, Open Badges 3.0
and VC 1.1 credentials, literals of every kind), the specialised contexts against the plain
path, and the JSON-LD safe-mode refusals."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld

from skillgap.trust.contexts import UnknownContext, pinned
from skillgap.trust.jsonld import (
    UNDEFINED,
    Canonicalizer,
    JsonLdError,
    UndefinedTerms,
    canonicalize_rdf,
)
from tests import shared_data

VECTORS = shared_data.VECTORS / "w3c-vc-di-eddsa"
needs_vectors = pytest.mark.skipif(not VECTORS.is_dir(), reason=f"no W3C vectors in {VECTORS}")
V2 = "https://www.w3.org/ns/credentials/v2"
OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC11 = "https://www.w3.org/2018/credentials/v1"
OB_VC11 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
XSD = "http://www.w3.org/2001/XMLSchema#"
RELATIVE = "skillgap-relative://document/"
EX = {
    "ex": "http://example.org/vocab#",
    "x": "ex:x",
    "lst": {"@id": "ex:lst", "@container": "@list"},
}

FAST = Canonicalizer()
PLAIN = Canonicalizer(specialise=False)


def ob3_credential() -> dict[str, Any]:
    """A realistic Open Badges 3.0 credential (VC 2.0), about 2.5 KB, not yet signed."""
    return {
        "@context": [V2, OB303],
        "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Analysis Fundamentals",
        "description": "Awarded for completing the data analysis fundamentals programme.",
        "issuer": {
            "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "type": ["Profile"],
            "name": "Example Institute of Technology",
            "url": "https://www.example.edu/",
            "email": "badges@example.edu",
            "image": {"id": "https://www.example.edu/logo.png", "type": "Image", "caption": "Logo"},
        },
        "validFrom": "2024-03-01T12:00:00Z",
        "validUntil": "2029-03-01T12:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "activityEndDate": "2024-02-20",
            "creditsEarned": 5.0,
            "achievement": {
                "id": "https://www.example.edu/achievements/data-analysis-101",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": "Data Analysis Fundamentals",
                "description": 'Cleans and summarises tabular data; "clear" charts.\nLevel: 1.',
                "criteria": {
                    "id": "https://www.example.edu/achievements/data-analysis-101/criteria",
                    "narrative": "Pass three graded projects and a final exam (≥ 70 %).",
                },
                "image": {"id": "https://www.example.edu/badges/da101.png", "type": "Image"},
                "creditsAvailable": 5,
                "fieldOfStudy": "Data Science",
                "humanCode": "DA-101",
                "tag": ["data", "statistics", "spreadsheets"],
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Data analysis",
                        "targetDescription": "Analyse data to find patterns.",
                        "targetFramework": "ESCO",
                        "targetCode": "S2.7.1",
                        "targetType": "ceterms:Skill",
                        "targetUrl": "http://data.europa.eu/esco/skill/5898d99a-62ea",
                    },
                    {
                        "type": ["Alignment"],
                        "targetName": "Statistics",
                        "targetFramework": "O*NET",
                        "targetCode": "2.C.4.b",
                        "targetUrl": "https://www.onetonline.org/find/descriptor/result/2.C.4.b",
                    },
                ],
                "resultDescription": [
                    {
                        "id": "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
                        "type": ["ResultDescription"],
                        "name": "Final exam grade",
                        "resultType": "LetterGrade",
                        "allowedValue": ["A", "B", "C", "D"],
                        "requiredValue": "C",
                    }
                ],
                "creator": {
                    "id": "https://www.example.edu/issuers/565049",
                    "type": ["Profile"],
                    "name": "Example Institute of Technology",
                },
            },
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
                    "value": "A",
                }
            ],
        },
    }


def vc11_credential() -> dict[str, Any]:
    """An Open Badges 3.0 credential in the VC 1.1 data model (as issued in 2022-2023)."""
    return {
        "@context": [VC11, OB_VC11],
        "id": "http://example.edu/credentials/3732",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork Badge",
        "issuer": {
            "id": "https://example.edu/issuers/565049",
            "type": "Profile",
            "name": "Example University",
        },
        "issuanceDate": "2022-06-01T00:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": "AchievementSubject",
            "achievement": {
                "id": "https://example.edu/achievements/teamwork",
                "type": "Achievement",
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Team members are nominated by their peers."},
                "alignment": [
                    {
                        "type": "Alignment",
                        "targetName": "Work in teams",
                        "targetUrl": "http://data.europa.eu/esco/skill/1d1a38e5",
                    }
                ],
            },
        },
    }


def pyld_loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader for the tests: the pinned contexts, nothing from the network."""
    return {"contextUrl": None, "documentUrl": url, "document": pinned().document(url)}


def pyld_nquads(document: dict[str, Any]) -> str:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    return str(pyld.normalize(document, {**options, "documentLoader": pyld_loader}))


def unsigned_vectors() -> list[tuple[str, dict[str, Any]]]:
    if not VECTORS.is_dir():
        return []
    out = []
    for path in sorted(VECTORS.glob("*.json")):
        if "employ" not in path.name:
            document = json.loads(path.read_text())
            document.pop("proof")
            out.append((path.name, document))
    return out


def assert_same_as_pyld(document: dict[str, Any]) -> str:
    ours = FAST.canonical_nquads(document)
    assert ours == pyld_nquads(document)
    assert ours == PLAIN.canonical_nquads(document)
    return ours


# --- agreement with pyld ------------------------------------------------------------------


@needs_vectors
@pytest.mark.parametrize(("name", "document"), unsigned_vectors())
def test_w3c_vector_documents_match_pyld(name: str, document: dict[str, Any]) -> None:
    assert assert_same_as_pyld(document).startswith("<did:example:abcdefgh>")


@needs_vectors
def test_w3c_vector_proof_configurations_match_pyld() -> None:
    document = json.loads(
        (VECTORS / "w3c-vc-di-eddsa-proof-set-chain-signedProofChain2.json").read_text()
    )
    for proof in document["proof"]:
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        assert_same_as_pyld({**config, "@context": document["@context"]})


def test_open_badges_3_credential_matches_pyld() -> None:
    nquads = assert_same_as_pyld(ob3_credential())
    assert len(nquads.splitlines()) == 68
    assert '<https://schema.org/keywords> "statistics" .' in nquads
    assert '"5"^^<https://www.w3.org/2001/XMLSchema#float>' in nquads  # creditsEarned 5.0


def test_vc_1_1_open_badge_matches_pyld() -> None:
    nquads = assert_same_as_pyld(vc11_credential())
    assert "<https://www.w3.org/2018/credentials#issuanceDate>" in nquads


def test_verifiable_presentation_with_embedded_credential_matches_pyld() -> None:
    presentation = {
        "@context": [V2],
        "type": "VerifiablePresentation",
        "holder": "did:example:holder",
        "verifiableCredential": [ob3_credential()],
    }
    nquads = assert_same_as_pyld(presentation)
    assert " _:c14n" in nquads.splitlines()[0]  # the credential sits in its own named graph


LITERALS: dict[str, Any] = {
    "escapes": ['quote " backslash \\ newline \n return \r tab \t', "é ≥ 😀 \u2028 \u00a0"],
    "languages": [
        {"@value": "colour", "@language": "en-GB"},
        {"@value": "Farbe", "@language": "DE"},
    ],
    "typed": [{"@value": "2024-01-01", "@type": XSD + "date"}, {"@value": "x", "@type": "ex:T"}],
    "json": {"@value": {"b": [1, 2.5, None, True], "a": "é"}, "@type": "@json"},
    "numbers": [0, -5, 42, 5.0, 2.5, 9.3, 0.1 + 0.2, 1e-7, 1e21, 1.5e300, True, False],
    "double strings": [
        {"@value": "9.3", "@type": XSD + "double"},
        {"@value": "abc", "@type": XSD + "double"},
    ],
    "nested arrays": [[1, ["a"]], [[{"@id": "urn:n"}]]],
    "lists": {"@list": [1, "a", {"x": 2}]},
    "empty": [],
    "null": None,
}


@pytest.mark.parametrize("kind", sorted(LITERALS))
def test_literals_match_pyld(kind: str) -> None:
    context = [V2, {**EX, "x": {"@id": "ex:x"}}]
    assert_same_as_pyld({"@context": context, "id": "urn:s", "x": LITERALS[kind]})


@settings(max_examples=150, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**62), 2**62))
def test_numbers_match_pyld(number: float) -> None:
    document = {"@context": EX, "@id": "urn:s", "x": number}
    if float(number).is_integer() and 2**63 <= abs(number) < 1e21:
        with pytest.raises(JsonLdError, match="too large"):
            FAST.canonical_nquads(document)
    else:
        assert FAST.canonical_nquads(document) == pyld_nquads(document)


def test_control_characters_are_escaped_as_canonical_n_quads() -> None:
    # RDFC-1.0 / RDF 1.2 canonical N-Quads (what rdf-canonize writes); pyld escapes fewer
    document = {"@context": EX, "@id": "urn:s", "x": "a\b\f\x00\x1f\x7f\ufffe\uffff\\uFFFE"}
    escaped = "a\\b\\f\\u0000\\u001F\\u007F\ufffe\uffff\\\\uFFFE"
    expected = f'<urn:s> <http://example.org/vocab#x> "{escaped}" .\n'
    assert FAST.canonical_nquads(document) == expected


def test_blank_nodes_get_canonical_labels() -> None:
    document = {"@context": EX, "x": [{"x": "b"}, {"x": "a"}]}
    assert FAST.canonical_nquads(document) == pyld_nquads(document)
    assert {line.split()[0] for line in FAST.canonical_nquads(document).splitlines()} == {
        "_:c14n0",
        "_:c14n1",
        "_:c14n2",
    }


@needs_vectors
def test_canonicalize_rdf_reproduces_the_employ_vector_canonical_form() -> None:
    given_text = (
        VECTORS / "w3c-vc-di-eddsa-eddsa-rdfc-2022-employ-signedDataInt.document-canon.nq"
    ).read_text()
    lines = given_text.replace("_:c14n", "_:b").splitlines(keepends=True)
    random.Random(7).shuffle(lines)
    assert canonicalize_rdf("".join(lines)) == given_text


# --- the specialised contexts change nothing ----------------------------------------------

TYPES = "Achievement AchievementSubject Profile Image Alignment Result ResultDescription"
TYPES += " VerifiableCredential OpenBadgeCredential Criteria Bogus"
# Terms of the Open Badges contexts, some defined only for some types, and undefined ones. A
# type used as a key is left out: pyoxigraph lets type-scoped terms reach a node below such a
# key, which JSON-LD does not (a known difference, for documents no issuer writes).
KEYS = "name description achievement achievementType alignment targetName targetUrl caption"
KEYS += " email image criteria narrative result resultDescription value allowedValue"
KEYS += " creditsEarned credentialSubject issuer validFrom tag url foo schema:name"
VALUES = "A urn:x:1 https://example.org/a did:example:1 2024-01-01 Achievement caption Profile"


def nodes(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    leaf: st.SearchStrategy[Any] = st.sampled_from(VALUES.split()) | st.integers(0, 9)
    child = nodes(depth - 1) if depth else leaf
    value = leaf | child | st.lists(leaf | child, max_size=2)
    typed = st.dictionaries(
        st.just("type"), st.lists(st.sampled_from(TYPES.split()), max_size=2), max_size=1
    )
    ids = st.dictionaries(st.just("id"), st.sampled_from(["urn:n:1", "urn:n:2"]), max_size=1)
    return st.builds(
        lambda t, i, p: {**t, **i, **p},
        typed,
        ids,
        st.dictionaries(st.sampled_from(KEYS.split()), value, max_size=4),
    )


def ours(document: dict[str, Any]) -> str:
    try:
        return FAST.canonical_nquads(document)
    except UndefinedTerms:
        return "undefined terms"
    except JsonLdError as exc:
        if "protected term redefined" in str(exc):
            return "refused: protected"
        return "relative IRI" if "relative IRI" in str(exc) else f"refused: {exc}"


def reference(document: dict[str, Any]) -> str:
    """pyld with the same sentinel vocabulary and base, to see what safe mode refuses."""
    sentinel = {"@vocab": UNDEFINED}
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "base": RELATIVE}
    context = [sentinel, *document["@context"]]
    try:
        text = str(
            pyld.normalize(
                {**document, "@context": context}, {**options, "documentLoader": pyld_loader}
            )
        )
    except pyld.JsonLdError as exc:
        if "protected term redefinition" in str(exc.__cause__.__cause__):  # type: ignore[union-attr]
            return "refused: protected"
        raise
    if UNDEFINED in text:
        return "undefined terms"
    return "relative IRI" if RELATIVE in text else text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nodes(3), st.sampled_from([[V2, OB303], [VC11, OB_VC11], [V2]]))
def test_specialised_contexts_give_what_pyld_gives(
    node: dict[str, Any], context: list[str]
) -> None:
    document = {"@context": context, **node}
    result = ours(document)
    if "several type-scoped contexts" not in result:  # a refusal pyoxigraph needs
        assert result == reference(document)


def test_nodes_with_several_type_scoped_contexts() -> None:
    """pyoxigraph applies one type-scoped context per node; when specialising cannot leave a
    single one, the full JSON-LD processor (pyld) takes the document, with the same result."""
    document = {"@context": [V2, OB303], "type": ["Achievement", "Profile"], "email": "e"}
    assert FAST.canonical_nquads(document) == pyld_nquads(document)
    assert PLAIN.canonical_nquads(document) == pyld_nquads(document)
    clash = {**document, "type": ["Achievement", "Result"]}  # both define resultDescription
    assert reference(clash) == "refused: protected"
    with pytest.raises(JsonLdError, match="clash"):
        FAST.canonical_nquads(clash)
    both_needed = {
        **document,
        "resultDescription": "urn:r",  # stays in Achievement's context (Result's differs)
        "result": {"type": "Result"},
        "creator": {"email": "x"},  # email used outside Profile stays in Profile's context
    }
    # The full processor finds what JSON-LD really does here: type-scoped terms do not reach
    # untyped nested nodes, so "email" under "creator" (and "result") are undefined.
    with pytest.raises(UndefinedTerms, match="email"):
        FAST.canonical_nquads(both_needed)


def test_specialisation_moves_type_scoped_terms_to_the_top() -> None:
    fast = Canonicalizer()
    fast.canonical_nquads(ob3_credential())
    (plan,) = fast._plans.values()
    (context_json,) = plan.shapes.values()
    assert len(context_json) < len(plan.json) / 3
    assert (
        '"Image":{"@id":"https://purl.imsglobal.org/spec/vc/ob/vocab.html#Image"}' in context_json
    )


# --- safe mode and other refusals ---------------------------------------------------------


def test_undefined_property_is_refused() -> None:
    credential = ob3_credential()
    credential["credentialSubject"]["foo"] = 1
    with pytest.raises(UndefinedTerms, match="foo") as caught:
        FAST.canonical_nquads(credential)
    assert caught.value.terms == ("foo",)


def test_undefined_type_and_datatype_are_refused() -> None:
    credential = ob3_credential()
    credential["type"].append("SecretCredential")
    credential["name"] = {"@value": "n", "@type": "Mystery"}
    with pytest.raises(UndefinedTerms) as caught:
        FAST.canonical_nquads(credential)
    assert caught.value.terms == ("Mystery", "SecretCredential")


def test_term_used_outside_its_type_is_refused() -> None:
    credential = ob3_credential()
    credential["issuer"]["caption"] = "defined only for Image nodes"
    with pytest.raises(UndefinedTerms, match="caption"):
        FAST.canonical_nquads(credential)


def test_issuer_vocabulary_overrides_the_sentinel() -> None:
    document = {"@context": [V2, "https://www.w3.org/ns/credentials/undefined-terms/v2"], "foo": 1}
    assert "undefined-term#foo" in FAST.canonical_nquads(document)


def test_unpinned_context_is_unknown() -> None:
    with pytest.raises(UnknownContext) as caught:
        FAST.canonical_nquads({"@context": [V2, "https://w3id.org/citizenship/v4rc1"]})
    assert caught.value.url == "https://w3id.org/citizenship/v4rc1"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"@id": "relative/path"}, "relative IRI"),
        ({"@value": "x", "@language": "en", "@direction": "rtl"}, "@direction"),
        ({"@value": "x", "@language": "not a tag"}, "language tag"),
        (10**20, "too large"),
        (float("nan"), "not a JSON document"),
        ("\ud800", "surrogates"),
        ({"@value": {"a": 1}}, "@value"),
    ],
)
def test_documents_pyoxigraph_would_mistreat_are_refused(value: Any, message: str) -> None:
    with pytest.raises(JsonLdError, match=message):
        FAST.canonical_nquads({"@context": EX, "@id": "urn:s", "x": value})


def test_lists_of_lists_are_refused() -> None:
    with pytest.raises(JsonLdError, match="lists of lists"):
        FAST.canonical_nquads({"@context": EX, "@id": "urn:s", "lst": [1, [2, 3]]})


def test_a_document_must_be_an_object() -> None:
    with pytest.raises(JsonLdError):
        FAST.canonical_nquads([1, 2])  # type: ignore[arg-type]


# --- context versions and caches ----------------------------------------------------------


def test_earlier_context_version_through_overrides() -> None:
    (earlier,) = [c for c in pinned().alternatives(OB_VC11) if c.signed_before]
    current = FAST.canonical_nquads(vc11_credential())
    before = FAST.canonical_nquads(vc11_credential(), {OB_VC11: earlier})
    assert "purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement" in current
    assert "imsglobal.github.io/openbadges-specification/ob_v3p0.html#Achievement" in before


def test_memo_returns_the_same_text_without_recomputing() -> None:
    fast = Canonicalizer()
    config = {"@context": V2, "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    first = fast.canonical_nquads(config, memo=True)
    assert fast.canonical_nquads(copy.deepcopy(config), memo=True) is first
    assert first == pyld_nquads(config)


def test_many_blank_node_labels_are_refused_before_canonicalisation_can_explode() -> None:
    """Ten blank nodes that all point at each other would take RDFC-1.0 hours."""
    nodes = [
        {
            "@id": f"_:b{i}",
            "http://example.org/p": [{"@id": f"_:b{j}"} for j in range(10) if j != i],
        }
        for i in range(10)
    ]
    document = {"@context": {"@vocab": "http://example.org/"}, "@graph": nodes}
    with pytest.raises(JsonLdError, match="blank node labels"):
        FAST.canonical_nquads(document)
    small = {"@context": {"@vocab": "http://example.org/"}, "@graph": nodes[:1]}
    small["@graph"][0]["http://example.org/p"] = [{"@id": "_:b1"}]
    assert "_:c14n" in FAST.canonical_nquads(small)
