"""The storage contract. Every test takes the ``store`` fixture, so it runs on MemoryStore,
on SQLite and on PostgreSQL (skipped without SKILLGAP_TEST_POSTGRES_URL).

"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from skillgap.domain import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    CapabilityGroup,
    Check,
    CheckStatus,
    Competency,
    CompetencyRef,
    Evidence,
    ExpiryPolicy,
    Framework,
    Importance,
    Issuer,
    IssuerTier,
    Level,
    Observation,
    Person,
    ProficiencyScale,
    Requirement,
    Role,
    SkillKind,
    SourceKind,
    VerificationReport,
    VerificationStatus,
)
from skillgap.errors import ConflictError, NotFoundError
from skillgap.formats.bundle import Bundle
from skillgap.services.bundles import store_bundle
from skillgap.store import Store, Workspace

# --------------------------------------------------------------------------- helpers

FW = "fw"
PYTHON = CompetencyRef(FW, "python")
SQL = CompetencyRef(FW, "sql")
ISSUER = "issuer-1"
ACHIEVEMENT = "ach-1"
PERSON = "E1"
PERSON_EMAIL = "ann@example.org"

SCALE = ProficiencyScale(
    id="three-step",
    name="Three steps",
    description="A small test scale.",
    levels=(
        Level(1, "Basic", 1.0, "Knows the basics."),
        Level(2, "Able", 3.0, "Works alone."),
        Level(3, "Expert", 5.0, "Teaches others."),
    ),
)
#: Same id as SCALE, different levels.
SCALE_REDEFINED = replace(SCALE, levels=(Level(1, "Basic", 1.0), Level(2, "Expert", 4.5)))


def make_scale(id: str) -> ProficiencyScale:
    return ProficiencyScale(id, f"Scale {id}", (Level(0, "None", 0.0), Level(1, "Some", 2.5)))


def make_framework(id: str = FW, scale: ProficiencyScale = SCALE) -> Framework:
    return Framework(
        id=id,
        name=f"Framework {id}",
        version="2.1",
        description="Skills for testing.",
        source="test",
        scale=scale,
        groups=(CapabilityGroup("data", "Data"), CapabilityGroup("db", "Databases", parent="data")),
        competencies=(
            Competency(id, "python", "Python", group="data", alt_labels=("py", "Python 3")),
            Competency(id, "sql", "SQL", group="db", uri="https://example.org/sql"),
            Competency(id, "talk", "Talking", kind=SkillKind.SOFT),
        ),
    )


def make_role(id: str, *needs: CompetencyRef) -> Role:
    return Role(
        id=id,
        name=f"Role {id}",
        family="Engineering",
        requirements=tuple(Requirement(ref, 2, Importance.CRITICAL) for ref in needs or (PYTHON,)),
    )


def email_for(id: str) -> str:
    return f"{id.encode().hex()}@example.org"  # unique per id, already normalised


def make_person(id: str, *emails: str) -> Person:
    return Person(
        employee_id=id,
        name=f"Person {id}",
        emails=emails,
        department="Data",
        hire_date=date(2020, 2, 29),
        attributes={"location": "Rotterdam"},
    )


def make_issuer(id: str) -> Issuer:
    return Issuer(id, f"Issuer {id}", url="https://issuer.example", tier=IssuerTier.ACCREDITED)


def make_achievement(
    id: str, issuer_id: str = ISSUER, competency: CompetencyRef = PYTHON
) -> Achievement:
    return Achievement(
        id=id,
        name=f"Achievement {id}",
        issuer_id=issuer_id,
        assessment=AssessmentType.PROCTORED_EXAM,
        alignments=(
            Alignment("Python", competency, level=2),
            Alignment("Something else", None, status=AlignmentStatus.UNMAPPED),
        ),
        expiry=ExpiryPolicy(365),
    )


def make_award(id: str, achievement_id: str = ACHIEVEMENT, person_id: str | None = PERSON) -> Award:
    issued = datetime(2024, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    return Award(
        id=id,
        achievement_id=achievement_id,
        recipient=PERSON_EMAIL,
        issued_on=issued,
        person_id=person_id,
        expires_on=issued + timedelta(days=365),
        evidence=(Evidence("project", "https://example.org/p", "Built it."),),
        verification=VerificationReport(
            VerificationStatus.VALID,
            datetime(2024, 6, 1, tzinfo=UTC),
            "ob3",
            (Check("signature", CheckStatus.PASS, "ok"),),
        ),
        source="awards.csv row 2",
    )


def make_observation(id: str, person_id: str = PERSON, **changes: Any) -> Observation:
    observation = Observation(
        id=id,
        person_id=person_id,
        competency=PYTHON,
        level=2,
        scale_id=SCALE.id,
        source=SourceKind.MANAGER,
        observed_on=date(2025, 1, 15),
        confidence=0.6,
        provenance="claims.csv row 3",
    )
    return replace(observation, **changes)


def add_framework(ws: Workspace) -> None:
    ws.frameworks.add(make_framework())


def add_person(ws: Workspace) -> None:
    ws.people.add(make_person(PERSON, PERSON_EMAIL))


def add_achievement(ws: Workspace) -> None:
    add_framework(ws)
    ws.issuers.add(make_issuer(ISSUER))
    ws.achievements.add(make_achievement(ACHIEVEMENT))


def add_everything(ws: Workspace) -> None:
    """One item of every kind (and a meta pair), all references resolving."""
    add_achievement(ws)
    add_person(ws)
    ws.scales.add(make_scale("extra"))
    ws.roles.add(make_role("analyst", PYTHON, SQL))
    ws.awards.add(make_award("aw-1"))
    ws.observations.add(
        make_observation("ob-1", source=SourceKind.CREDENTIAL, award_id="aw-1", confidence=1.0)
    )
    ws.meta.set("organisation", "Test Org")


def counts(ws: Workspace) -> dict[str, int]:
    return {case.repo: case.repository(ws).count() for case in CASES}


def backend(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["store"])


class Boom(Exception):
    pass


# --------------------------------------------------------------------------- every repository


def nothing(ws: Workspace) -> None:
    pass


def with_issuer(ws: Workspace) -> None:
    add_framework(ws)
    ws.issuers.add(make_issuer(ISSUER))


def with_person(ws: Workspace) -> None:
    add_framework(ws)
    add_person(ws)


def with_achievement_and_person(ws: Workspace) -> None:
    add_achievement(ws)
    add_person(ws)


@dataclass(frozen=True)
class Case:
    """One repository: how to make an item with a given id, and what it needs stored first."""

    repo: str
    make: Callable[[str], Any]
    key: Callable[[Any], str]
    prepare: Callable[[Workspace], None] = nothing

    def repository(self, ws: Workspace) -> Any:
        return getattr(ws, self.repo)


def by_id(item: Any) -> str:
    return str(item.id)


CASES = [
    Case("scales", make_scale, by_id),
    Case("frameworks", make_framework, by_id),
    Case("roles", make_role, by_id, add_framework),
    Case("people", lambda id: make_person(id, email_for(id)), lambda p: p.employee_id),
    Case("issuers", make_issuer, by_id),
    Case("achievements", make_achievement, by_id, with_issuer),
    Case("awards", make_award, by_id, with_achievement_and_person),
    Case("observations", make_observation, by_id, with_person),
]
every_repository = pytest.mark.parametrize("case", CASES, ids=lambda case: case.repo)

#: Deliberately unsorted; mixed case, punctuation and a non-ASCII letter.
IDS = ("b", "a10", "B", "\u00e4", "a2", "_z", "a-1")


@every_repository
def test_add_then_get_returns_an_equal_object(store: Store, case: Case) -> None:
    item = case.make("x-1")
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(item)
    with store.transaction() as ws:
        assert case.repository(ws).get("x-1") == item
        assert case.repository(ws).find("x-1") == item


@every_repository
def test_find_of_a_missing_id_is_none(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(case.make("x-1"))
    with store.transaction() as ws:
        assert case.repository(ws).find("x-2") is None


@every_repository
def test_get_of_a_missing_id_raises_not_found(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(case.make("x-1"))
    with store.transaction() as ws, pytest.raises(NotFoundError, match="x-2"):
        case.repository(ws).get("x-2")


@every_repository
def test_list_is_ordered_by_id(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        for id in IDS:
            case.repository(ws).add(case.make(id))
    with store.transaction() as ws:
        listed = case.repository(ws).list()
    assert [case.key(item) for item in listed] == sorted(IDS)
    assert listed == [case.make(id) for id in sorted(IDS)]


@every_repository
def test_count(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        assert case.repository(ws).count() == 0
        case.prepare(ws)
        case.repository(ws).add_all([case.make(id) for id in ("x-1", "x-2", "x-3")])
        assert case.repository(ws).count() == 3
    with store.transaction() as ws:
        assert case.repository(ws).count() == 3


@every_repository
def test_add_of_an_existing_id_raises_conflict(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(case.make("x-1"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="x-1"):
            case.repository(ws).add(case.make("x-1"))
        assert case.repository(ws).count() == 1


@every_repository
def test_add_all_of_a_batch_with_a_duplicate_id_raises_conflict(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        with pytest.raises(ConflictError, match="x-1"):
            case.repository(ws).add_all([case.make(id) for id in ("x-1", "x-2", "x-1")])


@every_repository
def test_add_all_of_a_batch_with_a_stored_id_raises_conflict(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        case.repository(ws).add(case.make("x-2"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="x-2"):
            case.repository(ws).add_all([case.make("x-2"), case.make("x-1")])
        assert case.repository(ws).find("x-1") is None


@every_repository
def test_a_refused_batch_stores_none_of_its_items(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.prepare(ws)
        with pytest.raises(ConflictError):
            case.repository(ws).add_all([case.make(id) for id in ("x-1", "x-2", "x-1")])
        assert case.repository(ws).count() == 0


@every_repository
def test_add_all_of_nothing_stores_nothing(store: Store, case: Case) -> None:
    with store.transaction() as ws:
        case.repository(ws).add_all([])
        assert case.repository(ws).count() == 0


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    "need",
    [CompetencyRef(FW, "cobol"), CompetencyRef("other-fw", "python")],
    ids=["unknown-code", "unknown-framework"],
)
def test_a_role_requiring_an_unknown_competency_is_refused(
    store: Store, need: CompetencyRef
) -> None:
    with store.transaction() as ws:
        add_framework(ws)
        with pytest.raises(ConflictError, match=f"role 'r-1' refers to competency {need},"):
            ws.roles.add(make_role("r-1", PYTHON, need))
        assert ws.roles.find("r-1") is None
        ws.roles.add(make_role("r-2", PYTHON, SQL))  # the same role, resolving, is fine
    with store.transaction() as ws:
        assert [r.id for r in ws.roles.list()] == ["r-2"]


def test_an_achievement_with_an_unknown_issuer_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        add_framework(ws)
        with pytest.raises(ConflictError, match="'a-1' refers to issuer 'nobody', which"):
            ws.achievements.add(make_achievement("a-1", issuer_id="nobody"))
        assert ws.achievements.find("a-1") is None


def test_an_achievement_aligned_to_an_unknown_competency_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        add_framework(ws)
        ws.issuers.add(make_issuer(ISSUER))
        with pytest.raises(ConflictError, match=f"refers to competency {FW}:cobol"):
            ws.achievements.add(make_achievement("a-1", competency=CompetencyRef(FW, "cobol")))
        assert ws.achievements.find("a-1") is None


@pytest.mark.parametrize(
    "changes",
    [{"achievement_id": "no-such-achievement"}, {"person_id": "no-such-person"}],
    ids=["unknown-achievement", "unknown-person"],
)
def test_an_award_with_an_unknown_reference_is_refused(
    store: Store, changes: dict[str, Any]
) -> None:
    with store.transaction() as ws:
        with_achievement_and_person(ws)
        [missing] = changes.values()
        with pytest.raises(ConflictError, match=f"award 'aw-1' refers to .* '{missing}'"):
            ws.awards.add(replace(make_award("aw-1"), **changes))
        assert ws.awards.find("aw-1") is None
        ws.awards.add(make_award("aw-1"))  # the valid award is accepted


def test_an_award_needs_no_person(store: Store) -> None:
    award = make_award("aw-1", person_id=None)
    with store.transaction() as ws:
        add_achievement(ws)
        ws.awards.add(award)
    with store.transaction() as ws:
        assert ws.awards.get("aw-1") == award


@pytest.mark.parametrize(
    "changes",
    [
        {"person_id": "no-such-person"},
        {"competency": CompetencyRef(FW, "cobol")},
        {"competency": CompetencyRef("other-fw", "python")},
        {"scale_id": "no-such-scale"},
        {"award_id": "no-such-award"},
    ],
    ids=["unknown-person", "unknown-competency", "unknown-framework", "unknown-scale", "award"],
)
def test_an_observation_with_an_unknown_reference_is_refused(
    store: Store, changes: dict[str, Any]
) -> None:
    with store.transaction() as ws:
        with_achievement_and_person(ws)
        [missing] = changes.values()
        with pytest.raises(ConflictError, match=f"observation 'ob-1' refers to .*{missing}"):
            ws.observations.add(make_observation("ob-1", **changes))
        assert ws.observations.find("ob-1") is None
        ws.observations.add(make_observation("ob-1"))  # the valid observation is accepted


def test_an_observation_may_cite_a_stored_award_and_scale(store: Store) -> None:
    observation = make_observation(
        "ob-1", source=SourceKind.CREDENTIAL, award_id="aw-1", scale_id="extra"
    )
    with store.transaction() as ws:
        with_achievement_and_person(ws)
        ws.scales.add(make_scale("extra"))
        ws.awards.add(make_award("aw-1"))
        ws.observations.add(observation)
    with store.transaction() as ws:
        assert ws.observations.get("ob-1") == observation


# --------------------------------------------------------------------------- people


def test_an_email_of_another_person_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        ws.people.add(make_person("E1", "ann@example.org"))
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match="'ann@example.org' already belongs to .*'E1'"):
            ws.people.add(make_person("E2", "bob@example.org", "ann@example.org"))
        assert ws.people.find("E2") is None
        assert ws.people.by_email("bob@example.org") is None
        assert ws.people.by_email("ann@example.org") == make_person("E1", "ann@example.org")


def test_an_email_taken_within_one_batch_is_refused(store: Store) -> None:
    with store.transaction() as ws, pytest.raises(ConflictError):
        ws.people.add_all(
            [make_person("E1", "ann@example.org"), make_person("E2", "ann@example.org")]
        )


def test_a_person_listing_one_email_twice_is_refused(store: Store) -> None:
    with store.transaction() as ws, pytest.raises(ConflictError):
        ws.people.add(make_person("E1", "ann@example.org", "ann@example.org"))


def test_people_by_email_is_case_insensitive(store: Store) -> None:
    ann = make_person("E1", "ann@example.org", "a.smith@example.org")
    bob = make_person("E2", "bob@example.org")
    with store.transaction() as ws:
        ws.people.add_all([ann, bob, make_person("E3")])
    with store.transaction() as ws:
        assert ws.people.by_email("ann@example.org") == ann
        assert ws.people.by_email("  A.Smith@Example.ORG ") == ann
        assert ws.people.by_email("BOB@EXAMPLE.ORG") == bob
        assert ws.people.by_email("carol@example.org") is None


# --------------------------------------------------------------------------- per person


def test_awards_for_person(store: Store) -> None:
    with store.transaction() as ws:
        with_achievement_and_person(ws)
        ws.people.add(make_person("E2"))
        ws.awards.add_all(
            [
                make_award("aw-3", person_id=PERSON),
                make_award("aw-2", person_id="E2"),
                make_award("aw-1", person_id=PERSON),
                make_award("aw-4", person_id=None),
            ]
        )
    with store.transaction() as ws:
        assert ws.awards.for_person(PERSON) == [make_award("aw-1"), make_award("aw-3")]
        assert ws.awards.for_person("E2") == [make_award("aw-2", person_id="E2")]
        assert ws.awards.for_person("nobody") == []


def test_observations_for_person(store: Store) -> None:
    with store.transaction() as ws:
        with_person(ws)
        ws.people.add(make_person("E2"))
        ws.observations.add_all(
            [
                make_observation("ob-b", PERSON),
                make_observation("ob-c", "E2"),
                make_observation("ob-a", PERSON, competency=SQL),
            ]
        )
    with store.transaction() as ws:
        assert ws.observations.for_person(PERSON) == [
            make_observation("ob-a", PERSON, competency=SQL),
            make_observation("ob-b", PERSON),
        ]
        assert ws.observations.for_person("E2") == [make_observation("ob-c", "E2")]
        assert ws.observations.for_person("nobody") == []


# --------------------------------------------------------------------------- scales


def test_a_framework_stores_its_scale(store: Store) -> None:
    with store.transaction() as ws:
        add_framework(ws)
    with store.transaction() as ws:
        assert ws.scales.list() == [SCALE]


def test_a_framework_reuses_an_equal_stored_scale(store: Store) -> None:
    with store.transaction() as ws:
        ws.scales.add(SCALE)
    with store.transaction() as ws:
        ws.frameworks.add(make_framework("fw-1"))
        ws.frameworks.add(make_framework("fw-2"))
    with store.transaction() as ws:
        assert ws.scales.list() == [SCALE]
        assert [f.scale for f in ws.frameworks.list()] == [SCALE, SCALE]


def test_a_framework_whose_scale_differs_from_the_stored_one_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        ws.scales.add(SCALE_REDEFINED)
    with store.transaction() as ws:
        with pytest.raises(ConflictError, match=SCALE.id):
            ws.frameworks.add(make_framework())
        assert ws.frameworks.find(FW) is None
        assert ws.scales.get(SCALE.id) == SCALE_REDEFINED


def test_a_second_framework_redefining_a_scale_is_refused(store: Store) -> None:
    with store.transaction() as ws:
        ws.frameworks.add(make_framework("fw-1"))
        with pytest.raises(ConflictError, match=SCALE.id):
            ws.frameworks.add(make_framework("fw-2", scale=SCALE_REDEFINED))
    with store.transaction() as ws:
        assert ws.frameworks.get("fw-1").scale == SCALE
        assert ws.frameworks.find("fw-2") is None


def test_a_batch_of_frameworks_redefining_a_scale_is_refused(store: Store) -> None:
    with store.transaction() as ws, pytest.raises(ConflictError, match=SCALE.id):
        ws.frameworks.add_all(
            [make_framework("fw-1"), make_framework("fw-2", scale=SCALE_REDEFINED)]
        )


# --------------------------------------------------------------------------- meta


def test_meta_get_of_a_missing_key_is_none(store: Store) -> None:
    with store.transaction() as ws:
        assert ws.meta.get("organisation") is None


def test_meta_set_then_get(store: Store) -> None:
    with store.transaction() as ws:
        ws.meta.set("organisation", "Tidewell Logistics")
    with store.transaction() as ws:
        assert ws.meta.get("organisation") == "Tidewell Logistics"


def test_meta_set_overwrites(store: Store) -> None:
    with store.transaction() as ws:
        ws.meta.set("snapshot_date", "2026-01-01")
    with store.transaction() as ws:
        ws.meta.set("snapshot_date", "2026-10-01")
        assert ws.meta.get("snapshot_date") == "2026-10-01"
    with store.transaction() as ws:
        assert ws.meta.get("snapshot_date") == "2026-10-01"
        assert ws.meta.items() == {"snapshot_date": "2026-10-01"}


def test_meta_items(store: Store) -> None:
    with store.transaction() as ws:
        assert ws.meta.items() == {}
        ws.meta.set("snapshot_date", "2026-10-01")
        ws.meta.set("organisation", "Tidewell")
        ws.meta.set("n\u00f8te", "\u00e9t\u00e9 \u2603\nsecond line")
        ws.meta.set("empty", "")
    with store.transaction() as ws:
        assert ws.meta.items() == {
            "empty": "",
            "n\u00f8te": "\u00e9t\u00e9 \u2603\nsecond line",
            "organisation": "Tidewell",
            "snapshot_date": "2026-10-01",
        }


# --------------------------------------------------------------------------- clear


def test_clear_empties_everything(store: Store) -> None:
    with store.transaction() as ws:
        add_everything(ws)
        assert all(counts(ws).values())
    with store.transaction() as ws:
        ws.clear()
    with store.transaction() as ws:
        assert counts(ws) == dict.fromkeys(counts(ws), 0)
        assert ws.meta.items() == {}
        add_everything(ws)  # the schema stays: the same items can be stored again
    with store.transaction() as ws:
        assert all(counts(ws).values())


# --------------------------------------------------------------------------- transactions


def test_an_error_inside_a_transaction_leaves_nothing_written(store: Store) -> None:
    with pytest.raises(Boom), store.transaction() as ws:
        add_everything(ws)
        raise Boom
    with store.transaction() as ws:
        assert counts(ws) == dict.fromkeys(counts(ws), 0)
        assert ws.meta.items() == {}


def test_an_error_inside_a_transaction_keeps_what_was_there(store: Store) -> None:
    with store.transaction() as ws:
        add_person(ws)
        ws.meta.set("organisation", "Before")
    with pytest.raises(Boom), store.transaction() as ws:
        ws.clear()
        ws.people.add(make_person("E2"))
        ws.meta.set("organisation", "After")
        raise Boom
    with store.transaction() as ws:
        assert ws.people.list() == [make_person(PERSON, PERSON_EMAIL)]
        assert ws.meta.items() == {"organisation": "Before"}


def test_a_conflict_escaping_a_transaction_rolls_it_back(store: Store) -> None:
    with pytest.raises(ConflictError), store.transaction() as ws:
        ws.issuers.add(make_issuer("i-1"))
        ws.achievements.add(make_achievement("a-1", issuer_id="nobody"))
    with store.transaction() as ws:
        assert ws.issuers.count() == 0


REFUSALS: dict[str, Callable[[Workspace], None]] = {
    "existing-id": lambda ws: ws.people.add(make_person(PERSON)),
    "unknown-reference": lambda ws: ws.awards.add(make_award("aw-x", achievement_id="nope")),
    "email-of-another-person": lambda ws: ws.people.add(make_person("E9", PERSON_EMAIL)),
    "redefined-scale": lambda ws: ws.frameworks.add(make_framework("fw-2", SCALE_REDEFINED)),
    "batch": lambda ws: ws.issuers.add_all([make_issuer(ISSUER), make_issuer("i-9")]),
}


@pytest.mark.parametrize("refuse", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_transaction_still_writes_after_a_refused_add(
    store: Store, refuse: Callable[[Workspace], None]
) -> None:
    with store.transaction() as ws:
        with_achievement_and_person(ws)
    before = snapshot(store)
    with store.transaction() as ws:
        with pytest.raises(ConflictError):
            refuse(ws)
        ws.issuers.add(make_issuer("after"))
        ws.meta.set("written", "after the refusal")
    with store.transaction() as ws:
        assert ws.issuers.get("after") == make_issuer("after")
        assert ws.meta.get("written") == "after the refusal"
    after = snapshot(store)
    after["issuers"].remove(make_issuer("after"))
    assert after == before  # and nothing of the refused add


def snapshot(store: Store) -> dict[str, list[Any]]:
    with store.transaction() as ws:
        return {case.repo: case.repository(ws).list() for case in CASES}


# --------------------------------------------------------------------------- a whole organisation


def _sorted(items: Sequence[Any], key: str = "id") -> list[Any]:
    return sorted(items, key=lambda item: getattr(item, key))


def test_a_demo_organisation_reads_back_equal(store: Store, demo_bundle: Bundle) -> None:
    bundle = demo_bundle
    with store.transaction() as ws:
        store_bundle(ws, bundle)
    with store.transaction() as ws:
        assert ws.frameworks.list() == [bundle.framework]
        assert ws.roles.list() == _sorted(bundle.roles)
        assert ws.people.list() == _sorted(bundle.people, "employee_id")
        assert ws.issuers.list() == _sorted(bundle.issuers)
        assert ws.achievements.list() == _sorted(bundle.achievements)
        assert ws.awards.list() == _sorted(bundle.awards)
        assert ws.observations.list() == _sorted(bundle.claims)
        assert ws.meta.items() == {
            "organisation": bundle.organisation,
            "snapshot_date": str(bundle.snapshot_date),
        }
        person = bundle.people[0]
        assert ws.people.get(person.employee_id) == person
        assert ws.awards.for_person(person.employee_id) == _sorted(
            [a for a in bundle.awards if a.person_id == person.employee_id]
        )
