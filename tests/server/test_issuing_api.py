"""The organisation's own credentials through the API: issued (signed, verified, recorded,
handed back), listed, shown and revoked, by administrators and HR."""

from __future__ import annotations

import json
from pathlib import Path

from skillgap.domain.users import UserRole

from .conftest import EMPLOYEE, Org, TestClient
from .test_plans_api import issuer_setup

A, H, R, E = UserRole.ADMIN, UserRole.HR, UserRole.REVIEWER, UserRole.EMPLOYEE
OWN = "https://skills.tidewell.example/achievements/data-analytics-proficiency"


def test_a_credential_is_issued_listed_and_revoked(
    client: TestClient, org: Org, tmp_path: Path
) -> None:
    issuer_setup(org, tmp_path)
    body = {"achievement_id": OWN, "person": EMPLOYEE, "evidence": ["https://git.example/p/1"]}
    made = client.post("/api/v1/issued", json=body, headers=org.bearer(H))
    assert made.status_code == 201, made.text
    issued = made.json()
    assert issued["id"].startswith("urn:uuid:") and issued["state"] == "active"
    assert issued["person_id"] == EMPLOYEE and issued["achievement"]
    document = json.loads(issued["document"])
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["evidence"][0]["id"] == "https://git.example/p/1"
    award = client.get(f"/api/v1/credentials/{issued['id']}", headers=org.bearer(H)).json()
    assert award["status"] == "valid" and award["person_id"] == EMPLOYEE  # a verified award
    listed = client.get("/api/v1/issued", headers=org.bearer(R)).json()
    assert [i["id"] for i in listed["items"]] == [issued["id"]] and listed["total"] == 1
    assert "document" not in listed["items"][0]
    bare = issued["id"].removeprefix("urn:uuid:")
    shown = client.get(f"/api/v1/issued/{bare}", headers=org.bearer(A)).json()
    assert shown["document"] == issued["document"]
    url = f"/api/v1/issued/{issued['id']}/revoke"
    revoked = client.post(url, json={"reason": "wrong person"}, headers=org.bearer(H)).json()
    assert revoked["state"] == "revoked" and revoked["revocation_reason"] == "wrong person"
    again = client.post(url, json={}, headers=org.bearer(H))
    assert again.status_code == 200 and again.json()["revocation_reason"] == "wrong person"
    award = client.get(f"/api/v1/credentials/{issued['id']}", headers=org.bearer(H)).json()
    assert award["status"] == "revoked"
    log = client.get("/api/v1/audit?days=3650", headers=org.bearer(A)).json()["items"]
    done = [(e["action"], e["actor"]) for e in log if e["action"].startswith("credential ")]
    hr = f"token:{org.tokens[H].split('_')[1]}"
    assert done == [("credential revoked", hr), ("credential issued", hr)]  # newest first


def test_only_the_organisations_achievements_and_known_people(
    client: TestClient, org: Org, tmp_path: Path
) -> None:
    jwt = {"achievement_id": OWN, "person": EMPLOYEE, "format": "jwt"}
    no_profile = client.post("/api/v1/issued", json=jwt, headers=org.bearer(A))
    assert no_profile.status_code == 404, no_profile.text  # no issuer set up yet
    assert "issuer init" in no_profile.json()["error"]["message"]
    issuer_setup(org, tmp_path)
    made = client.post("/api/v1/issued", json=jwt, headers=org.bearer(A))
    assert made.status_code == 201 and made.json()["document"].count(".") == 2  # a JWT
    foreign = "https://badges.nimbusridge.example/achievements/cloud-practitioner"
    other = client.post(
        "/api/v1/issued",
        json={"achievement_id": foreign, "person": EMPLOYEE},
        headers=org.bearer(A),
    )
    assert other.status_code == 422 and "issues only its own" in other.json()["error"]["message"]
    nobody = client.post(
        "/api/v1/issued", json={"achievement_id": OWN, "person": "E9999"}, headers=org.bearer(A)
    )
    assert nobody.status_code == 404
    bad_url = {"achievement_id": OWN, "person": EMPLOYEE, "evidence": ["file:///etc/passwd"]}
    assert client.post("/api/v1/issued", json=bad_url, headers=org.bearer(A)).status_code == 422
    assert client.get("/api/v1/issued/urn:uuid:nope", headers=org.bearer(A)).status_code == 404
    refused = client.post("/api/v1/issued", json=jwt, headers=org.bearer(E))
    assert refused.status_code == 403
