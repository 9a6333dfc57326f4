"""The storage contract, references, e-mails and scales: each test takes the ``store``
fixture, so it runs on MemoryStore, SQLite and on PostgreSQL (skipped without
SKILLGAP_TEST_POSTGRES_URL).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from skillgap.domain import (
    CompetencyRef,
    SourceKind,
)
from skillgap.errors import ConflictError
from skillgap.store import Store
from tests.store.builders import (
    FW,
    ISSUER,
    PERSON,
    PYTHON,
    SCALE,
    SCALE_REDEFINED,
    SQL,
    add_achievement,
    add_framework,
    make_achievement,
    make_award,
    make_framework,
    make_issuer,
    make_observation,
    make_person,
    make_role,
    make_scale,
    with_achievement_and_person,
    with_person,
)

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
