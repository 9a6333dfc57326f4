"""The bundle reader: the demo parses, and every kind of bad input is located and explained."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from skillgap.errors import InputError
from skillgap.formats import tabular
from skillgap.formats.bundle import Bundle, read_bundle
from skillgap.services.bundles import demo_folder
from tests.formats.editing import append_row, edit


def test_the_demo_organisation_is_complete(demo_bundle: Bundle) -> None:
    b = demo_bundle
    assert b.framework.id == "demo" and b.snapshot_date is not None
    assert 35 <= len(b.framework.competencies) <= 50
    assert {c.kind.value for c in b.framework.competencies} == {"hard", "soft"}
    assert 6 <= len(b.roles) <= 10 and all(r.horizons for r in b.roles)
    assert 50 <= len(b.people) <= 70
    assert len({p.department for p in b.people}) == 5
    assert sum(1 for p in b.people if p.manager_id is None) == 1
    assert 140 <= len(b.awards) <= 220
    assert b.snapshot_date is not None
    moment = datetime.combine(b.snapshot_date, time(), tzinfo=UTC)
    policy = {a.id: a.expiry for a in b.achievements}
    expiries = [a.expires_on or policy[a.achievement_id].expires(a.issued_on) for a in b.awards]
    assert sum(1 for e in expiries if e is not None and e <= moment) >= 10
    assessments = {a.assessment.value for a in b.achievements}
    assert {"performance", "quiz"} <= assessments
    assert {i.tier.value for i in b.issuers} >= {"unknown", "internal-board", "industry-vendor"}


def test_claims_keep_their_scale_and_provenance(demo_bundle: Bundle) -> None:
    assert {c.scale_id for c in demo_bundle.claims} == {"skillgap-0-5", "kpm"}
    first = demo_bundle.claims[0]
    assert "claims.csv row 2" in first.provenance


def test_awards_keep_only_the_expiry_date_awards_csv_gives(demo_bundle: Bundle) -> None:
    """The achievement's validity period is applied by the analysis, not stored per award."""
    text = (demo_folder() / "awards.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    given = {r["award_id"]: r["expires_on"] for r in rows}
    assert any(given.values()) and not all(given.values())
    for award in demo_bundle.awards:
        if given[award.id]:
            expected = datetime.combine(date.fromisoformat(given[award.id]), time(), tzinfo=UTC)
            assert award.expires_on == expected
        else:
            assert award.expires_on is None


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "roles.yaml",
            "{competency: sql, level: 3",
            "{competency: sqll, level: 3",
            r"roles.yaml, field 'roles\[\d+\].requirements\[\d+\].competency': unknown competency",
        ),
        (
            "roles.yaml",
            "{competency: sql, level: 3",
            "{competency: sql, level: 9",
            r"field 'roles\[\d+\].requirements\[\d+\].level': level 9 is not on scale",
        ),
        (
            "roles.yaml",
            "importance: critical}",
            "importance: vital}",
            r"importance': 'vital' is not one of: critical, important, useful",
        ),
        (
            "roles.yaml",
            "horizon: 2027-12-31",
            "horizon: next year",
            r"horizon': 'next year' is not a date",
        ),
        ("framework.yaml", "kind: hard", "kind: squishy", r"kind': 'squishy' is not one of"),
        ("framework.yaml", "scale: skillgap-0-5", "scale: stars", r"unknown scale 'stars'"),
        ("achievements.yaml", "assessment: quiz", "assessment: vibes", r"assessment': 'vibes'"),
        (
            "organisation.yaml",
            "snapshot_date: 2026-11-01",
            "snapshot_date: soon",
            r"organisation.yaml, field 'snapshot_date': 'soon' is not a date",
        ),
    ],
)
def test_bad_values_name_file_field_and_reason(
    folder: Path, file: str, old: str, new: str, message: str
) -> None:
    edit(folder / file, old, new)
    with pytest.raises(InputError, match=message):
        read_bundle(folder)


def test_bad_csv_rows_name_the_row(folder: Path) -> None:
    people = folder / "people.csv"
    row = append_row(people, "E9999,New Person,new@x.example,Data,Team,E_NOPE,data-analyst,,")
    with pytest.raises(InputError, match="manager 'E_NOPE', who is not among the people"):
        read_bundle(folder)
    edit(people, "E_NOPE,data-analyst", ",no-such-role")
    with pytest.raises(InputError, match=rf"people.csv, row {row}, field 'role_id': unknown role"):
        read_bundle(folder)


def test_duplicate_ids_and_emails_are_refused(folder: Path) -> None:
    people = folder / "people.csv"
    first = people.read_text(encoding="utf-8").splitlines()[1]
    row = append_row(people, first)
    with pytest.raises(
        InputError,
        match=rf"people.csv, row {row}, field 'employee_id': employee id 'E1001' appears twice "
        r"\(first at row 2\)",
    ):
        read_bundle(folder)


def test_award_with_unknown_achievement_or_bad_date(folder: Path) -> None:
    awards = folder / "awards.csv"
    row = append_row(awards, "A9999,https://nope.example/a,E1001,x@y.example,2026-01-01,,")
    with pytest.raises(InputError, match=rf"awards.csv, row {row}, field 'achievement_id'"):
        read_bundle(folder)


def test_claims_on_an_unknown_scale_or_out_of_range(folder: Path) -> None:
    claims = folder / "claims.csv"
    header = claims.read_text(encoding="utf-8").splitlines()[0].split(",")
    values = {
        "employee_id": "E1001",
        "competency": "sql",
        "level": "7",
        "scale": "kpm",
        "source": "self",
        "rated_by": "E1001",
        "rated_on": "2026-01-01",
    }
    row = append_row(claims, ",".join(values.get(col, "") for col in header))
    with pytest.raises(InputError, match=rf"claims.csv, row {row}, field 'level': level 7 is not"):
        read_bundle(folder)


def test_missing_columns_and_files(folder: Path) -> None:
    awards = folder / "awards.csv"
    lines = awards.read_text(encoding="utf-8").splitlines()
    awards.write_text("\n".join([lines[0].replace("issued_on", "issued"), *lines[1:]]))
    with pytest.raises(InputError, match="awards.csv, row 1: missing column.*issued_on"):
        read_bundle(folder)
    (folder / "issuers.yaml").unlink()
    with pytest.raises(InputError, match="issuers.yaml: cannot read the file"):
        read_bundle(folder)


def test_hostile_yaml_is_refused(folder: Path) -> None:
    (folder / "organisation.yaml").write_text("name: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(InputError, match="organisation.yaml, row 1: invalid YAML"):
        read_bundle(folder)


def test_broken_yaml_names_the_line(folder: Path) -> None:
    (folder / "framework.yaml").write_text("id: demo\nname: [unclosed\n")
    with pytest.raises(InputError, match=r"framework.yaml, row \d+: invalid YAML"):
        read_bundle(folder)


def test_files_over_the_size_limit_are_not_parsed(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError, match="larger than"):
        read_bundle(folder)


def test_non_utf8_text_is_refused(folder: Path) -> None:
    (folder / "people.csv").write_bytes(b"employee_id,name\n\xff\xfe\n")
    with pytest.raises(InputError, match="people.csv: not UTF-8 text"):
        read_bundle(folder)


def test_a_folder_is_required(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a folder"):
        read_bundle(tmp_path / "missing")
