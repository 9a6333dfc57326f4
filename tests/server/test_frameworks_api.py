"""Frameworks and scales through the API: import (a new framework, a new version with its
changes, a dry run, a diff; ESCO as a ZIP read as hostile input), export as CASE, and the
proficiency scales (list, import). All or nothing, every error located, imports audited."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from skillgap.domain.users import UserRole
from skillgap.formats import archive
from skillgap.formats.badges.sources import ZipLimits
from skillgap.formats.esco import read_esco
from skillgap.services.bundles import demo_folder

from .. import shared_data
from .conftest import A, E, H, M, Org, R, TestClient

DATA = Path(__file__).resolve().parents[1] / "data"
ESCO = DATA / "esco"
CASE = DATA / "case" / "cyber_hygiene_case_1p1.json"
TEMPLATE = DATA / "sheets" / "framework_template.csv"
NICE = shared_data.DATA / "nice" / "v2_nf_components.json"
FRAMEWORK_YAML = (demo_folder() / "framework.yaml").read_text(encoding="utf-8")
ACME = (
    "id: acme-4\nname: ACME four levels\nlevels:\n"
    "  - {value: 1, label: Learner, canonical: 1, descriptor: Needs guidance.}\n"
    "  - {value: 2, label: Practitioner, canonical: 2.5}\n"
    "  - {value: 3, label: Senior, canonical: 4}\n"
    "  - {value: 4, label: Authority, canonical: 5}\n"
)


def post(
    client: TestClient,
    org: Org,
    url: str,
    filename: str,
    content: bytes,
    role: UserRole = H,
    /,
    **form: Any,
) -> tuple[int, dict[str, Any]]:
    answer = client.post(
        url, headers=org.bearer(role), files=[("file", (filename, content))], data=form
    )
    return answer.status_code, answer.json()


def v2() -> bytes:
    """The demo framework, version 2: prompt engineering relabelled, SQL (a data analyst's
    requirement) no longer listed."""
    text = FRAMEWORK_YAML.replace("name: Prompt engineering", "name: Prompt design", 1)
    text = text.replace('version: "2026.1"', 'version: "2026.2"', 1)
    start = text.index("  - code: sql\n")
    return (text[:start] + text[text.index("  - code:", start + 5) :]).encode()


def frameworks(client: TestClient, org: Org) -> dict[str, dict[str, Any]]:
    found = client.get("/api/v1/frameworks", headers=org.bearer(E)).json()
    return {f["id"]: f for f in found}


def audit(client: TestClient, org: Org, action: str) -> list[dict[str, Any]]:
    found = client.get(f"/api/v1/audit?action={action}", headers=org.bearer(A)).json()
    items: list[dict[str, Any]] = found["items"]
    return items


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def esco_zip(prefix: str = "") -> bytes:
    return zipped({f"{prefix}{p.name}": p.read_bytes() for p in sorted(ESCO.glob("*.csv"))})


# --- frameworks: import, new versions, dry runs and diffs -----------------------------------


def test_a_new_version_answers_its_changes_keeps_what_is_used_and_is_audited(
    client: TestClient, org: Org
) -> None:
    status, body = post(
        client, org, "/api/v1/frameworks", "framework-v2.yaml", v2(), A, format="yaml"
    )
    assert status == 201, body
    assert (body["framework"], body["version"], body["written"]) == ("demo", "2026.2", True)
    changes = body["changes"]
    assert changes["previous_version"] == "2026.1"
    assert changes["counts"] == {
        "added": 0,
        "removed": 1,
        "relabelled": 1,
        "moved": 0,
        "returned": 0,
    }
    assert changes["removed"] == ["sql"]
    assert changes["relabelled"] == [
        {"code": "prompt-engineering", "old": "Prompt engineering", "new": "Prompt design"}
    ]
    used = {u["code"]: u["used_by"] for u in body["still_used"]}
    assert "role data-analyst" in used["sql"]
    assert body["scale_change"] is None and body["competencies"] == 41
    stored = frameworks(client, org)["demo"]
    assert (stored["version"], stored["competencies"], stored["retired"]) == ("2026.2", 41, 1)
    [entry] = audit(client, org, "framework imported")
    assert entry["subject"] == "demo" and entry["actor"].startswith("token:")
    assert entry["details"]["file"] == "framework-v2.yaml"
    assert (entry["details"]["removed"], entry["details"]["retired_in_use"]) == (1, ["sql"])


def test_a_dry_run_and_a_diff_answer_the_changes_and_write_nothing(
    client: TestClient, org: Org
) -> None:
    before = frameworks(client, org)
    status, dry = post(
        client, org, "/api/v1/frameworks", "v2.yaml", v2(), format="yaml", dry_run="true"
    )
    assert status == 200, dry
    assert dry["written"] is False and dry["changes"]["counts"]["removed"] == 1
    status, diffed = post(client, org, "/api/v1/frameworks/diff", "v2.yaml", v2(), format="yaml")
    assert status == 200, diffed
    assert diffed == dry
    assert frameworks(client, org) == before
    assert audit(client, org, "framework imported") == []


def test_bad_framework_input_is_located_and_stores_nothing(client: TestClient, org: Org) -> None:
    before = frameworks(client, org)
    bad = v2().replace(b"kind: hard", b"kind: squishy", 1)
    status, body = post(client, org, "/api/v1/frameworks", "../v2 bad.yaml", bad, format="yaml")
    assert status == 422, body
    [detail] = body["error"]["details"]
    assert detail["file"] == "v2_bad.yaml" and detail["field"] == "competencies[0].kind"
    assert "/tmp" not in body["error"]["message"]
    # a template needs an id and a name; an unknown format or scale is refused
    status, body = post(
        client, org, "/api/v1/frameworks", "t.csv", TEMPLATE.read_bytes(), format="csv"
    )
    assert status == 422 and "id and name" in body["error"]["message"]
    status, body = post(client, org, "/api/v1/frameworks", "t.csv", b"x", format="docx")
    assert status == 422 and body["error"]["details"][0]["location"] == ["body", "format"]
    status, body = post(
        client, org, "/api/v1/frameworks", "t.csv", TEMPLATE.read_bytes(),
        format="csv", id="ours", name="Ours", scale="nope",
    )  # fmt: skip
    assert (
        status == 422
        and "the field scale: no proficiency scale 'nope'" in (body["error"]["message"])
    )  # a field of the request, not a missing resource
    assert frameworks(client, org) == before
    assert audit(client, org, "framework imported") == []


@pytest.mark.parametrize("role", [M, R, E])
def test_only_admin_and_hr_import_frameworks_and_scales(
    client: TestClient, org: Org, role: UserRole
) -> None:
    for url, form in (
        ("/api/v1/frameworks", {"format": "yaml"}),
        ("/api/v1/frameworks/diff", {"format": "yaml"}),
        ("/api/v1/scales", {}),
    ):
        status, body = post(client, org, url, "x.yaml", v2(), role, **form)
        assert status == 403, (url, body)
    assert frameworks(client, org)["demo"]["version"] == "2026.1"


def test_a_case_package_round_trips_through_import_and_export(client: TestClient, org: Org) -> None:
    status, body = post(
        client, org, "/api/v1/frameworks", CASE.name, CASE.read_bytes(), format="case", id="cyber"
    )
    assert status == 201, body
    assert body["changes"] is None and body["competencies"] > 0
    answer = client.get("/api/v1/frameworks/cyber/export?format=case", headers=org.bearer(E))
    assert answer.status_code == 200, answer.text
    package = answer.json()
    assert package["CFDocument"]["title"] == "Cyber Hygiene for Public Servants"
    assert len(package["CFItems"]) >= body["competencies"]
    again = post(
        client,
        org,
        "/api/v1/frameworks/diff",
        "again.json",
        answer.content,
        format="case",
        id="cyber",
    )
    assert again[0] == 200 and again[1]["changes"]["counts"]["added"] == 0, again
    missing = client.get("/api/v1/frameworks/nope/export", headers=org.bearer(E))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
    other = client.get("/api/v1/frameworks/demo/export?format=esco", headers=org.bearer(E))
    assert other.status_code == 422
    assert client.get("/api/v1/frameworks/demo/export").status_code == 401


@pytest.mark.skipif(not NICE.exists(), reason="the NICE components file is not in ../shared")
def test_the_real_nice_components_file(client: TestClient, org: Org) -> None:
    status, body = post(
        client, org, "/api/v1/frameworks", NICE.name, NICE.read_bytes(), format="nice"
    )
    assert status == 201, body
    assert (body["framework"], body["version"]) == ("nice", "2.0.0")
    assert (body["competencies"], body["occupations"]) == (631 + 538, 41)
    assert len(body["warnings"]) == 1 and "skipped 4 links" in body["warnings"][0]
    stored = frameworks(client, org)["nice"]
    assert (stored["competencies"], stored["occupations"]) == (1169, 41)


def test_an_uploaded_framework_has_the_larger_limit_of_tables(org: Org) -> None:
    content = CASE.read_bytes()  # about 24 KB
    with org.app_client(max_request_bytes=8_000, max_table_bytes=100_000) as client:
        status, body = post(
            client, org, "/api/v1/frameworks/diff", CASE.name, content, format="case"
        )
        assert status == 200, body
    with org.app_client(max_table_bytes=8_000) as client:
        status, body = post(client, org, "/api/v1/frameworks", CASE.name, content, format="case")
        assert status == 413 and body["error"]["code"] == "too-large"
    assert "cyber" not in str(frameworks(client, org))


# --- folder formats: a ZIP of the folder ----------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "esco-v1.1.1/"])
def test_an_esco_export_as_a_zip(client: TestClient, org: Org, prefix: str) -> None:
    expected = read_esco(ESCO)
    status, body = post(
        client, org, "/api/v1/frameworks", "esco.zip", esco_zip(prefix), format="esco"
    )
    assert status == 201, body
    assert body["framework"] == "esco"
    assert body["competencies"] == len(expected.framework.competencies)
    assert body["occupations"] == len(expected.occupations)
    # the version is read from the zipped folder's name, as from the folder's
    assert body["version"] == ("1.1.1" if prefix else "unknown")
    assert len(body["warnings"]) == len(expected.warnings) - (1 if prefix else 0)
    assert frameworks(client, org)["esco"]["occupations"] == len(expected.occupations)
    without = post(
        client, org, "/api/v1/frameworks/diff", "esco.zip", esco_zip(prefix),
        format="esco", occupations="false",
    )  # fmt: skip
    assert without[0] == 200 and without[1]["occupations"] == 0


def test_a_hostile_zip_is_refused_with_every_bad_name_and_stores_nothing(
    client: TestClient, org: Org
) -> None:
    members = {p.name: p.read_bytes() for p in ESCO.glob("*.csv")}
    hostile = zipped({**members, "../evil.csv": b"x", "/etc/cron.d/x": b"x", "a\\b.csv": b"x"})
    status, body = post(client, org, "/api/v1/frameworks", "esco.zip", hostile, format="esco")
    assert status == 422, body
    found = {d["file"]: d["reason"] for d in body["error"]["details"]}
    assert found == {
        "esco.zip!../evil.csv": "unsafe member name: '..' would climb out of the archive",
        "esco.zip!/etc/cron.d/x": "unsafe member name: it is an absolute path",
        "esco.zip!a\\b.csv": "unsafe member name: it contains a backslash",
    }
    status, body = post(client, org, "/api/v1/frameworks", "esco.csv", b"a,b\n", format="esco")
    assert status == 422 and "not a ZIP archive" in body["error"]["message"]
    clash = zipped({"skills_en.csv": b"x", "skills_en.csv/x": b"y"})
    status, body = post(client, org, "/api/v1/frameworks", "esco.zip", clash, format="esco")
    assert status == 422 and "a file and a folder" in body["error"]["message"]
    status, body = post(client, org, "/api/v1/frameworks", "e.zip", zipped({}), format="esco")
    assert status == 422 and "holds no files" in body["error"]["message"]
    assert "esco" not in frameworks(client, org)


def test_a_zip_that_expands_too_far_or_holds_too_much_is_refused(
    client: TestClient, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = ZipLimits(file_bytes=30_000, archive_bytes=10**6, members=10, expanded_bytes=60_000)
    monkeypatch.setattr(archive, "FOLDER_LIMITS", small)
    bomb = zipped({"skills_en.csv": b"0" * 40_000})  # compresses to a few hundred bytes
    status, body = post(client, org, "/api/v1/frameworks", "bomb.zip", bomb, format="esco")
    assert status == 422 and body["error"]["details"][0]["file"] == "bomb.zip!skills_en.csv"
    assert "expands to more than" in body["error"]["message"]
    total = zipped({f"{n}.csv": b"0" * 25_000 for n in range(3)})
    status, body = post(client, org, "/api/v1/frameworks", "all.zip", total, format="esco")
    assert status == 422 and "the zip archive expands to more than" in body["error"]["message"]
    many = zipped({f"{n}.csv": b"" for n in range(11)})
    status, body = post(client, org, "/api/v1/frameworks", "many.zip", many, format="esco")
    assert status == 422 and "more than 10 members" in body["error"]["message"]


# --- scales ---------------------------------------------------------------------------------


def scales(client: TestClient, org: Org) -> dict[str, dict[str, Any]]:
    answer = client.get("/api/v1/scales", headers=org.bearer(E))
    assert answer.status_code == 200, answer.text
    return {s["id"]: s for s in answer.json()}


def test_scales_are_listed_imported_once_and_used_by_a_framework(
    client: TestClient, org: Org
) -> None:
    listed = scales(client, org)
    assert listed["1-5"]["builtin"] is True and "acme-4" not in listed
    assert {"value", "label", "canonical", "descriptor"} <= listed["1-5"]["levels"][0].keys()
    status, body = post(client, org, "/api/v1/scales", "acme.yaml", ACME.encode())
    assert status == 201, body
    assert (body["id"], body["added"], body["builtin"]) == ("acme-4", True, False)
    assert body["levels"][1] == {
        "value": 2, "label": "Practitioner", "canonical": 2.5, "descriptor": ""
    }  # fmt: skip
    assert scales(client, org)["acme-4"]["levels"][0]["descriptor"] == "Needs guidance."
    again = post(client, org, "/api/v1/scales", "acme.yaml", ACME.encode())
    assert again[0] == 200 and again[1]["added"] is False
    [entry] = audit(client, org, "scale imported")
    assert entry["subject"] == "acme-4" and entry["details"]["file"] == "acme.yaml"
    status, body = post(
        client, org, "/api/v1/frameworks", "t.csv", TEMPLATE.read_bytes(),
        format="csv", id="ours", name="Our skills", scale="acme-4",
    )  # fmt: skip
    assert status == 201, body
    shown = client.get("/api/v1/frameworks/ours", headers=org.bearer(E)).json()
    assert shown["scale"] == "ACME four levels"


def test_a_clashing_or_bad_scale_is_refused_and_nothing_stored(
    client: TestClient, org: Org
) -> None:
    before = scales(client, org)
    status, body = post(
        client, org, "/api/v1/scales", "k.yaml", ACME.replace("acme-4", "kpm").encode()
    )
    assert status == 409 and "built-in scale" in body["error"]["message"]
    assert post(client, org, "/api/v1/scales", "acme.yaml", ACME.encode())[0] == 201
    other = ACME.replace("canonical: 2.5", "canonical: 3")
    status, body = post(client, org, "/api/v1/scales", "acme2.yaml", other.encode())
    assert status == 409 and "a different scale 'acme-4'" in body["error"]["message"]
    bad = ACME.replace("value: 2,", "value: two,").replace("label: Senior", "label: [x]")
    status, body = post(
        client, org, "/api/v1/scales", "bad.yaml", bad.replace("acme-4", "b").encode()
    )
    assert status == 422, body
    fields = [(d["file"], d["field"]) for d in body["error"]["details"]]
    assert fields == [("bad.yaml", "levels[1].value"), ("bad.yaml", "levels[2].label")]
    assert scales(client, org).keys() == {*before, "acme-4"}
    assert len(audit(client, org, "scale imported")) == 1


@pytest.mark.parametrize("store", ["sqlite_org", "postgres_org"])
def test_an_import_on_a_database_is_stored_and_audited_in_one_unit(
    store: str, request: pytest.FixtureRequest
) -> None:
    org: Org = request.getfixturevalue(store)
    with org.app_client() as client:
        assert frameworks(client, org)["demo"]["version"] == "2026.1"  # now cached
        status, body = post(client, org, "/api/v1/frameworks", "v2.yaml", v2(), A, format="yaml")
        assert status == 201, body
        assert frameworks(client, org)["demo"]["version"] == "2026.2"
        [entry] = audit(client, org, "framework imported")
        assert entry["details"]["version"] == "2026.2"
