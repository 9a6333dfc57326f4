"""Benchmarks: plans as `skillgap plan` makes them, through the service (reading the
workspace, judging the catalog by the rubric, the person's evidence, the solver, the
schedule), on the demo organisation copied 34 times (2,040 people) with a 5,000-item
catalog: the demo's 46 items and 4,954 synthetic ones over the demo's competencies, with
prerequisite chains and every kind of assessment and issuer tier.

Baselines, in the same run: the pure solver on the same request (what the service adds is
the reading and judging), and the organisation's gap model alone (what a group plan reads
before it allocates).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from benchmarks.synthetic import scaled
from skillgap.analysis import plans as pure
from skillgap.analysis.summary import build_model
from skillgap.clock import FixedClock
from skillgap.domain import AssessmentType, IssuerTier
from skillgap.domain.catalog import CatalogItem, ItemKind, Outcome
from skillgap.domain.plans import PlanScope
from skillgap.formats.bundle import read_bundle
from skillgap.services import catalog, plans
from skillgap.services.bundles import demo_folder, store_bundle
from skillgap.services.summary import workspace_data
from skillgap.store.memory import MemoryStore

CLOCK = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
COPIES = 34  # 2,040 people
ITEMS = 5_000


def synthetic_items(bundle_refs: list[Any], existing: int, rng: random.Random) -> list[CatalogItem]:
    items: list[CatalogItem] = []
    kinds = list(AssessmentType)
    tiers = list(IssuerTier)
    for n in range(ITEMS - existing):
        refs = rng.sample(bundle_refs, rng.randint(1, 3))
        pre = (f"syn-{rng.randrange(n)}",) if n > 10 and rng.random() < 0.3 else ()
        items.append(
            CatalogItem(
                id=f"syn-{n}",
                name=f"Synthetic item {n} (example)",
                provider=f"Provider {n % 40}",
                kind=rng.choice(list(ItemKind)),
                outcomes=tuple(Outcome(ref, rng.randint(1, 5)) for ref in refs),
                hours=float(rng.randint(1, 120)),
                cost=float(rng.choice([0, 50, 150, 400, 900, 1800, 3500])),
                issuer_tier=rng.choice(tiers),
                assessment=rng.choice(kinds),
                prerequisites=pre,
            )
        )
    return items


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    bundle = read_bundle(demo_folder())
    data = scaled(bundle, COPIES)
    made = MemoryStore()
    copied = replace(
        bundle, people=tuple(data.people), awards=tuple(data.awards),
        claims=tuple(data.observations),
    )  # fmt: skip
    with made.transaction() as ws:
        store_bundle(ws, copied)
    catalog.import_catalog(made, [demo_folder() / "catalog.yaml"])
    refs = [c.ref for c in bundle.framework.competencies]
    with made.transaction() as ws:
        existing = ws.catalog.count()
        for item in synthetic_items(refs, existing, random.Random(7)):
            ws.catalog.add(item)
        assert ws.catalog.count() == ITEMS
    return made


@pytest.mark.benchmark(group="plan-service-person")
def test_person_plan_service(benchmark: Any, store: MemoryStore) -> None:
    result = benchmark(plans.plan_for_person, store, CLOCK, "E1003-0", save=False)
    benchmark.extra_info.update(
        solver=str(result.plan.solver), items=len(result.plan.lines), cost=result.plan.cost
    )


@pytest.mark.benchmark(group="plan-service-person")
def test_person_plan_service_with_budget(benchmark: Any, store: MemoryStore) -> None:
    result = benchmark(
        plans.plan_for_person, store, CLOCK, "E1003-0", budget=2000,
        deadline=date(2027, 12, 31), save=False,
    )  # fmt: skip
    benchmark.extra_info.update(solver=str(result.plan.solver), cost=result.plan.cost)


@pytest.mark.benchmark(group="plan-service-person")
def test_person_plan_solver_baseline(benchmark: Any, store: MemoryStore) -> None:
    """The pure solver on the request the service builds: only `plan_person`."""
    captured: list[Any] = []
    original = pure.plan_person

    def spy(request: Any) -> Any:
        captured.append(request)
        return original(request)

    plans.plan_person = spy  # type: ignore[attr-defined]
    try:
        plans.plan_for_person(store, CLOCK, "E1003-0", save=False)
    finally:
        plans.plan_person = original  # type: ignore[attr-defined]
    benchmark(original, captured[0])


@pytest.mark.benchmark(group="plan-service-organisation")
def test_organisation_plan_service(benchmark: Any, store: MemoryStore) -> None:
    result = benchmark.pedantic(
        plans.plan_for_group,
        args=(store, CLOCK, PlanScope.ORGANISATION, ""),
        kwargs={"budget": 250_000, "save": False},
        rounds=3,
        iterations=1,
    )
    benchmark.extra_info.update(
        people=result.people, solver=str(result.plan.solver), cost=result.plan.cost,
        items=len(result.plan.lines),
    )  # fmt: skip


@pytest.mark.benchmark(group="plan-service-organisation")
def test_organisation_model_baseline(benchmark: Any, store: MemoryStore) -> None:
    """Reading the workspace and building the gap model: what a group plan starts from."""

    def model() -> Any:
        with store.transaction() as ws:
            data = workspace_data(ws)
        return build_model(data, date(2026, 11, 1))

    benchmark.pedantic(model, rounds=3, iterations=1)
