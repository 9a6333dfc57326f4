"""The storage contract, replacing aggregates and occupations: each test takes the ``store``
fixture, so it runs on MemoryStore, SQLite and on PostgreSQL (skipped without
SKILLGAP_TEST_POSTGRES_URL).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from skillgap.domain import (
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Occupation,
    OccupationSkill,
    Relation,
)
from skillgap.errors import ConflictError
from skillgap.store import Store
from tests.store.builders import (
    FW,
    PERSON,
    PYTHON,
    SQL,
    add_framework,
    make_framework,
    make_person,
    make_role,
    with_person,
)


def test_put_adds_when_nothing_is_stored(store: Store) -> None:
    with store.transaction() as ws:
        ws.frameworks.put(make_framework())
        ws.people.put(make_person("E1"))
        ws.roles.put(make_role("r-1"))
    with store.transaction() as ws:
        assert ws.frameworks.get(FW) == make_framework()
        assert ws.people.get("E1") == make_person("E1")
        assert ws.roles.get("r-1") == make_role("r-1")


def test_a_new_framework_version_updates_adds_and_regroups(store: Store) -> None:
    old = make_framework()
    new = replace(
        old,
        version="3.0",
        extra={"note": "second edition"},
        groups=(CapabilityGroup("code", "Coding", uri="https://example.org/g/code"),),
        competencies=(
            Competency(FW, "python", "Python programming", group="code", skill_type="skill"),
            Competency(FW, "sql", "SQL", retired=True, extra={"replaced_by": "data-query"}),
            Competency(FW, "talk", "Talking"),
            Competency(FW, "rust", "Rust", group="code", reuse_level="sector-specific"),
        ),
    )
    with store.transaction() as ws:
        ws.frameworks.add(old)
        ws.roles.add(make_role("r-1", PYTHON, SQL))
        ws.frameworks.put(new)
    with store.transaction() as ws:
        assert ws.frameworks.get(FW) == new
        assert ws.roles.get("r-1") == make_role("r-1", PYTHON, SQL)  # still resolves


def test_a_new_version_may_not_drop_a_competency_in_use(store: Store) -> None:
    old = make_framework()
    without_sql = replace(old, competencies=tuple(c for c in old.competencies if c.code != "sql"))
    with store.transaction() as ws:
        ws.frameworks.add(old)
        ws.roles.add(make_role("r-1", SQL))
    with store.transaction() as ws, pytest.raises(ConflictError, match="framework 'fw'"):
        ws.frameworks.put(without_sql)
    with store.transaction() as ws:
        assert ws.frameworks.get(FW) == old
        ws.roles.put(make_role("r-1", PYTHON))
        ws.frameworks.put(without_sql)  # nothing refers to SQL any more
    with store.transaction() as ws:
        assert not ws.frameworks.get(FW).has("sql")


def test_put_replaces_a_person_and_their_emails(store: Store) -> None:
    with store.transaction() as ws:
        with_person(ws)
        changed = replace(make_person(PERSON, "new@example.org"), name="Renamed", active=False)
        ws.people.put(changed)
    with store.transaction() as ws:
        assert ws.people.get(PERSON) == changed
        assert ws.people.by_email("new@example.org") == changed
        ws.people.add(make_person("E2", "old@example.org"))
        with pytest.raises(ConflictError, match="already belongs"):
            ws.people.put(replace(changed, emails=("old@example.org",)))


def test_put_replaces_a_roles_requirements(store: Store) -> None:
    with store.transaction() as ws:
        add_framework(ws)
        ws.roles.add(make_role("r-1", PYTHON, SQL))
        ws.roles.put(make_role("r-1", SQL))
        with pytest.raises(ConflictError, match="refers to competency fw:cobol"):
            ws.roles.put(make_role("r-1", CompetencyRef(FW, "cobol")))
    with store.transaction() as ws:
        assert ws.roles.get("r-1") == make_role("r-1", SQL)


def occupation(code: str, *skills: OccupationSkill, framework: str = FW) -> Occupation:
    return Occupation(framework, code, f"Occupation {code}", alt_titles=("alias",), skills=skills)


def test_occupations_round_trip_and_go_with_their_framework(store: Store) -> None:
    analyst = occupation(
        "2511",
        OccupationSkill(SQL, Relation.ESSENTIAL, importance=4.12, level=5.25),
        OccupationSkill(PYTHON, Relation.OPTIONAL),
    )
    with store.transaction() as ws:
        add_framework(ws)
        ws.frameworks.add(make_framework("other"))
        ws.occupations.add_all([analyst, occupation("9", framework="other")])
        with pytest.raises(ConflictError, match="refers to competency fw:cobol"):
            ws.occupations.add(occupation("x", OccupationSkill(CompetencyRef(FW, "cobol"))))
    with store.transaction() as ws:
        assert ws.occupations.get("fw:2511") == analyst
        assert ws.occupations.for_framework(FW) == [analyst]
        assert ws.occupations.remove_for_framework(FW) == 1
        assert ws.occupations.for_framework(FW) == []
        assert [o.id for o in ws.occupations.list()] == ["other:9"]
