"""`skillgap gaps` and `skillgap why` on the demo organisation (Tidewell Logistics, as of its
snapshot date 2026-11-01), checked against its data files and `skillgap summary`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillgap.cli import CliEnvironment, cli
from skillgap.clock import FixedClock


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo workspace for the module: every command here only reads it."""
    path = tmp_path_factory.mktemp("gaps") / "demo.db"
    result = run(path, "demo", "--yes")
    assert result.exit_code == 0, result.output
    return path


def run(workspace: Path, *args: str) -> Result:
    env = CliEnvironment(environ={}, clock=FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args], obj=env)


def out(workspace: Path, *args: str) -> str:
    result = run(workspace, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def data(workspace: Path, *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(out(workspace, *args, "--json"))
    return found


def rows(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["competency"]: r for r in profile["requirements"]}


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces folded: a sentence rich wrapped is whole
    again (tables' columns are not: read those with ``last_column``)."""
    return " ".join(text.split())


def last_column(text: str, start: str, end: str) -> str:
    """The last column of the table between ``start`` and ``end``, its pieces joined."""
    block = text.split(start, 1)[1].split(end, 1)[0]
    cells = [line.split("│")[-2].strip() for line in block.splitlines() if line.count("│") > 2]
    return " ".join(cell for cell in cells if cell)


def error(workspace: Path, *args: str) -> str:
    result = run(workspace, *args)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


# --- skillgap gaps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), [("E1019", 0.0), ("E1048", 0.0), ("E1053", 0.0)]),
        (("--view", "best-available"), [("E1019", 10.0), ("E1011", 14.1), ("E1026", 15.8)]),
        (
            ("--view", "best-available", "--as-of", "2028-01-15"),
            [("E1044", 8.0), ("E1057", 10.7), ("E1019", 11.5)],
        ),
    ],
)
def test_each_persons_readiness_and_gaps_are_the_summarys(
    demo: Path, args: tuple[str, ...], expected: list[tuple[str, float]]
) -> None:
    summary = data(demo, "summary", *args)
    furthest = summary["furthest_from_role"]
    assert [(p["employee_id"], p["readiness"]) for p in furthest] == expected
    for person in furthest:
        gaps = data(demo, "gaps", person["employee_id"], *args)
        assert gaps["as_of"] == summary["as_of"] and gaps["view"] == summary["view"]
        assert (gaps["role"]["id"], gaps["role"]["own_role"]) == (person["role"], True)
        assert gaps["readiness_now"] == gaps["now"]["readiness"] == person["readiness"]
        fields = ("competency", "required", "held", "source", "importance", "status")
        open_now = [{f: r[f] for f in fields} for r in gaps["now"]["requirements"] if r["gap"] > 0]
        assert open_now == person["gaps"]  # same requirements, levels, sources, order


def test_claims_that_meet_a_requirement_without_proof_are_named(demo: Path) -> None:
    # Julien Lefèvre (data analyst): his statistics credential (Data Science Guru) does not
    # count; his manager rates him 2 (claims.csv), the level the role needs.
    verified = data(demo, "gaps", "E1057")
    stats = rows(verified["now"])["demo:statistics"]
    assert (stats["required_level"], stats["required_label"], stats["importance"]) == (
        2,
        "Knowledge",
        "important",
    )
    assert (stats["held"], stats["source"], stats["gap"], stats["status"]) == (
        None,
        None,
        2.0,
        "missing",
    )
    assert stats["claimed_only"] is True
    assert verified["now"]["claimed_not_verified"] == [
        {
            "competency": "demo:statistics",
            "name": "Statistics",
            "required": 2.0,
            "verified": None,
            "claim": {
                "source": "manager",
                "held": 2.0,
                "rated_on": "2026-10-02",
                "provenance": "manager rating by E1054 (claims.csv row 183)",
            },
        }
    ]
    communication = rows(verified["now"])["demo:communication"]
    assert (communication["held"], communication["source"], communication["status"]) == (
        3.0,
        "credential",
        "met",
    )
    assert communication["held_from"].startswith(
        "award urn:example:A0192: Communicator in Practice"
    )
    best = rows(data(demo, "gaps", "E1057", "--view", "best-available")["now"])
    assert (best["demo:statistics"]["held"], best["demo:statistics"]["source"]) == (2.0, "manager")
    assert best["demo:statistics"]["status"] == "met"
    assert best["demo:python-for-data"]["status"] == "partial"  # manager 1 beats self 4
    text = out(demo, "gaps", "E1057")
    assert "Gaps against their role Data Analyst (data-analyst), as of 2026-11-01" in text
    assert "Readiness: 16% now; 12% against the 2027-12-31 profile" in text
    assert "Statistics (manager rating 2 Knowledge on 2026-10-02; verified: none)" in flat(text)


def test_the_next_horizon_adds_the_roles_future_needs(demo: Path) -> None:
    # Oliver Brennan (product owner): self-rated 5 in prompt engineering, 4 in responsible
    # AI; his manager rates his generative AI use 2. All three are needed from 2027-12-31.
    gaps = data(demo, "gaps", "E1011", "--view", "best-available")
    assert (gaps["horizon"], gaps["readiness_now"], gaps["readiness_at_horizon"]) == (
        "2027-12-31",
        14.1,  # stakeholder management 3 of 4 (critical): 3 x 0.75 / 16
        31.3,  # + gen AI 2 of 3, responsible AI and prompt engineering met: 6.58 / 21
    )
    now, later = rows(gaps["now"]), rows(gaps["at_horizon"])
    assert set(later) - set(now) == {
        "demo:generative-ai-use",
        "demo:prompt-engineering",
        "demo:responsible-ai",
    }
    genai = later["demo:generative-ai-use"]
    assert (genai["since"], genai["required"], genai["held"], genai["source"]) == (
        "2027-12-31",
        3.0,
        2.0,
        "manager",
    )
    assert genai["status"] == "partial"
    assert later["demo:change-leadership"]["required"] == 3.0  # raised from 2
    assert now["demo:change-leadership"]["required"] == 2.0
    assert [c["competency"] for c in gaps["at_horizon"]["claimed_not_verified"]] == [
        "demo:prompt-engineering",
        "demo:responsible-ai",
    ]
    assert data(demo, "gaps", "E1011", "--horizon", "next") == data(demo, "gaps", "E1011")
    verified = data(demo, "gaps", "E1011")
    assert (verified["readiness_now"], verified["readiness_at_horizon"]) == (0.0, 0.0)


def test_a_horizon_date_takes_the_profile_in_force_then(demo: Path) -> None:
    before = data(demo, "gaps", "E1011", "--view", "best-available", "--horizon", "2027-06-30")
    assert before["horizon"] == "2027-06-30"
    assert before["at_horizon"]["requirements"] == before["now"]["requirements"]
    assert before["readiness_at_horizon"] == before["readiness_now"] == 14.1
    # a data engineer's profile changes twice: mlops 2 by 2027-12-31, 3 by 2028-06-30
    engineer = data(demo, "gaps", "E1032")
    assert (engineer["horizon"], engineer["later_horizons"]) == ("2027-12-31", ["2028-06-30"])
    assert rows(engineer["at_horizon"])["demo:mlops"]["required"] == 2.0
    last = data(demo, "gaps", "E1032", "--horizon", "2028-06-30")
    assert (last["horizon"], last["later_horizons"]) == ("2028-06-30", [])
    assert rows(last["at_horizon"])["demo:mlops"]["required"] == 3.0
    # after the last horizon there is nothing to look ahead to
    late = data(demo, "gaps", "E1057", "--as-of", "2028-01-15")
    assert (late["horizon"], late["at_horizon"], late["readiness_at_horizon"]) == (
        None,
        None,
        None,
    )
    assert rows(late["now"])["demo:generative-ai-use"]["required"] == 3.0  # in force now
    assert "does not change after 2028-01-15" in out(demo, "gaps", "E1057", "--as-of", "2028-01-15")


def test_a_target_role_for_a_promotion(demo: Path) -> None:
    # Elena Petrova, data analyst, against the data engineer role: her SQL credentials
    # (Data Analytics - Mastery, level 4) meet its SQL 4; pipelines she has no proof of.
    gaps = data(demo, "gaps", "E1027", "--role", "data-engineer")
    assert gaps["role"] == {"id": "data-engineer", "name": "Data Engineer", "own_role": False}
    assert gaps["person"]["role"] == "data-analyst"
    now = rows(gaps["now"])
    assert set(now) == {
        f"demo:{code}"
        for code in (
            "sql",
            "python-for-data",
            "data-pipelines",
            "data-governance",
            "cloud-fundamentals",
            "infrastructure-as-code",
            "ci-cd",
            "security-awareness",
            "collaboration",
            "problem-solving",
        )
    }
    assert (now["demo:sql"]["required"], now["demo:sql"]["held"], now["demo:sql"]["status"]) == (
        4.0,
        4.0,
        "met",
    )
    assert now["demo:data-pipelines"]["status"] == "missing"
    # 3 (SQL, critical) + 2 (problem solving, important) of 21 weight
    assert gaps["readiness_now"] == round(100 * 5 / 21, 1) == 23.8
    own = data(demo, "gaps", "E1027")
    assert own["role"]["own_role"] is True and own["readiness_now"] != gaps["readiness_now"]
    text = out(demo, "gaps", "E1027", "--role", "data-engineer")
    assert "the target role Data Engineer (data-engineer; their role: data-analyst)" in text


def test_gaps_errors_are_one_line(demo: Path) -> None:
    assert error(demo, "gaps", "E9999") == (
        "Error: no person with employee id 'E9999' (see `skillgap people list`)"
    )
    assert "Amara Okafor (E1001) has no role" in error(demo, "gaps", "E1001")
    assert data(demo, "gaps", "E1001", "--role", "product-owner")["role"]["own_role"] is False
    assert error(demo, "gaps", "E1057", "--role", "astronaut") == (
        "Error: no role 'astronaut' (see `skillgap roles list`)"
    )
    assert "is not after the analysis date 2026-11-01" in error(
        demo, "gaps", "E1057", "--horizon", "2026-11-01"
    )
    usage = run(demo, "gaps", "E1057", "--horizon", "soon")
    assert usage.exit_code == 2 and "neither 'next' nor a date" in usage.stderr


# --- skillgap why --------------------------------------------------------------------------


def reasons(credential: dict[str, Any]) -> list[str]:
    return [r["code"] for r in credential["reasons"]]


def award(credential: dict[str, Any]) -> str:
    """The demo's award id (A0017) in the id of its credential (``urn:example:A0017``): the
    demo imports its awards as signed credentials."""
    return str(credential["award_id"]).removeprefix("urn:example:")


def test_why_an_expired_badge_mill_credential_leaves_the_manager_rating(demo: Path) -> None:
    why = data(demo, "why", "E1057", "statistics")
    assert why["competency"] == {
        "ref": "demo:statistics",
        "name": "Statistics",
        "capability": "Data analytics",
        "scale": "skillgap-0-5",
    }
    [guru] = why["credentials"]
    assert (award(guru), guru["achievement"], guru["issuer"], guru["issuer_tier"]) == (
        "A0068",
        "Data Science Guru",
        "SkillBadge Express",
        "unknown",
    )
    assert (guru["assessment"], guru["issued_on"], guru["expires_on"], guru["expiry_from"]) == (
        "attendance",
        "2024-11-04",
        "2025-11-04",
        "award",
    )
    assert guru["counts"] is False
    assert guru["reasons"] == [
        {"code": "expired", "label": "expired"},
        {"code": "untrusted-issuer", "label": "issuer not recognised"},
        {
            "code": "weak-assessment",
            "label": "assessment too weak (quiz, attendance or unknown)",
        },
    ]
    assert [(r["source"], r["level"], r["canonical"], r["rated_on"]) for r in why["ratings"]] == [
        ("self", 4, 4.0, "2026-09-08"),
        ("manager", 2, 2.0, "2026-10-02"),
    ]
    levels = why["levels"]
    assert levels["verified"]["level"] is None
    assert levels["verified"]["rule"].startswith("none: no credential or assessment counts")
    assert (levels["manager"]["level"], levels["self"]["level"]) == (2.0, 4.0)
    best = levels["best_available"]
    assert (best["level"], best["source"], best["observation"]) == (
        2.0,
        "manager",
        levels["manager"]["observation"],
    )
    now, later = why["requirements"]
    assert (now["date"], now["required"]["level"], now["required"]["importance"]) == (
        "2026-11-01",
        2,
        "important",
    )
    assert (now["verified"]["gap"], now["verified"]["status"]) == (2.0, "missing")
    assert (now["best_available"]["gap"], now["best_available"]["status"]) == (0.0, "met")
    assert (later["date"], later["future"]) == ("2027-12-31", True)


def test_why_a_quiz_only_badge_is_no_proof_of_a_high_self_rating(demo: Path) -> None:
    # Tariq Hussain (security analyst) rates his security awareness 4; his two badges for
    # it are a quiz from an unknown issuer and the internal board's quiz.
    why = data(demo, "why", "E1045", "Security awareness")  # by its name
    by_award = {award(c): c for c in why["credentials"]}
    assert reasons(by_award["A0053"]) == ["untrusted-issuer", "weak-assessment"]
    assert reasons(by_award["A0160"]) == ["weak-assessment"]
    assert (by_award["A0160"]["expires_on"], by_award["A0160"]["expiry_from"]) == (
        "2027-09-01",
        "validity-period",
    )
    assert why["levels"]["verified"]["level"] is None
    best = why["levels"]["best_available"]
    assert (best["level"], best["source"]) == (4.0, "self")
    now = why["requirements"][0]
    assert (now["required"]["level"], now["required"]["importance"]) == (4, "critical")
    assert now["verified"]["status"] == "missing" and now["best_available"]["status"] == "met"
    # incident response: the badge mill's alignment is only suggested; his manager rates 1
    incident = data(demo, "why", "E1045", "incident-response")
    [ninja] = incident["credentials"]
    assert reasons(ninja) == ["untrusted-issuer", "weak-assessment", "alignment-not-confirmed"]
    best = incident["levels"]["best_available"]
    assert (best["level"], best["source"]) == (1.0, "manager")  # not the self rating of 4
    assert incident["requirements"][0]["best_available"]["status"] == "partial"


def test_why_a_counted_award_may_not_count_for_every_competency_it_names(demo: Path) -> None:
    # Rosa Jiménez: the Certified Incident Handler counts, but its alignment to vulnerability
    # management is only suggested; her Vulnerability Analyst certificate gives the level.
    why = data(demo, "why", "E1041", "demo:vulnerability-management")
    by_award = {award(c): c for c in why["credentials"]}
    assert by_award["A0059"]["counts"] is False
    assert by_award["A0059"]["alignment_status"] == "suggested"
    assert reasons(by_award["A0059"]) == ["alignment-not-confirmed"]
    assert by_award["A0094"]["counts"] is True and by_award["A0094"]["reasons"] == []
    verified = why["levels"]["verified"]
    assert (verified["level"], award(verified)) == (3.0, "A0094")
    assert "the only counted credential or assessment, award urn:example:A0094" in verified["rule"]


def test_why_expired_credentials_counted_before_they_expired(demo: Path) -> None:
    # Kenji Watanabe: the Incident Handler (2022-10-03, three years) and the Cyber Assurance
    # Professional (expiring 2026-03-31) have both expired by the snapshot date ...
    now = data(demo, "why", "E1040", "incident-response")
    assert [(award(c), reasons(c)) for c in now["credentials"]] == [
        ("A0017", ["expired"]),
        ("A0025", ["expired"]),
    ]
    assert now["levels"]["verified"]["level"] is None
    assert now["levels"]["best_available"]["source"] == "manager"
    # ... but counted in mid-2025, when his ratings were not made yet
    then = data(demo, "why", "E1040", "incident-response", "--as-of", "2025-06-30")
    assert [(award(c), c["counts"]) for c in then["credentials"]] == [
        ("A0017", True),
        ("A0025", True),
    ]
    verified = then["levels"]["verified"]
    assert (verified["level"], award(verified), verified["source"]) == (
        3.0,
        "A0017",
        "credential",
    )
    assert [r["read"] for r in then["ratings"]] == [False, False]
    assert then["levels"]["manager"]["level"] is None
    assert then["requirements"][0]["verified"]["status"] == "met"
    text = out(demo, "why", "E1040", "incident-response", "--as-of", "2025-06-30")
    assert "Verified: 3 Proficient: the highest level among 2 counted credentials and " in flat(
        text
    )
    assert "award urn:example:A0017, Corvid Certified Incident Handler from Corvid" in flat(text)
    assert last_column(text, "Ratings", "How the levels") == (
        "no: made after the as-of date no: made after the as-of date"
    )


def test_why_a_claim_never_overrides_a_credential(demo: Path) -> None:
    # Elena Petrova: three SQL credentials (3, 3, 4), self 5, manager 4
    why = data(demo, "why", "E1027", "SQL")
    assert [award(c) for c in why["credentials"] if c["counts"]] == ["A0024", "A0033", "A0100"]
    verified = why["levels"]["verified"]
    assert (verified["level"], award(verified)) == (4.0, "A0100")
    assert why["levels"]["best_available"]["source"] == "credential"
    text = out(demo, "why", "E1027", "sql")
    assert "the highest level among 3 counted credentials and assessments" in flat(text)
    assert "the self rating of 5 does not override it" in flat(text)


def test_why_text_lists_each_reason_with_its_label(demo: Path) -> None:
    text = out(demo, "why", "E1045", "SECURITY AWARENESS")
    assert "Why Tariq Hussain (E1045) holds Security awareness (demo:security-awareness)" in text
    assert last_column(text, "Credentials aligned to Security awareness", "Ratings") == (
        "no: issuer not recognised; assessment too weak (quiz, attendance or unknown) "
        "no: assessment too weak (quiz, attendance or unknown)"
    )
    assert "Best-available: 4 Advanced from the self level" in flat(text)


def test_why_errors_are_one_line(demo: Path) -> None:
    assert error(demo, "why", "E9999", "sql") == (
        "Error: no person with employee id 'E9999' (see `skillgap people list`)"
    )
    assert error(demo, "why", "E1057", "juggling").startswith("Error: no competency 'juggling'")
    assert error(demo, "why", "E1057", "demo:juggling") == (
        "Error: competency 'juggling' is not in framework 'demo'"
    )
    # someone without a role: the evidence, and no requirement
    ceo = data(demo, "why", "E1001", "communication")
    assert ceo["role"] is None and ceo["requirements"] == []
    text = out(demo, "why", "E1001", "communication")
    assert "No credential of this person is aligned to Communication." in text
    assert "Amara Okafor has no role: there is no requirement to compare." in text


@pytest.mark.parametrize("command", ["gaps", "why"])
def test_help_has_an_example(demo: Path, command: str) -> None:
    assert "Example:" in out(demo, command, "--help")
