"""Errors name the place an editor or spreadsheet shows; validity periods of achievements."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from skillgap.domain import ExpiryPolicy
from skillgap.errors import InputError, InputErrors, ValidationError
from skillgap.formats.bundle import read_bundle
from tests.formats.editing import append_row, edit, rewrite_yaml

# --- (f) duplicates, the manager tree, framework rules, missing and optional values


def test_a_duplicate_e_mail_names_the_second_row(folder: Path) -> None:
    row = append_row(folder / "people.csv", "E9999,X,amara.okafor@tidewell.example,D,T,,,,")
    message = rf"^people.csv, row {row}, field 'email': e-mail '\S+' appears twice \(first at row 2"
    with pytest.raises(InputError, match=message):
        read_bundle(folder)


def test_a_duplicate_award_id_names_the_second_row(folder: Path) -> None:
    awards = folder / "awards.csv"
    row = append_row(awards, awards.read_text(encoding="utf-8").splitlines()[5])
    with pytest.raises(InputError, match=rf"^awards.csv, row {row}, field 'award_id': award id"):
        read_bundle(folder)


@pytest.mark.parametrize(
    ("file", "key", "field", "users"),
    [
        ("roles.yaml", "roles", r"roles\[2\].id", "people.csv"),
        ("issuers.yaml", "issuers", r"issuers\[2\].id", "achievements.yaml"),
        ("achievements.yaml", "achievements", r"achievements\[2\].id", "awards.csv"),
        ("framework.yaml", "groups", r"groups\[2\].code", "framework.yaml"),
        ("framework.yaml", "competencies", r"competencies\[2\].code", None),
    ],
)
def test_a_duplicate_id_names_the_second_item(
    folder: Path, file: str, key: str, field: str, users: str | None
) -> None:
    """The id the item had is gone: what referred to it is reported too, in its own file."""
    name = "code" if file == "framework.yaml" else "id"
    replaced = []

    def copy_id(data: dict[str, Any]) -> None:
        replaced.append(data[key][2][name])
        data[key][2][name] = data[key][0][name]

    rewrite_yaml(folder / file, copy_id)
    with pytest.raises((InputError, InputErrors)) as caught:
        read_bundle(folder)
    first, *rest = _errors(caught.value)
    message = rf"^{file}, field '{field}': .* appears twice \(first at {field.replace('2', '0')}\)"
    assert re.match(message, str(first))
    assert rest and all(f"unknown {_ONE[key]} {replaced[0]!r}" in str(e) for e in rest)
    assert users is None or {e.file for e in rest} == {users}


def _errors(exc: InputError | InputErrors) -> list[InputError]:
    return exc.errors if isinstance(exc, InputErrors) else [exc]


_ONE = {
    "roles": "role",
    "issuers": "issuer",
    "achievements": "achievement",
    "groups": "group",
    "competencies": "competency",
}


def test_an_unknown_manager_names_the_row(folder: Path) -> None:
    row = append_row(folder / "people.csv", "E9999,X,x@x.example,D,T,E_NOPE,,,")
    with pytest.raises(InputError, match=rf"^people.csv, row {row}, field 'manager_id': .*E_NOPE"):
        read_bundle(folder)


def test_a_management_cycle_names_the_first_row_in_it(folder: Path) -> None:
    edit(folder / "people.csv", "Executive Office,,", "Executive Office,E1013,")  # E1001
    message = (
        r"^people.csv, row 2, field 'manager_id': the manager tree has a cycle: "
        r"E1001 -> E1013 -> E1002 -> E1001$"
    )
    with pytest.raises(InputError, match=message):
        read_bundle(folder)


def test_managing_oneself_names_the_row(folder: Path) -> None:
    edit(folder / "people.csv", "Office of the CTO,E1001", "Office of the CTO,E1002")
    with pytest.raises(InputError, match=r"^people.csv, row 3, field 'manager_id': .*themselves"):
        read_bundle(folder)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["competencies"][4].update(group="nope"),
            r"field 'competencies\[4\].group': unknown group 'nope'",
        ),
        (
            lambda d: d["groups"][3].update(parent="nope"),
            r"field 'groups\[3\].parent': unknown parent group 'nope'",
        ),
        (
            lambda d: d["groups"][0].update(parent=d["groups"][1]["code"]),
            r"field 'groups': .*cycle",
        ),
        (lambda d: d.update(id="a:b"), r"field 'id': framework id 'a:b' must not contain ':'"),
        (
            lambda d: d["competencies"][1].update(description=["a", "b"]),
            r"field 'competencies\[1\].description': expected a single value",
        ),
        (
            lambda d: d["competencies"][1].update(alt_labels=["ok", None]),
            r"field 'competencies\[1\].alt_labels\[1\]': is missing",
        ),
        (
            lambda d: d["groups"][2].update(description={"a": 1}),
            r"field 'groups\[2\].description': expected a single value",
        ),
    ],
)
def test_framework_errors_name_the_item(folder: Path, change: Any, message: str) -> None:
    rewrite_yaml(folder / "framework.yaml", change)
    with pytest.raises(InputError, match=rf"^framework.yaml, {message}"):
        read_bundle(folder)


def test_a_missing_level_is_missing(folder: Path) -> None:
    edit(folder / "roles.yaml", "{competency: sql, level: 3,", "{competency: sql,")
    with pytest.raises(InputError, match=r"requirements\[\d+\].level': is missing$"):
        read_bundle(folder)


def test_a_role_needing_a_competency_twice_names_its_requirements(folder: Path) -> None:
    rewrite_yaml(
        folder / "roles.yaml",
        lambda d: d["roles"][1]["requirements"].append(d["roles"][1]["requirements"][0]),
    )
    with pytest.raises(InputError, match=r"^roles.yaml, field 'roles\[1\].requirements': .*twice"):
        read_bundle(folder)


@pytest.mark.parametrize(
    ("file", "change", "field"),
    [
        ("issuers.yaml", lambda d: d["issuers"][1].update(url=[1]), r"issuers\[1\].url"),
        ("issuers.yaml", lambda d: d["issuers"][1].update(email={}), r"issuers\[1\].email"),
        ("roles.yaml", lambda d: d["roles"][1].update(family=[1]), r"roles\[1\].family"),
        (
            "achievements.yaml",
            lambda d: d["achievements"][1].update(criteria=["x"]),
            r"achievements\[1\].criteria",
        ),
        (
            "achievements.yaml",
            lambda d: d["achievements"][1].update(description=["x"]),
            r"achievements\[1\].description",
        ),
        (
            "achievements.yaml",
            lambda d: d["achievements"][1]["alignments"].append(
                {"name": ["x"], "status": "unmapped"}
            ),
            r"achievements\[1\].alignments\[\d+\].name",
        ),
        ("organisation.yaml", lambda d: d.update(description=["x"]), "description"),
    ],
)
def test_optional_values_are_located_at_their_own_field(
    folder: Path, file: str, change: Any, field: str
) -> None:
    rewrite_yaml(folder / file, change)
    with pytest.raises(InputError, match=rf"^{file}, field '{field}': expected a single value"):
        read_bundle(folder)


def test_stacking_errors_name_the_entry(folder: Path) -> None:
    achievements = folder / "achievements.yaml"

    def stack(targets: list[str]) -> None:
        rewrite_yaml(achievements, lambda d: d["achievements"][1].update(stackable_into=targets))

    stack(["https://badges.nimbusridge.example/achievements/cloud-practitioner", "nope"])
    message = r"field 'achievements\[1\].stackable_into\[1\]': unknown achievement 'nope'"
    with pytest.raises(InputError, match=message):
        read_bundle(folder)
    stack(["https://badges.nimbusridge.example/achievements/cloud-architect-associate"])
    with pytest.raises(InputError, match=r"field 'achievements\[1\].stackable_into': .*itself"):
        read_bundle(folder)


# --- (g) expiry


@pytest.mark.parametrize("days", [0, -5, 36_526, 10**9])
def test_an_expiry_policy_lies_between_a_day_and_a_century(days: int) -> None:
    with pytest.raises(ValidationError, match="from 1 to 36525"):
        ExpiryPolicy(days)
    assert ExpiryPolicy(1).valid_for_days == 1 and ExpiryPolicy().valid_for_days is None
    assert ExpiryPolicy(36_525).valid_for_days == 36_525


@pytest.mark.parametrize("days", ["0", "-30", "99999999"])
def test_a_bad_validity_period_is_reported_at_the_achievement(folder: Path, days: str) -> None:
    edit(folder / "achievements.yaml", "valid_for_days: 1095", f"valid_for_days: {days}")
    message = r"^achievements.yaml, field 'achievements\[0\].valid_for_days': .*from 1 to"
    with pytest.raises(InputError, match=message):
        read_bundle(folder)


def test_an_award_expiring_before_issue_names_the_expiry(folder: Path) -> None:
    row = append_row(
        folder / "awards.csv",
        "A9999,https://badges.nimbusridge.example/achievements/cloud-practitioner,E1001,"
        "x@y.example,2026-01-01,2025-01-01,",
    )
    with pytest.raises(InputError, match=rf"^awards.csv, row {row}, field 'expires_on': .*before"):
        read_bundle(folder)


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        (
            "roles.yaml",
            "importance: critical}",
            "importence: critical}",
            r"roles\[0\].requirements\[0\].importence",
        ),
        ("framework.yaml", "    kind: hard", "    knd: hard", r"competencies\[\d+\].knd"),
        (
            "achievements.yaml",
            "valid_for_days: 1095",
            "valid_for: 1095",
            r"achievements\[0\].valid_for",
        ),
        ("organisation.yaml", "snapshot_date:", "snapshot:", "snapshot"),
        ("issuers.yaml", "tier: industry-vendor", "teir: industry-vendor", r"issuers\[0\].teir"),
    ],
)
def test_a_misspelt_key_is_an_error_not_ignored(
    folder: Path, file: str, old: str, new: str, field: str
) -> None:
    edit(folder / file, old, new)
    with pytest.raises(InputError, match=rf"{file}, field '{field}': unknown key .*expected:"):
        read_bundle(folder)


@pytest.mark.parametrize("text", ["20260601", "2026-W01-1", "2026-6-1"])
def test_dates_must_be_written_yyyy_mm_dd(folder: Path, text: str) -> None:
    edit(folder / "organisation.yaml", "snapshot_date: 2026-11-01", f"snapshot_date: '{text}'")
    with pytest.raises(InputError, match="is not a date"):
        read_bundle(folder)
