"""Snapshots and progress through the services, on every store backend: taking a snapshot,
the snapshot every import takes, and progress after a credential import and an expiry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from skillgap.analysis.inventory import View
from skillgap.clock import FixedClock
from skillgap.domain import (
    Achievement,
    Alignment,
    AssessmentType,
    CompetencyRef,
    Importance,
    Issuer,
    IssuerTier,
    Person,
    Requirement,
    Role,
)
from skillgap.domain.snapshots import (
    DEMO,
    IMPORT_CREDENTIALS,
    IMPORT_PEOPLE,
    IMPORT_RATINGS,
    MANUAL,
)
from skillgap.errors import NotFoundError
from skillgap.formats.bundle import Bundle
from skillgap.services.bundles import run_demo, store_bundle
from skillgap.services.credentials import import_credentials
from skillgap.services.people import import_people
from skillgap.services.ratings import import_ratings
from skillgap.services.snapshots import list_snapshots, person_progress, progress, take_snapshot
from skillgap.services.summary import organisation_summary
from skillgap.services.verification import FetchPlan
from skillgap.store import Store
from tests.services.badges import (
    ANN,
    AT,
    BOB,
    FRAMEWORK,
    Academy,
    plain,
    python_academy,
    write,
)

CLOCK = FixedClock(AT)
PYTHON = CompetencyRef("esco", "python")
DEVELOPER = Role(
    "developer", "Developer", requirements=(Requirement(PYTHON, 3, Importance.CRITICAL),)
)


def opener(store: Store) -> Callable[[bool], AbstractContextManager[Store]]:
    @contextmanager
    def open_workspace(create: bool) -> Iterator[Store]:
        yield store

    return open_workspace


def load_demo(store: Store, bundle: Bundle) -> None:
    with store.transaction() as ws:
        store_bundle(ws, bundle)


# --------------------------------------------------------------------------- taking one


def test_a_snapshot_of_the_demo_has_the_summary_s_figures(
    store: Store, demo_bundle: Bundle
) -> None:
    load_demo(store, demo_bundle)
    taken = take_snapshot(store, CLOCK)
    s = taken.snapshot
    summary = organisation_summary(store, CLOCK)
    assert (s.id, s.as_of, s.reason, s.taken_at) == ("S000001", date(2026, 11, 1), MANUAL, AT)
    assert s.as_of == summary.as_of  # the workspace's snapshot date, as the summary's
    assert s.totals.people == summary.people_assessed
    assert s.totals.readiness_verified == pytest.approx(summary.readiness_now)
    assert s.totals.open_verified == sum(len(g.open_items) for g in summary.now)
    assert (taken.previous, taken.change) == (None, None)
    with store.transaction() as ws:
        assert ws.snapshots.get("S000001") == s


def test_a_second_snapshot_is_compared_with_the_latest(store: Store, demo_bundle: Bundle) -> None:
    load_demo(store, demo_bundle)
    first = take_snapshot(store, CLOCK).snapshot
    later = take_snapshot(store, CLOCK, as_of=date(2027, 12, 31))
    assert later.snapshot.id == "S000002"
    assert later.previous == first.header()
    assert later.change is not None and later.change.opened  # the 2027 profiles ask more
    assert [s.id for s in list_snapshots(store)] == ["S000001", "S000002"]
    assert [s.id for s in list_snapshots(store, date(2027, 1, 1))] == ["S000002"]


def test_nobody_to_assess_is_an_error_and_stores_nothing(store: Store) -> None:
    with pytest.raises(NotFoundError, match="nothing to snapshot"):
        take_snapshot(store, CLOCK)
    assert list_snapshots(store) == []


def test_the_demo_takes_a_first_snapshot(store: Store) -> None:
    run_demo(opener(store), CLOCK, lambda location: True, view=View.VERIFIED)
    [first] = list_snapshots(store)
    assert (first.reason, first.as_of, first.totals.people) == (DEMO, date(2026, 11, 1), 58)


# --------------------------------------------------------------------------- after imports


def prepare(store: Store) -> tuple[str, Academy]:
    """ESCO, a developer role for Ann and Bob, and the academy's Python badge held with a
    recognised issuer and a practical exam (so that a credential of it counts)."""
    academy, badge = python_academy()
    with store.transaction() as ws:
        ws.frameworks.add(FRAMEWORK)
        ws.roles.add(DEVELOPER)
        ws.people.add_all([_developer(ANN), _developer(BOB)])
        ws.issuers.add(Issuer(academy.issuer_id, "Example Academy", tier=IssuerTier.ACCREDITED))
        ws.achievements.add(
            Achievement(
                badge,
                "Python Practitioner",
                academy.issuer_id,
                assessment=AssessmentType.PRACTICAL_EXAM,
                alignments=(Alignment("Python", PYTHON, 3),),
            )
        )
    return badge, academy


def _developer(person: Person) -> Person:
    return replace(person, role_id="developer", department="Engineering")


def test_a_credential_import_snapshots_and_progress_shows_the_gap_closed(
    store: Store, tmp_path: Path
) -> None:
    badge, academy = prepare(store)
    baseline = take_snapshot(store, CLOCK).snapshot
    assert baseline.totals.open_verified == 2
    assertion = academy.award(1, badge, plain("ann@example.org"), expires="2026-03-01T00:00:00Z")
    import_credentials(
        store,
        [write(tmp_path, "ann.json", assertion)],
        fetch_plan=FetchPlan(),
        clock=CLOCK,
        at=AT,
        network=academy.fetcher,
    )
    after = list_snapshots(store)
    assert [(s.id, s.reason) for s in after] == [
        ("S000001", MANUAL),
        ("S000002", IMPORT_CREDENTIALS),
    ]
    report = progress(store, date(2025, 1, 1))
    overall = report.progress.overall
    assert overall is not None
    [closed] = overall.closed
    assert (closed.person_id, closed.competency) == ("E1", PYTHON)
    assert (closed.held_before, closed.held_after, closed.required_after) == (None, 3.0, 3.0)
    assert report.people == {"E1": "Ann"}
    assert report.competencies == {PYTHON: "Python (computer programming)"}

    # a year later the credential has expired: the gap opens again
    take_snapshot(store, CLOCK, as_of=date(2026, 6, 1))
    report = progress(store, date(2025, 1, 1))
    assert [(len(p.closed), len(p.opened)) for p in report.progress.periods] == [(1, 0), (0, 1)]
    [reopened] = report.progress.periods[1].opened
    assert (reopened.person_id, reopened.held_before, reopened.held_after) == ("E1", 3.0, None)
    assert [p.snapshot.as_of for p in report.progress.series] == [
        date(2025, 6, 1),
        date(2025, 6, 1),
        date(2026, 6, 1),
    ]

    # one person's progress, read from the stored periods, is the same story for them
    ann, bob = (person_progress(store, p, since=date(2025, 1, 1)) for p in ("E1", "E2"))
    assert [(len(p.change.closed), len(p.change.opened)) for p in ann.periods] == [(1, 0), (0, 1)]
    assert ann.periods[1].change.opened == report.progress.periods[1].opened
    assert ann.competencies == {PYTHON: "Python (computer programming)"}
    assert bob.periods == () and bob.competencies == {}


def test_a_people_import_snapshots_when_it_changes_something(store: Store, tmp_path: Path) -> None:
    prepare(store)
    path = tmp_path / "people.csv"
    path.write_text(
        "employee_id,name,email,department,role\n"
        "E1,Ann,ann@example.org,Engineering,developer\n"
        "E3,Cleo,cleo@example.org,Data,developer\n",
        encoding="utf-8",
    )
    import_people(path, opener(store), clock=CLOCK)
    [taken] = list_snapshots(store)
    assert (taken.reason, taken.as_of, taken.totals.people) == (IMPORT_PEOPLE, AT.date(), 3)
    import_people(path, opener(store), clock=CLOCK)  # nothing changes: no snapshot
    assert len(list_snapshots(store)) == 1
    report = progress(store, department="Data")
    assert [p.snapshot.totals.people for p in report.progress.series] == [1]
    with pytest.raises(NotFoundError, match="Data, Engineering"):
        progress(store, department="Sales")


def test_people_imported_before_their_roles_take_no_snapshot(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("employee_id,name,role\nE1,Ann,developer\n", encoding="utf-8")
    import_people(path, opener(store), clock=CLOCK)
    assert list_snapshots(store) == []


def test_a_ratings_import_snapshots(store: Store, tmp_path: Path) -> None:
    prepare(store)
    path = tmp_path / "ratings.csv"
    path.write_text(
        "employee_id,competency,level,source,rated_on\nE2,python,4,manager,2025-05-01\n",
        encoding="utf-8",
    )
    import_ratings(path, "esco", opener(store), clock=CLOCK)
    [taken] = list_snapshots(store)
    assert (taken.reason, taken.totals.open_verified, taken.totals.open_best) == (
        IMPORT_RATINGS,
        2,
        1,  # Bob meets it on a manager rating
    )
    assert taken.taken_at == AT
