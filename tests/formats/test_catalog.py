"""Reading the learning catalog: tables, YAML and Open Badges achievement definitions, every
error located, hostile input refused, and the YAML export read back as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from skillgap.domain import AssessmentType, Competency, CompetencyRef, Framework, Issuer, IssuerTier
from skillgap.domain.catalog import ItemKind, Outcome
from skillgap.errors import InputError, InputErrors, ValidationError
from skillgap.formats import tabular
from skillgap.formats.badges import sources
from skillgap.formats.badges.catalog import read_badge_catalog
from skillgap.formats.catalog import catalog_yaml, read_catalog_file
from skillgap.formats.catalog_lookup import CompetencyLookup
from tests.formats.test_sheets import Text, write_xlsx

DATA = Path(__file__).parent.parent / "data" / "catalog"
EXAMPLES = Path(__file__).parent.parent / "data" / "credentials" / "examples"

ACME = Framework(
    "acme",
    "Acme Skills Framework",
    competencies=tuple(
        Competency("acme", code, code.title(), uri=f"https://skills.example.org/acme/{code}")
        for code in ("sql", "statistics", "incident-response", "cloud-security")
    ),
)
LOOKUP = CompetencyLookup.of([ACME])
SQL = CompetencyRef("acme", "sql")
STATS = CompetencyRef("acme", "statistics")
IR = CompetencyRef("acme", "incident-response")
CLOUD_SEC = CompetencyRef("acme", "cloud-security")
ACME_BOARD = Issuer(
    "https://skills.acme.example/issuer", "Acme Skills Board", tier=IssuerTier.INTERNAL_BOARD
)
HEADER = "id,name,provider,competencies,hours,cost\n"


def messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    errors = exc.value.errors if isinstance(exc.value, InputErrors) else [exc.value]
    return [str(e) for e in errors]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- tables


def test_a_csv_catalog_reads_every_column_and_warns_of_missing_cost_or_hours() -> None:
    read = read_catalog_file(DATA / "catalog.csv", LOOKUP)
    by_id = {item.id: item for item in read.items}
    assert list(by_id) == ["sql-basics", "sql-cert", "ir-sim", "stats-webinar"]
    cert = by_id["sql-cert"]
    assert cert.kind is ItemKind.CERTIFICATION and not cert.internal
    assert cert.outcomes == (Outcome(SQL, 3), Outcome(STATS, 2))
    assert (cert.hours, cert.cost, cert.valid_for_days) == (40.0, 450.0, 1095)
    assert cert.issuer_tier is IssuerTier.INDUSTRY_VENDOR
    assert cert.assessment is AssessmentType.PROCTORED_EXAM
    assert cert.prerequisites == ("sql-basics",)
    assert cert.achievement_id == "https://learn.example.com/achievements/sql-analyst"
    assert cert.url == "https://learn.example.com/sql-analyst"
    assert by_id["sql-basics"].internal and by_id["ir-sim"].internal
    # no assessment given: read from the description ("observed")
    assert by_id["ir-sim"].assessment is AssessmentType.PERFORMANCE
    assert read.warnings == (
        "catalog.csv, row 4: item 'ir-sim' gives no cost: counted as 0",
        "catalog.csv, row 5: item 'stats-webinar' gives no hours: counted as 0",
    )


def test_every_bad_cell_is_reported_at_once_with_its_row_and_field() -> None:
    with pytest.raises(InputErrors) as exc:
        read_catalog_file(DATA / "catalog_errors.csv", LOOKUP)
    f = "catalog_errors.csv"
    assert messages(exc) == [
        f"{f}, row 2, field 'internal': 'maybe' is not one of: yes, no, true, false, 1, 0",
        f"{f}, row 3, field 'kind': 'webinar' is not one of: course, certification, "
        "assessment, micro-credential, programme, on-the-job",
        f"{f}, row 3, field 'cost': '-5' is not a number from 0 to 10,000,000",
        f"{f}, row 4, field 'competencies': unknown competency 'acme:cooking'",
        f"{f}, row 5, field 'competencies': 'acme:sql' has no level "
        "(expected FRAMEWORK:CODE@LEVEL)",
        f"{f}, row 6, field 'competencies': level 9 is not on scale 'skillgap-0-5' "
        "(allowed: 0, 1, 2, 3, 4, 5)",
        f"{f}, row 6, field 'valid_for_days': 0 is not a number of days from 1 to 36525",
        f"{f}, row 7, field 'hours': 'lots' is not a number",
        f"{f}, row 7, field 'issuer_tier': 'famous' is not one of: industry-vendor, "
        "accredited, internal-board, known, unknown",
        f"{f}, row 7, field 'assessment': 'cheating' is not one of: performance, portfolio, "
        "practical-exam, proctored-exam, unproctored-test, quiz, attendance, unknown",
        f"{f}, row 9, field 'id': item id 'h' appears twice (first at row 8)",
        # 'b' had an error of its own: only the prerequisite no row gives is reported
        f"{f}, row 10, field 'prerequisites': catalog item 'f' needs 'ghost', which is not "
        "in the catalog",
        f"{f}, row 11, field 'id': is empty",
        f"{f}, row 11, field 'provider': is empty",
    ]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("acme:sql@2; acme:sql@3", "names acme:sql twice"),
        ("acme:sql@0", "the level of acme:sql must be 1 or more, not 0"),
        ("acme:sql@two", "'acme:sql@two': the level is not a whole number"),
        ("other:sql@2", "unknown competency 'other:sql'"),
    ],
)
def test_bad_competency_cells(tmp_path: Path, cell: str, reason: str) -> None:
    path = write(tmp_path, "c.csv", HEADER + f'x,X,Acme,"{cell}",1,1\n')
    with pytest.raises(InputError) as exc:
        read_catalog_file(path, LOOKUP)
    assert messages(exc) == [f"c.csv, row 2, field 'competencies': {reason}"]


@pytest.mark.parametrize(
    ("cost", "reason"),
    [
        ("nan", "'nan' is not a number from 0 to 10,000,000"),
        ("1e999", "'1e999' is not a number from 0 to 10,000,000"),
        ("10000001", "'10000001' is not a number from 0 to 10,000,000"),
        ("1,000", "'1,000' is not a number"),
    ],
)
def test_costs_must_be_finite_and_in_range(tmp_path: Path, cost: str, reason: str) -> None:
    path = write(tmp_path, "c.csv", HEADER + f'x,X,Acme,acme:sql@1,1,"{cost}"\n')
    with pytest.raises(InputError) as exc:
        read_catalog_file(path, LOOKUP)
    assert messages(exc) == [f"c.csv, row 2, field 'cost': {reason}"]


def test_formula_cells_are_kept_as_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.csv",
        HEADER + '=cmd(),"=HYPERLINK(""http://evil.example"")",@SUM(A1),acme:sql@1,1,1\n',
    )
    (item,) = read_catalog_file(path, LOOKUP).items
    assert (item.id, item.name, item.provider) == (
        "=cmd()",
        '=HYPERLINK("http://evil.example")',
        "@SUM(A1)",
    )


def test_an_xlsx_catalog_reads_like_a_csv_and_never_evaluates_formulas(tmp_path: Path) -> None:
    header = ["id", "name", "provider", "competencies", "hours", "cost", "internal"]
    path = write_xlsx(
        tmp_path / "catalog.xlsx",
        [
            header,
            ["a", Text("=cmd()"), "Acme", "acme:sql@2; acme:statistics@1", 8, 0.5, True],
            ["b", "=1+1", "Acme", "acme:sql@1", 1, 1, "no"],  # a formula never computed
        ],
    )
    with pytest.raises(InputError) as exc:
        read_catalog_file(path, LOOKUP)
    assert messages(exc) == ["catalog.xlsx, row 3, field 'name': is empty"]
    good = ["a", Text("=cmd()"), "Acme", "acme:sql@2", 8, 0.5, "TRUE"]
    path = write_xlsx(tmp_path / "catalog.xlsx", [header, good])
    (item,) = read_catalog_file(path, LOOKUP).items
    assert (item.name, item.hours, item.cost, item.internal) == ("=cmd()", 8.0, 0.5, True)


def test_columns_can_be_mapped(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "Code,Title,Vendor,Skills\nx,X,Acme,acme:sql@1\n")
    mapping = {"Code": "id", "Title": "name", "Vendor": "provider", "Skills": "competencies"}
    (item,) = read_catalog_file(path, LOOKUP, mapping=mapping).items
    assert (item.id, item.provider, item.outcomes) == ("x", "Acme", (Outcome(SQL, 1),))


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "id,title\nx,X\n")
    with pytest.raises(InputErrors) as exc:
        read_catalog_file(path, LOOKUP)
    assert [e.reason.split(" (")[0] for e in exc.value.errors] == [
        "missing column name",
        "missing column provider",
    ]


def test_huge_and_unknown_files_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "catalog.csv", HEADER + "x,X,Acme,acme:sql@1,1,1\n" * 10)
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError, match=r"^catalog.csv: file is larger than 0 MiB$"):
        read_catalog_file(path, LOOKUP)
    with pytest.raises(InputError, match=r"^c.json: unknown kind of catalog file '.json'"):
        read_catalog_file(write(tmp_path, "c.json", "{}"), LOOKUP)
    with pytest.raises(InputError, match=r"^c.yaml: a YAML file has no sheets"):
        read_catalog_file(write(tmp_path, "c.yaml", "items: []"), LOOKUP, sheet="S")


# --- YAML


def test_prerequisites_that_loop_are_refused_at_the_item_the_loop_starts_from() -> None:
    with pytest.raises(InputError) as exc:
        read_catalog_file(DATA / "catalog_loop.yaml", LOOKUP)
    assert messages(exc) == [
        "catalog_loop.yaml, field 'items[0].prerequisites': catalog item prerequisites loop: "
        "a -> c -> b -> a"
    ]


def test_yaml_errors_are_located_by_their_place(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.yaml",
        """\
items:
  - {id: a, name: A, provider: P, cost: -1, colour: red}
  - {id: b, name: B, provider: P, hours: [1], internal: perhaps, competencies: [acme:sql]}
  - {id: c, provider: P, prerequisites: [a, a]}
  - just text
  - {id: d, name: D, provider: P, prerequisites: [b]}
extra: 1
""",
    )
    with pytest.raises(InputErrors) as exc:
        read_catalog_file(path, LOOKUP)
    assert messages(exc) == [
        "c.yaml, field 'extra': unknown key 'extra' (expected: items)",
        "c.yaml, field 'items[0].colour': unknown key 'colour' (expected: achievement_id, "
        "assessment, competencies, cost, description, hours, id, internal, issuer_tier, kind, "
        "name, prerequisites, provider, url, valid_for_days)",
        "c.yaml, field 'items[1].internal': 'perhaps' is not one of: yes, no, true, false, 1, 0",
        "c.yaml, field 'items[1].competencies': 'acme:sql' has no level "
        "(expected FRAMEWORK:CODE@LEVEL)",
        "c.yaml, field 'items[1].hours': expected a single value, got a structure",
        "c.yaml, field 'items[2].name': is missing",
        "c.yaml, field 'items[2].prerequisites': names 'a' twice",
        "c.yaml, field 'items[3]': expected a mapping of keys to values",
    ]


def test_yaml_takes_lists_or_text_and_yaml_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.yml",
        """\
items:
  - id: 101
    name: Course
    provider: P
    internal: yes
    competencies: "acme:sql@2; acme:statistics@1"
    hours: 2.5
    cost: 10
  - {id: b, name: B, provider: P, competencies: [acme:sql@3], prerequisites: "101",
     hours: 0, cost: 0, kind: Certification}
""",
    )
    first, second = read_catalog_file(path, LOOKUP).items
    assert (first.id, first.internal, first.hours, first.cost) == ("101", True, 2.5, 10.0)
    assert first.outcomes == (Outcome(SQL, 2), Outcome(STATS, 1))
    assert second.prerequisites == ("101",) and second.kind is ItemKind.CERTIFICATION


def test_a_bare_code_reads_against_the_one_framework_only() -> None:
    assert LOOKUP.parse_outcome("sql@2") == Outcome(SQL, 2)
    other = Framework("other", "Other", competencies=(Competency("other", "sql", "SQL"),))
    both = CompetencyLookup.of([ACME, other])
    assert both.parse_outcome("other:sql@1") == Outcome(CompetencyRef("other", "sql"), 1)
    with pytest.raises(ValidationError, match="is not a competency reference"):
        both.parse_outcome("sql@1")


# --- writing


def test_the_yaml_export_reads_back_as_the_same_catalog(tmp_path: Path) -> None:
    items = read_catalog_file(DATA / "catalog.csv", LOOKUP).items
    text = catalog_yaml(items)
    assert "competencies:\n  - acme:sql@3\n  - acme:statistics@2\n" in text
    assert "hours: 40\n" in text  # whole numbers written as such
    again = read_catalog_file(write(tmp_path, "export.yaml", text), LOOKUP)
    assert again.items == items and again.warnings == ()


def test_the_export_keeps_awkward_text_as_text(tmp_path: Path) -> None:
    rows = io.StringIO()
    csv.writer(rows).writerows(
        [
            ["id", "name", "provider", "description"],
            ["yes", "=cmd()", "null", "line one\nline two: 'quoted' # not a comment"],
        ]
    )
    items = read_catalog_file(write(tmp_path, "c.csv", rows.getvalue()), LOOKUP).items
    again = read_catalog_file(write(tmp_path, "c.yaml", catalog_yaml(items)), LOOKUP).items
    assert again == items
    assert (again[0].id, again[0].name, again[0].provider) == ("yes", "=cmd()", "null")


# --- Open Badges achievement definitions


def test_an_ob2_badgeclass_becomes_an_item() -> None:
    read = read_badge_catalog([DATA / "ob2_badgeclass.json"], LOOKUP, default_level=2)
    (item,) = read.items
    badge = "https://badges.corvid.example/badgeclasses/incident-handler"
    assert (item.id, item.achievement_id, item.name) == (badge, badge, "Certified Incident Handler")
    # by the competency's URI at the default level; by framework name and code, with a level
    assert item.outcomes == (Outcome(IR, 2), Outcome(CLOUD_SEC, 2))
    assert item.assessment is AssessmentType.PRACTICAL_EXAM  # "practical exam", in the criteria
    assert item.kind is ItemKind.MICRO_CREDENTIAL
    assert (item.provider, item.issuer_tier, item.internal) == (
        "https://badges.corvid.example/issuer",
        IssuerTier.UNKNOWN,
        False,
    )
    assert item.url == "https://corvid.example/certifications/incident-handler"
    assert (item.hours, item.cost) == (0.0, 0.0)
    assert read.warnings == (
        "ob2_badgeclass.json, alignment[2]: 'Ethical hacking' names no competency of the "
        "workspace: left out",
        f"ob2_badgeclass.json: item '{badge}' gives no cost or hours: counted as 0",
    )


def test_ob3_achievements_and_credentials_become_items() -> None:
    read = read_badge_catalog(
        [DATA / "ob3_achievement.json", DATA / "ob3_credential.json"],
        LOOKUP,
        default_level=1,
        issuers=[ACME_BOARD],
    )
    analyst, commander = read.items
    assert analyst.outcomes == (Outcome(SQL, 3), Outcome(STATS, 2))  # a level; FW:CODE@LEVEL
    assert (analyst.kind, analyst.assessment) == (
        ItemKind.CERTIFICATION,
        AssessmentType.PROCTORED_EXAM,
    )
    assert analyst.provider == "Example Learning"  # the creator's name
    assert commander.id == "https://skills.acme.example/achievements/incident-commander"
    assert commander.outcomes == (Outcome(IR, 4),)
    assert (commander.provider, commander.issuer_tier, commander.internal) == (
        "Acme Skills Board",
        IssuerTier.INTERNAL_BOARD,
        True,
    )
    assert commander.assessment is AssessmentType.PERFORMANCE


def test_third_party_definitions_without_alignments_are_read_with_warnings() -> None:
    paths = [
        EXAMPLES / "ob20_assets_robotics-badge.json",
        EXAMPLES / "jff-plugfest3_signed_badge_example-p3.json",
    ]
    robots, plugfest = read_badge_catalog(paths, LOOKUP, default_level=2).items
    assert (robots.name, robots.outcomes) == ("Awesome Robotics Badge", ())
    assert plugfest.provider == "Jobs for the Future (JFF) Labs"
    assert plugfest.id == "urn:uuid:ac254bd5-8fad-4bb1-9d29-efd938536926"


def badge(tmp_path: Path, name: str, text: str) -> Path:
    return write(tmp_path, name, text)


def test_bad_definitions_are_reported_file_by_file(tmp_path: Path) -> None:
    paths = [
        badge(tmp_path, "assertion.json", '{"type": "Assertion", "id": "urn:x"}'),
        badge(tmp_path, "twice.json", '{"type": "BadgeClass", "id": "a", "id": "b"}'),
        badge(
            tmp_path,
            "levels.json",
            '{"type": ["Achievement"], "id": "urn:l", "alignment": ['
            '{"targetUrl": "https://skills.example.org/acme/sql", "level": "high"},'
            '{"targetCode": "acme:statistics@9"}, "text"]}',
        ),
        badge(tmp_path, "empty.json", '{"type": ["OpenBadgeCredential"], "credentialSubject": {}}'),
        badge(tmp_path, "list.json", "[]"),
        badge(tmp_path, "control.json", '{"type": "BadgeClass", "id": "c", "name": "A\\u0007"}'),
        DATA / "ob3_achievement.json",
        badge(tmp_path, "copy.json", (DATA / "ob3_achievement.json").read_text()),
    ]
    with pytest.raises(InputErrors) as exc:
        read_badge_catalog(paths, LOOKUP, default_level=2)
    assert messages(exc) == [
        "assertion.json, field 'type': is not an Open Badges BadgeClass, Achievement or "
        "AchievementCredential",
        "twice.json: key 'id' appears twice in one object",
        "levels.json, field 'name': is missing",
        "levels.json, field 'alignment[0].level': 'high' is not a whole number",
        "levels.json, field 'alignment[1].level': level 9 is not on scale 'skillgap-0-5' "
        "(allowed: 0, 1, 2, 3, 4, 5)",
        "levels.json, field 'alignment[2]': expected a JSON object",
        "empty.json, field 'credentialSubject.achievement': the credential names no achievement",
        "list.json: expected a JSON object at the top",
        "control.json, field 'name': contains control character U+0007",
        "copy.json, field 'id': item id 'https://learn.example.com/achievements/sql-analyst' "
        "appears twice (first at ob3_achievement.json)",
    ]


def test_the_default_level_must_be_on_the_scale() -> None:
    with pytest.raises(InputError) as exc:
        read_badge_catalog([DATA / "ob2_badgeclass.json"], LOOKUP, default_level=0)
    assert messages(exc) == [
        "ob2_badgeclass.json, field 'alignment[0].level': the level of acme:incident-response "
        "must be 1 or more, not 0"
    ]


def test_huge_and_deep_json_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = badge(
        tmp_path, "deep.json", '{"type": "BadgeClass", "x": ' + "[" * 100 + "]" * 100 + "}"
    )
    big = badge(tmp_path, "big.json", '{"type": "BadgeClass", "pad": "' + "x" * 2000 + '"}')
    monkeypatch.setattr(sources, "MAX_JSON_BYTES", 1024)
    with pytest.raises(InputErrors) as exc:
        read_badge_catalog([deep, big], LOOKUP, default_level=2)
    assert messages(exc) == [
        "deep.json: JSON nests deeper than 64 levels",
        "big.json: JSON is larger than 1024 bytes",
    ]
