"""NICE Framework components JSON → framework (K and S statements), work roles, warnings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from skillgap.domain import CapabilityGroup, Competency, CompetencyRef, Relation, SkillKind
from skillgap.errors import InputError, InputErrors, ValidationError
from skillgap.formats.jsonio import short_label
from skillgap.formats.nice import read_nice
from tests import shared_data

DATA = Path(__file__).parent.parent / "data" / "nice"
SAMPLE = DATA / "nice_components_sample.json"
REAL = shared_data.DATA / "nice" / "v2_nf_components.json"

CIA = "Knowledge of Confidentiality, Integrity and Availability (CIA) principles and practices"
CIAAN = (
    "Knowledge of Confidentiality, Integrity, Availability, Authenticity, and Non-repudiation "
    "(CIAAN) principles and practices"
)


def _copy(tmp_path: Path, change: Any = None) -> Path:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    path = tmp_path / "nice.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def _c(
    code: str, name: str, skill_type: str, description: str = "", group: str | None = None
) -> Competency:
    return Competency("nice", code, name, description, group, SkillKind.HARD, skill_type=skill_type)


# --- the sample cut from the real file


def test_the_sample_framework() -> None:
    framework = read_nice(SAMPLE).framework
    assert (framework.id, framework.name, framework.version, framework.uri, framework.source) == (
        "nice",
        "Workforce Framework for Cybersecurity (NICE Framework) (NIST SP 800-181 Rev 1)",
        "2.0.0",
        "https://csrc.nist.gov/pubs/sp/800/181/r1/final",
        "nice_components_sample.json",
    )
    assert framework.description == (
        "Contains material from the NICE Workforce Framework for Cybersecurity (NIST SP "
        "800-181 Rev. 1), NICE Framework Components v2.0.0, National Institute of Standards "
        "and Technology."
    )
    assert framework.competencies == (
        _c("K0018", "Knowledge of encryption algorithms", "knowledge"),
        _c("K0677", "Knowledge of cybersecurity policies and procedures", "knowledge",
           group="NF-COM-007"),
        _c("K0728", "Knowledge of Confidentiality, Integrity and Availability (CIA) "
           "principles and…", "knowledge", description=CIA),
        _c("K1120", "Knowledge of Confidentiality, Integrity, Availability, Authenticity, "
           "and…", "knowledge", description=CIAAN),
        _c("S0156", "Skill in performing packet-level analysis", "skill"),
        _c("S0395", "Skill in developing instructional materials", "skill"),
        _c("S0818", "Skill in building internal and external stakeholder relationships",
           "skill", group="NF-COM-007"),
    )  # fmt: skip
    assert [(g.code, g.name, g.parent) for g in framework.groups] == [
        ("NF-COM-001", "Access Controls", None),
        ("NF-COM-007", "Cyber Resiliency", None),
    ]
    assert isinstance(framework.groups[1], CapabilityGroup)
    assert framework.groups[1].description.startswith(
        "This Competency Area describes a learner\u2019s capability related to architecting"
    )


def test_the_sample_work_roles_are_occupations() -> None:
    imported = read_nice(SAMPLE)
    privacy, defence = imported.occupations
    assert (privacy.framework, privacy.code, privacy.title) == (
        "nice",
        "OG-WRL-008",
        "Privacy Compliance",  # the file ends the title with a no-break space
    )
    assert privacy.description.startswith("Responsible for developing and overseeing")
    assert [s.competency.code for s in privacy.skills] == ["K0677", "K1120", "S0395", "S0818"]
    assert (defence.code, defence.title) == ("PD-WRL-001", "Defensive Cybersecurity")
    assert defence.description == (
        "Responsible for analyzing data collected from various cybersecurity defense tools "
        "to mitigate risks."
    )
    # S0873 is not in the file: skipped, and warned about
    assert [s.competency.code for s in defence.skills] == ["K0018", "K0677", "K0728", "S0156"]
    assert {(s.relation, s.importance, s.level) for s in defence.skills} == {
        (Relation.ESSENTIAL, None, None)
    }
    assert defence.skills[0].competency == CompetencyRef("nice", "K0018")
    assert imported.warnings == (
        "relationships: skipped 1 link from work roles to elements that are not in the file: "
        "PD-WRL-001 → S0873",
    )


def test_tasks_categories_and_opm_codes_are_kept_in_extra() -> None:
    imported = read_nice(SAMPLE)
    extra = imported.framework.extra
    assert sorted(extra) == ["categories", "document", "tasks"]
    assert extra["tasks"] == {
        "T0020": "Develop content for cyber defense tools",
        "T0164": "Perform cyber defense trend analysis and reporting",
        "T0898": "Establish an internal privacy audit program",
    }
    assert list(extra["categories"]) == ["OG", "PD"]
    assert extra["categories"]["PD"]["title"] == "PROTECTION and DEFENSE"
    assert extra["document"]["doc_identifier"] == "SP_800_181_rev_1"
    assert [o.extra for o in imported.occupations] == [
        {"category": "OG", "tasks": ["T0898"], "opm_codes": ["732"]},
        {"category": "PD", "tasks": ["T0020", "T0164"], "opm_codes": ["511"]},
    ]
    json.dumps(extra)  # JSON values only: the store keeps extra as JSON


def test_the_framework_id_can_be_chosen() -> None:
    imported = read_nice(SAMPLE, framework_id="nice2")
    assert imported.framework.id == "nice2"
    assert {c.framework for c in imported.framework.competencies} == {"nice2"}
    assert imported.occupations[0].skills[0].competency == CompetencyRef("nice2", "K0677")


# --- odd links: skipped with one warning per kind, never a crash


def test_odd_links_are_warned_about_one_warning_per_kind(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        rels = data["relationships"]
        link = rels[0]
        for src, dst in [
            ("NF-COM-007", "K9990"),
            ("NF-COM-007", "K9991"),
            ("NF-COM-007", "S9992"),
            ("NF-COM-007", "S9993"),
            ("XX-WRL-404", "K0018"),
            ("NF-COM-001", "K0677"),  # a second area for K0677
            ("PD-WRL-001", "K0018"),  # listed twice
            ("NF-COM-001", "PD-WRL-001"),  # a kind of link the mapping does not use
            ("PD", "OG-WRL-008"),  # a second category
        ]:
            rels.append(link | {"source_element_identifier": src, "dest_element_identifier": dst})
        data["elements"].append(
            data["elements"][0] | {"element_type": "tool", "element_identifier": "X1"}
        )
        data["documents"].append(data["documents"][0])

    imported = read_nice(_copy(tmp_path, change))
    assert imported.warnings == (
        "documents: the file describes 2 documents; the first one names the framework",
        "relationships: skipped 1 link from work roles to elements that are not in the file: "
        "PD-WRL-001 → S0873",
        "relationships: skipped 4 links from competency areas to elements that are not in the "
        "file: NF-COM-007 → K9990, NF-COM-007 → K9991, NF-COM-007 → S9992 and 1 more",
        "relationships: skipped 1 link from elements that are not in the file: XX-WRL-404 → K0018",
        "elements: element types this import does not use were ignored: tool (1)",
        "relationships: links of kinds this import does not use: competency_area → work_role (1)",
        "relationships: 1 link to a second competency area (the first is kept): NF-COM-001 → K0677",
        "relationships: 1 link to a second category (the first is kept): PD → OG-WRL-008",
        "relationships: 1 link listed twice (read once): PD-WRL-001 → K0018",
    )
    framework = imported.framework
    assert framework.competency("K0677").group == "NF-COM-007"
    assert imported.occupations[0].extra["category"] == "OG"
    assert [s.competency.code for s in imported.occupations[1].skills].count("K0018") == 1


# --- bad files: located errors


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("elements"), r"^nice.json, field 'elements': is missing$"),
        (lambda d: d.update(documents=[]), r"^nice.json, field 'documents': is empty"),
        (lambda d: d.update(relationships={}), r"field 'relationships': expected a list"),
        (
            lambda d: d["elements"][3].pop("element_identifier"),
            r"^nice.json, field 'elements\[3\].element_identifier': is missing$",
        ),
        (
            lambda d: d["elements"][9].update(text=""),
            r"^nice.json, field 'elements\[9\].text': is missing$",
        ),
        (
            lambda d: d["elements"][2].update(title=" "),
            r"^nice.json, field 'elements\[2\].title': is missing$",
        ),
        (
            lambda d: d["elements"].__setitem__(4, "T0020"),
            r"^nice.json, field 'elements\[4\]': expected a JSON object$",
        ),
        (
            lambda d: d["elements"][5].update(element_identifier="T0020"),
            r"field 'elements\[5\].element_identifier': element 'T0020' appears twice "
            r"\(first at elements\[4\]\)",
        ),
        (
            lambda d: d["relationships"][2].pop("dest_element_identifier"),
            r"^nice.json, field 'relationships\[2\].dest_element_identifier': is missing$",
        ),
        (
            lambda d: d["elements"][9].update(text="Knowledge of \x07bells"),
            r"field 'elements\[9\].text': contains control character U\+0007",
        ),
        (
            lambda d: d["elements"][9].update(text=["a", "list"]),
            r"field 'elements\[9\].text': expected a single value, got a structure",
        ),
    ],
)
def test_a_bad_file_names_the_json_path(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_nice(_copy(tmp_path, change))


def test_every_error_of_the_file_is_reported_at_once(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["documents"][0]["version"] = ["2", "0"]
        d["elements"][3].pop("element_identifier")
        d["elements"][5].update(element_identifier="T0020", title="Bell \x07")
        d["elements"][9].update(text="")
        d["relationships"][2].pop("dest_element_identifier")
        d["relationships"][4] = "K0018"

    with pytest.raises(InputErrors) as caught:
        read_nice(_copy(tmp_path, change))
    assert [str(e) for e in caught.value.errors] == [
        "nice.json, field 'documents[0].version': expected a single value, got a structure",
        "nice.json, field 'elements[3].element_identifier': is missing",
        "nice.json, field 'elements[5].element_identifier': element 'T0020' appears twice "
        "(first at elements[4])",
        "nice.json, field 'elements[5].title': contains control character U+0007",
        "nice.json, field 'elements[9].text': is missing",
        "nice.json, field 'relationships[2].dest_element_identifier': is missing",
        "nice.json, field 'relationships[4]': expected a JSON object",
    ]
    assert str(caught.value).splitlines()[0] == "7 errors in nice.json:"


def test_a_file_of_the_wrong_shape_stops_at_once(tmp_path: Path) -> None:
    """Nothing can be read past a missing part: that is the one error, items unread."""

    def change(d: dict[str, Any]) -> None:
        d["elements"][3].pop("element_identifier")
        d["relationships"] = {}

    with pytest.raises(InputError) as caught:
        read_nice(_copy(tmp_path, change))
    assert str(caught.value) == "nice.json, field 'relationships': expected a list"


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "nice.json"
    path.write_text('{\n  "documents": [],\n  "elements": [,]\n}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"^nice.json, row 3: invalid JSON: Expecting value"):
        read_nice(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", r"^nice.json: expected a JSON object at the top$"),
        ('{"a": 1, "a": 2}', r"^nice.json: invalid JSON: key 'a' appears twice in one object"),
        ('{"a": NaN}', r"^nice.json: invalid JSON: NaN is not a number JSON allows"),
        ("[" * 100_000 + "]" * 100_000, r"^nice.json: invalid JSON: nested too deeply"),
        ("", r"^nice.json, row 1: invalid JSON: Expecting value"),
    ],
)
def test_json_that_is_not_a_plain_object_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "nice.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_nice(path)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is not a regular file|cannot read the file"):
        read_nice(tmp_path)


# --- names


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Skill in  performing\npacket-level analysis",
            "Skill in performing packet-level analysis",
        ),
        ("x" * 80, "x" * 80),
        ("x" * 81, "x" * 79 + "…"),
        ("word " * 20, ("word " * 16).strip() + "…"),  # 100 characters: cut after a word
        ("a" * 75 + " bbbbbbbbbb", "a" * 75 + "…"),
        ("a" * 78 + ", bbbb", "a" * 78 + "…"),  # no dangling comma before the ellipsis
    ],
)
def test_short_labels(text: str, label: str) -> None:
    assert short_label(text) == label
    assert len(short_label(text)) <= 80


# --- the full file, when the shared data is here


@pytest.mark.skipif(not REAL.exists(), reason="the NICE components file is not in /work/shared")
def test_the_full_nice_file() -> None:
    imported = read_nice(REAL)
    framework = imported.framework
    types = Counter(c.skill_type for c in framework.competencies)
    assert types == {"knowledge": 631, "skill": 538}
    assert framework.version == "2.0.0"
    assert len(framework.groups) == 11
    assert sum(1 for c in framework.competencies if c.group == "NF-COM-007") == 123
    assert len(imported.occupations) == 41
    assert sum(len(o.skills) for o in imported.occupations) == 2856 + 1051
    assert len(framework.extra["tasks"]) == 942
    assert sum(len(o.extra.get("tasks", [])) for o in imported.occupations) == 1429
    comsec = next(o for o in imported.occupations if o.code == "OG-WRL-001")
    assert comsec.title == "Communications Security (COMSEC) Management"
    assert CompetencyRef("nice", "K0018") in {s.competency for s in comsec.skills}
    assert framework.competency("K0018").name == "Knowledge of encryption algorithms"
    assert imported.warnings == (
        "relationships: skipped 4 links from work roles to elements that are not in the file: "
        "PD-WRL-001 → T1385, PD-WRL-001 → S0873, PD-WRL-005 → K1139 and 1 more",
    )
    assert all(o.title == o.title.strip() for o in imported.occupations)


@pytest.mark.parametrize("bad", ["", "ni:ce"])
def test_a_framework_id_with_a_colon_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="must be non-empty and without ':'"):
        read_nice(SAMPLE, framework_id=bad)
