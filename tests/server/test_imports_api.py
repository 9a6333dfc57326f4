"""What an HR system pushes in through the API: an HR export of people (all or nothing,
every error located; the valid rows with ``skip_invalid``, the others sent back) and a
snapshot of the organisation's gaps."""

from __future__ import annotations

import csv
import io
from typing import Any

from skillgap.domain.users import UserRole

from .conftest import Org, TestClient

A, H = UserRole.ADMIN, UserRole.HR


def upload(
    client: TestClient, org: Org, text: str, name: str = "hr.csv", **form: Any
) -> dict[str, Any]:
    answer = client.post(
        "/api/v1/people",
        headers=org.bearer(H),
        files=[("file", (name, text.encode(), "text/csv"))],
        data=form,
    )
    body: dict[str, Any] = answer.json()
    body["status"] = answer.status_code
    return body


def people(client: TestClient, org: Org) -> dict[str, dict[str, Any]]:
    answer = client.get("/api/v1/people?limit=500&inactive=true", headers=org.bearer(H))
    return {p["employee_id"]: p for p in answer.json()["items"]}


def snapshots(client: TestClient, org: Org) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/snapshots", headers=org.bearer(H))
    found: list[dict[str, Any]] = answer.json()["items"]
    return found


def test_an_hr_export_adds_and_updates_people_and_records_a_snapshot(
    client: TestClient, org: Org
) -> None:
    before = people(client, org)
    taken = len(snapshots(client, org))
    export = (
        "Emp No,name,department,team,manager_id,role\n"
        "E9001,Ana Novak,Operations,Network Planning,E1054,data-analyst\n"
        f"E1057,{before['E1057']['name']},Operations,Antwerp Hub,E1054,data-analyst\n"
    )
    body = upload(client, org, export, map=["Emp No=employee_id"])
    assert body["status"] == 200, body
    assert (body["added"], body["updated"], body["rejected"]) == (1, 1, 0)
    assert body["rejects_csv"] is None and body["deactivated"] == []
    after = people(client, org)
    assert after["E9001"]["name"] == "Ana Novak" and after["E9001"]["role"] == "data-analyst"
    assert after["E1057"]["team"] == "Antwerp Hub" and len(after) == len(before) + 1
    assert len(snapshots(client, org)) == taken + 1  # an import that changed someone
    again = upload(client, org, export, map=["Emp No=employee_id"])
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert len(snapshots(client, org)) == taken + 1  # nothing changed: no snapshot
    log = client.get("/api/v1/audit?action=people imported", headers=org.bearer(A)).json()
    assert [e["details"]["added"] for e in log["items"]] == [0, 1]  # newest first
    assert log["items"][1]["details"]["file"] == "hr.csv"


def test_a_bad_export_stores_nothing_and_names_every_error(client: TestClient, org: Org) -> None:
    before = people(client, org)
    export = (
        "employee_id,name,hire_date,manager_id\n"
        "E9001,Ana Novak,2020-13-01,\n"
        "E9002,,2021-01-01,\n"
        "E9003,Bo Li,2021-01-01,E9999\n"
    )
    body = upload(client, org, export, name="../../etc/hr export.csv")
    assert body["status"] == 422, body
    assert body["error"]["code"] == "validation"
    details = body["error"]["details"]
    assert {d["file"] for d in details} == {"hr_export.csv"}  # the name sent, made safe
    assert [d["row"] for d in details] == [2, 3, 4]
    assert details[0]["field"] == "hire_date"
    assert people(client, org) == before


def test_with_skip_invalid_the_valid_rows_are_stored_and_the_others_sent_back(
    client: TestClient, org: Org
) -> None:
    export = "employee_id,name,hire_date\nE9001,Ana Novak,2020-01-01\nE9002,=HYPERLINK(1),nope\n"
    body = upload(client, org, export, skip_invalid="true")
    assert body["status"] == 200, body
    assert (body["added"], body["rejected"]) == (1, 1)
    [header, row] = list(csv.reader(io.StringIO(body["rejects_csv"])))
    assert header == ["employee_id", "name", "hire_date", "reject_reason"]
    assert row[:3] == ["E9002", "'=HYPERLINK(1)", "nope"]  # no formula for a spreadsheet
    assert row[3].startswith("row 3: ") and "hire_date" in row[3]
    assert "E9001" in people(client, org) and "E9002" not in people(client, org)


def test_a_bad_request_is_refused_as_the_clients_fault(client: TestClient, org: Org) -> None:
    bad_map = upload(client, org, "employee_id,name\nE9001,Ana\n", map=["no equals sign"])
    assert bad_map["status"] == 422 and "map 'no equals sign'" in bad_map["error"]["message"]
    not_a_table = upload(client, org, "{}", name="people.json")
    assert not_a_table["status"] == 422
    assert "people.json" in not_a_table["error"]["message"]
    answer = client.post("/api/v1/people", headers=org.bearer(H))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "validation"
    both = upload(client, org, "employee_id,name\nE1057,X\n", full="true", skip_invalid="true")
    assert both["status"] == 422 and "inactive" in both["error"]["message"]


def test_a_snapshot_is_taken_and_compared_with_the_one_before(client: TestClient, org: Org) -> None:
    [first] = snapshots(client, org)  # the fixture's
    answer = client.post("/api/v1/snapshots", headers=org.bearer(H), json={"as_of": "2027-12-31"})
    assert answer.status_code == 201, answer.text
    taken = answer.json()
    assert taken["as_of"] == "2027-12-31" and taken["reason"] == "manual"
    assert taken["previous"]["id"] == first["id"]
    assert taken["change"] is not None
    assert [s["id"] for s in snapshots(client, org)] == [first["id"], taken["id"]]
    default = client.post("/api/v1/snapshots", headers=org.bearer(H))
    assert default.status_code == 201 and default.json()["as_of"] == first["as_of"]
    bad = client.post("/api/v1/snapshots", headers=org.bearer(H), json={"as_of": "2027-02-30"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]


RATINGS = "employee_id,competency,level,source,rated_on\nE1057,sql,4,self,2026-10-01\n"
ROLES = """roles:
  - id: ai-route-planner
    name: AI Route Planner
    family: Data
    requirements:
      - {competency: python-for-data, level: 4, importance: critical}
  - id: data-analyst
    name: Data Analyst
    family: Data
    requirements:
      - {competency: sql, level: 4, importance: critical}
"""


def post(client: TestClient, org: Org, url: str, name: str, text: str, **form: Any) -> Any:
    files = [("file", (name, text.encode(), "text/plain"))]
    return client.post(url, headers=org.bearer(H), files=files, data=form)


def test_ratings_are_imported_once_as_claims(client: TestClient, org: Org) -> None:
    first = post(client, org, "/api/v1/ratings", "ratings.csv", RATINGS, framework="demo")
    assert first.status_code == 200, first.text
    assert first.json() == {"added": 1, "already_held": 0, "rejected": 0, "rejects_csv": None}
    again = post(client, org, "/api/v1/ratings", "ratings.csv", RATINGS, framework="demo")
    assert again.json()["already_held"] == 1 and again.json()["added"] == 0
    valid = "E1057,statistics,2,self,2026-10-01\n"
    bad = RATINGS + valid + "E1057,sql,9,self,2026-10-01\nE9999,sql,2,self,2026-10-01\n"
    refused = post(client, org, "/api/v1/ratings", "more.csv", bad, framework="demo")
    assert refused.status_code == 422
    assert [(d["file"], d["row"]) for d in refused.json()["error"]["details"]] == [
        ("more.csv", 4),
        ("more.csv", 5),
    ]
    alone = post(client, org, "/api/v1/ratings", "v.csv", RATINGS.split("\n")[0] + "\n" + valid,
                 framework="demo")  # fmt: skip
    assert alone.json()["added"] == 1  # the refused file stored nothing, its valid row neither
    kept = post(
        client, org, "/api/v1/ratings", "more.csv", bad, framework="demo", skip_invalid="true"
    ).json()
    assert kept["rejected"] == 2 and kept["rejects_csv"].count("\n") == 3  # header + 2
    assert kept["already_held"] == 2 and kept["added"] == 0
    nowhere = post(client, org, "/api/v1/ratings", "r.csv", RATINGS, framework="nope")
    assert nowhere.status_code == 404


def test_roles_are_imported_and_replace_those_of_the_same_id(client: TestClient, org: Org) -> None:
    answer = post(client, org, "/api/v1/roles", "roles.yaml", ROLES, framework="demo")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "added": ["ai-route-planner"],
        "replaced": ["data-analyst"],
        "errors": 0,
        "rejects_csv": None,
    }
    role = client.get("/api/v1/roles/data-analyst", headers=org.bearer(H)).json()
    assert [(r["competency"], r["now"]["level"]) for r in role["requirements"]] == [("demo:sql", 4)]
    broken = ROLES.replace("level: 4, importance: critical}", "level: 4, importance: vital}", 1)
    refused = post(client, org, "/api/v1/roles", "roles.yaml", broken, framework="demo")
    assert refused.status_code == 422 and "importance" in refused.text
    kept = post(
        client, org, "/api/v1/roles", "roles.yaml", broken, framework="demo", skip_invalid="true"
    ).json()
    assert kept["errors"] == 1 and kept["replaced"] == ["data-analyst"]
    assert kept["rejects_csv"].startswith("file,row,field,reason")


def test_a_table_may_be_larger_than_a_credential_file(org: Org) -> None:
    rows = [f"E{9000 + i},Person {i},Operations,{'x' * 1900}" for i in range(1700)]
    export = "employee_id,name,department,notes\n" + "\n".join(rows) + "\n"
    assert 3 * 2**20 < len(export) < 4 * 2**20  # over the 2 MiB a credential file may have
    with org.app_client(max_table_bytes=4 * 2**20) as client:
        body = upload(client, org, export)
        assert body["status"] == 200, str(body)[:300]
        assert body["added"] == 1700
        badge = [("files", ("big.json", export.encode(), "application/json"))]
        refused = client.post("/api/v1/credentials/verify", headers=org.bearer(H), files=badge)
        assert refused.status_code == 413
        bigger = upload(client, org, export + export[35:])  # over the table limit
        assert bigger["status"] == 413 and "bytes" in bigger["error"]["message"]
