"""Property-based tests of the whole REST API from its own OpenAPI document (Schemathesis):
every operation, with generated parameters and bodies (valid and invalid), must never
answer 5xx, every answer's status must be one the document lists for the operation, and its
body must match the schema the document gives for that status.

The document is read in-process from the app (``from_asgi``); the calls go to another app
of the same factory on a throwaway workspace built for this module (SQLite; PostgreSQL too
when SKILLGAP_TEST_POSTGRES_URL names a server), so the writes (users, tokens, review
decisions, uploads) never touch the demo workspace other tests share. (A schema from a
pytest fixture, ``schemathesis.pytest.from_fixture``, does not run on pytest 9.2.)

Two passes: as an administrator (every route is open) and as an employee (most routes
refuse, the rest answer only for themselves). Half of the generated path and query values
are replaced by ids that exist (a person, a role, a department...), so the analyses run on
real data with generated dates, horizons and levels instead of stopping at "not found".
25 examples an operation keep the file near a minute on two cores; set
SKILLGAP_FUZZ_EXAMPLES for a deeper search."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from skillgap.clock import FixedClock
from skillgap.config import load_settings
from skillgap.domain.users import UserRole
from skillgap.formats.bundle import Bundle
from skillgap.server import create_app
from skillgap.services import tokens as tokens_service
from skillgap.store.memory import MemoryStore
from skillgap.store.schema import open_store

from .conftest import EMAIL, EMPLOYEE, NOW, Org, populate

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
BOUNDED = settings(
    max_examples=int(os.environ.get("SKILLGAP_FUZZ_EXAMPLES", "25")),  # more: a deeper search
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
)


class Known:
    """Ids that exist in the throwaway workspace, per path or query parameter."""

    def __init__(self, bundle: Bundle, victim_token: str) -> None:
        self.people = [EMPLOYEE, "E1040", "E1054", "E1001"]
        self.departments = sorted({p.department for p in bundle.people if p.department})
        self.teams = sorted({p.team for p in bundle.people if p.team})
        self.roles = [r.id for r in bundle.roles]
        self.credentials = [a.id for a in bundle.awards[:5]]
        self.competencies = ["demo:sql", "sql", "SQL", "demo:nope"]
        self.values: dict[str, list[str]] = {
            "person_id": self.people,
            "person": self.people,
            "framework_id": [bundle.framework.id],
            "framework": [bundle.framework.id],
            "role_id": self.roles,
            "role": self.roles,
            "award_id": self.credentials,
            "email": sorted(EMAIL.values()),
            "token_id": [victim_token],
            "competency": self.competencies,
            "department": self.departments,
            "team": self.teams,
        }

    def choices(self, path: str, name: str) -> list[str]:
        if name == "name":  # /gaps/departments/{name}, /gaps/teams/{name}
            return self.teams if "/teams/" in path else self.departments
        return self.values.get(name, [])

    def mixed(self, path: str, values: dict[str, Any] | None) -> st.SearchStrategy[Any]:
        """``values`` as generated, or with each known parameter replaced by a real id."""
        if not values:
            return st.just(values)
        parts: dict[str, st.SearchStrategy[Any]] = {}
        for name, value in values.items():
            known = self.choices(path, name)
            parts[name] = st.just(value)
            if known:
                parts[name] = st.one_of(parts[name], st.sampled_from(known))
        return st.fixed_dictionaries(parts)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def fuzz_org(
    request: pytest.FixtureRequest,
    demo_bundle: Bundle,
    password_hash: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Org, Known]]:
    """The demo organisation on a workspace of its own (the writes land here): SQLite, and
    PostgreSQL when SKILLGAP_TEST_POSTGRES_URL names a server (else that pass is skipped)."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_databases").create()
        found_settings = load_settings({}, database_url=url)
    else:
        folder: Path = tmp_path_factory.mktemp("schemathesis")
        found_settings = load_settings({}, workspace=folder / "ws.db")
    store = open_store(found_settings, create=True)
    clock = FixedClock(NOW)
    org = populate(store, demo_bundle, password_hash, clock)
    org.settings = found_settings
    victim = tokens_service.create_token(
        store, clock, "revoked by the fuzzer", role=UserRole.HR, created_by="tests"
    )
    yield org, Known(demo_bundle, victim.token.id)
    store.close()


def _document_app() -> FastAPI:
    """The app on an empty workspace: only its OpenAPI document is read (the tests call
    the app of ``fuzz_app``, on the throwaway demo workspace)."""
    return create_app(load_settings({}, workspace=Path("unused.db")), store=MemoryStore())


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _document_app())
KNOWN: list[Known] = []  # set by ``fuzz_app``; the hooks run after it


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    return KNOWN[0].mixed(context.operation.path, path_parameters)


@schema.hook
def flatmap_query(context: Any, query: Any) -> st.SearchStrategy[Any]:
    return KNOWN[0].mixed(context.operation.path, query)


@pytest.fixture(scope="module")
def fuzz_app(fuzz_org: tuple[Org, Known]) -> Iterator[FastAPI]:
    org, known = fuzz_org
    KNOWN[:] = [known]
    with org.app_client() as client:
        app = client.app
        assert isinstance(app, FastAPI)
        yield app
    KNOWN.clear()


@schema.parametrize()
@BOUNDED
def test_as_administrator(case: Any, fuzz_org: tuple[Org, Known], fuzz_app: FastAPI) -> None:
    org, _ = fuzz_org
    case.call_and_validate(app=fuzz_app, headers=org.bearer(UserRole.ADMIN), checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_as_employee(case: Any, fuzz_org: tuple[Org, Known], fuzz_app: FastAPI) -> None:
    org, _ = fuzz_org
    case.call_and_validate(app=fuzz_app, headers=org.bearer(UserRole.EMPLOYEE), checks=CHECKS)
