"""Reading and writing stackable pathways (YAML): every error located by the pathway's and
the step's id, the rules of ``domain.pathways`` reported at the file, the export read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillgap.domain.catalog import CatalogItem
from skillgap.domain.pathways import AwardMode, StepRule, Unit, UnitKind
from skillgap.errors import InputError, InputErrors
from skillgap.formats import tabular
from skillgap.formats.pathways import pathways_yaml, read_pathways_file

DATA = Path(__file__).parent.parent / "data" / "catalog"
COMMANDER = "https://skills.acme.example/achievements/incident-commander"
OTHER = "https://learn.example.com/achievements/other"
CATALOG = [
    CatalogItem("sql-basics", "SQL Basics", "Acme"),
    CatalogItem("sql-cert", "SQL cert", "Example", achievement_id="urn:sql-cert"),
    CatalogItem("ir-sim", "Simulation", "Acme"),
    CatalogItem("stats-webinar", "Webinar", "Mill"),
]


def messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    errors = exc.value.errors if isinstance(exc.value, InputErrors) else [exc.value]
    return [str(e) for e in errors]


def write(tmp_path: Path, text: str, name: str = "pathways.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_step(step: str, *, extra: str = "") -> str:
    """A file with one pathway ``p``: a step ``a`` of two units, then ``step``."""
    return f"""\
pathways:
  - id: p
    name: P
{extra}    steps:
      - {{id: a, units: [x, y]}}
      - {step}
"""


def test_a_pathways_file_reads_into_pathways() -> None:
    (pathway,) = read_pathways_file(DATA / "pathways.yaml")
    assert (pathway.id, pathway.name, pathway.mode) == (
        "analyst",
        "Analyst pathway (example)",
        AwardMode.AUTOMATIC,
    )
    assert pathway.awards == "https://skills.acme.example/achievements/analyst"
    knowledge, proficiency, mastery = pathway.steps
    assert knowledge.rule is StepRule.ANY
    assert knowledge.units == (
        Unit(UnitKind.ITEM, "sql-basics"),
        Unit(UnitKind.ITEM, "stats-webinar"),
    )
    assert (proficiency.rule, proficiency.count, proficiency.needed) == (StepRule.N_OF, 2, 2)
    assert proficiency.units[2] == Unit(UnitKind.ACHIEVEMENT, OTHER)
    assert proficiency.after == ("knowledge",)
    assert (mastery.name, mastery.units) == ("mastery", (Unit(UnitKind.ACHIEVEMENT, COMMANDER),))


def test_units_are_checked_against_the_catalog_and_the_known_achievements() -> None:
    path = DATA / "pathways.yaml"
    (pathway,) = read_pathways_file(path, catalog=CATALOG, achievement_ids=[OTHER, COMMANDER])
    assert pathway.id == "analyst"
    with pytest.raises(InputError) as exc:
        read_pathways_file(path, catalog=CATALOG, achievement_ids=[OTHER])
    assert messages(exc) == [
        f"pathways.yaml: pathway 'analyst', step 'mastery': achievement '{COMMANDER}' is "
        "neither known to the workspace nor awarded by a pathway"
    ]
    with pytest.raises(InputError) as exc:
        read_pathways_file(path, catalog=CATALOG[1:], achievement_ids=[OTHER, COMMANDER])
    assert messages(exc) == [
        "pathways.yaml: pathway 'analyst', step 'knowledge': catalog item 'sql-basics' is not "
        "in the catalog"
    ]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            "{id: b, rule: n-of, count: 3, units: [x, z]}",
            "field 'pathways[p]': pathway 'p', step 'b' can never be completed: it needs 3 of "
            "2 units",
        ),
        (
            "{id: b, units: [x], after: [ghost]}",
            "field 'pathways[p]': pathway 'p', step 'b' comes after 'ghost', which is not a step",
        ),
        (
            "{id: b, units: [z], after: [c]}\n      - {id: c, units: [w], after: [b]}",
            "field 'pathways[p]': pathway 'p': the step order loop: b -> c -> b",
        ),
        (
            "{id: b, rule: n-of, units: [x, z]}",
            "field 'pathways[p]': pathway 'p', step 'b': an n-of step needs a count of 1 or more",
        ),
        (
            "{id: b, rule: any, count: 1, units: [x, z]}",
            "field 'pathways[p]': pathway 'p', step 'b': only an n-of step takes a count",
        ),
        (
            "{id: a, units: [z]}",
            "field 'pathways[p]': pathway 'p' has two steps called 'a'",
        ),
        (
            "{id: b, units: [x, 'item:x']}",
            "field 'pathways[p]': pathway 'p', step 'b' names a unit twice",
        ),
        (
            "{id: b, rule: most, count: many, units: ['achievement:', ''], after: {a: 1}}",
            "field 'pathways[p].steps[b].rule': 'most' is not one of: all, any, n-of",
        ),
        (
            "{id: b, units: [x], colour: red}",
            "field 'pathways[p].steps[1].colour': unknown key 'colour' (expected: after, count, "
            "id, name, rule, units)",
        ),
        ("{name: B, units: [x]}", "field 'pathways[p].steps[1].id': is missing"),
    ],
)
def test_each_broken_rule_is_located(tmp_path: Path, step: str, message: str) -> None:
    with pytest.raises(InputError) as exc:
        read_pathways_file(write(tmp_path, one_step(step)))
    assert messages(exc)[0] == f"pathways.yaml, {message}"


def test_every_error_of_a_step_is_reported(tmp_path: Path) -> None:
    step = "{id: b, rule: most, count: many, units: ['achievement:', ''], after: {a: 1}}"
    with pytest.raises(InputErrors) as exc:
        read_pathways_file(write(tmp_path, one_step(step, extra="    mode: sometimes\n")))
    at = "pathways.yaml, field 'pathways[p]"
    assert messages(exc) == [
        f"{at}.mode': 'sometimes' is not one of: automatic, review",
        f"{at}.steps[b].rule': 'most' is not one of: all, any, n-of",
        f"{at}.steps[b].count': 'many' is not a whole number",
        f"{at}.steps[b].units[0]': 'achievement:' names no achievement",
        f"{at}.steps[b].units[1]': is missing",
        f"{at}.steps[b].after': expected a list",
    ]


def test_pathways_are_placed_by_position_until_their_id_is_known(tmp_path: Path) -> None:
    text = """\
pathways:
  - {name: No id, steps: [{id: a, units: [x]}]}
  - {id: q, name: Q, steps: [{id: a, units: [x]}]}
  - {id: q, name: Q again, steps: [{id: a, units: [y]}]}
  - {id: r, name: R}
  - [not, a, mapping]
other: 1
"""
    with pytest.raises(InputErrors) as exc:
        read_pathways_file(write(tmp_path, text))
    assert messages(exc) == [
        "pathways.yaml, field 'other': unknown key 'other' (expected: pathways)",
        "pathways.yaml, field 'pathways[0].id': is missing",
        "pathways.yaml, field 'pathways[2].id': pathway id 'q' appears twice (first at "
        "pathways[1])",
        "pathways.yaml, field 'pathways[r]': pathway 'r' has no steps",
        "pathways.yaml, field 'pathways[4]': expected a mapping of keys to values",
    ]


def test_pathways_that_stack_into_each_other_in_a_loop_are_refused(tmp_path: Path) -> None:
    text = """\
pathways:
  - {id: p, name: P, awards: urn:p, steps: [{id: a, units: ['achievement:urn:q']}]}
  - {id: q, name: Q, awards: urn:q, steps: [{id: a, units: ['achievement:urn:p']}]}
"""
    path = write(tmp_path, text)
    assert len(read_pathways_file(path)) == 2  # the loop shows against a catalog only
    with pytest.raises(InputError) as exc:
        read_pathways_file(path, catalog=[])
    assert messages(exc) == ["pathways.yaml: pathways loop: p -> q -> p"]


def test_hostile_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"^p.json: unknown kind of pathways file '.json'"):
        read_pathways_file(write(tmp_path, "{}", "p.json"))
    with pytest.raises(InputError, match=r"^pathways.yaml, row 1: invalid YAML"):
        read_pathways_file(write(tmp_path, "pathways: [&a {id: *a}"))
    with pytest.raises(InputError, match="could not determine a constructor"):
        read_pathways_file(write(tmp_path, "pathways: !!python/object/apply:os.system [ls]"))
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, one_step("{id: b, units: [x]}") + "#" * 200)
    with pytest.raises(InputError, match=r"^pathways.yaml: file is larger than 0 MiB$"):
        read_pathways_file(path)


def test_the_yaml_export_reads_back_as_the_same_pathways(tmp_path: Path) -> None:
    pathways = read_pathways_file(DATA / "pathways.yaml")
    text = pathways_yaml(pathways)
    assert "  - item:sql-cert\n" in text and "count: 2\n" in text
    assert read_pathways_file(write(tmp_path, text, "export.yaml")) == pathways
