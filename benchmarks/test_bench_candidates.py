"""Benchmarks: internal candidates for a role (analysis/candidates.py) among the 100,000
people of the synthetic organisation (benchmarks/orggen.py, as test_bench_engine.py builds
it), skipped when /work/shared/data/esco is absent. Target: under 100 ms.

Group ``candidates``, the role being the one with the most requirements today:

- ``test_candidates_for_a_role``: every person's verified readiness against the role, the
  20 best ranked, on a model whose holdings are kept (as a service keeps its model);
- ``..._filtered``: the same for one department's people, the role's holders left out
  (the filter mask built in the timed call, from attribute codes kept per model);
- ``..._at_a_horizon``: against the role's profile two years ahead (two more skills);
- ``..._cold``: the model's holdings recomputed first (after an update, or the first call);
- baseline: the per-person rule (``gaps.person_gap`` on an inventory, then a sort) on a
  sample of 2,000 people; ``extra_info`` scales it to 100,000 (``scaled_ms``) and gives
  ``skillgap_faster_x`` against the engine's median. (``benchmarks/ratios.py`` prints the
  ratio to the unscaled sample.) The baseline's readiness and ranking of the sample are
  checked against the engine's first.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from benchmarks.orggen import ESCO, SyntheticOrg, generate
from skillgap.analysis.candidates import rank_candidates
from skillgap.analysis.engine import OrgModel
from skillgap.analysis.engine_build import SOURCE_KINDS
from skillgap.analysis.engine_filters import people_mask
from skillgap.analysis.gaps import PersonGap, person_gap
from skillgap.analysis.inventory import Inventory, build_inventory
from skillgap.domain import Observation, Role, SourceKind

pytestmark = pytest.mark.skipif(not ESCO.is_dir(), reason=f"the ESCO release is not in {ESCO}")

SAMPLE = 2_000
LIMIT = 20
MEDIANS: dict[str, float] = {}


@pytest.fixture(scope="module")
def org() -> SyntheticOrg:
    return generate()


@pytest.fixture(scope="module")
def model(org: SyntheticOrg) -> OrgModel:
    built = OrgModel.build(org.people, org.roles, org.context, org.observations, as_of=org.as_of)
    built.holdings()  # kept by the model, as a service's long-lived model keeps them
    return built


@pytest.fixture(scope="module")
def role(org: SyntheticOrg) -> Role:
    return max(org.roles, key=lambda r: (len(r.requirements_at(org.as_of)), r.id))


def _info(benchmark: Any, model: OrgModel, role: Role, table: Any) -> None:
    info = benchmark.extra_info
    info["people"] = len(model.people)
    info["requirements"] = len(table.requirements)
    info["in_scope"] = table.total


@pytest.mark.benchmark(group="candidates")
def test_candidates_for_a_role(benchmark: Any, model: OrgModel, role: Role) -> None:
    table = benchmark.pedantic(
        rank_candidates, args=(model, role), kwargs={"limit": LIMIT}, rounds=30, warmup_rounds=2
    )
    MEDIANS["engine"] = benchmark.stats.stats.median
    _info(benchmark, model, role, table)
    assert len(model.people) == 100_000 and len(table) == LIMIT
    assert benchmark.stats.stats.median < 0.1


@pytest.mark.benchmark(group="candidates")
def test_candidates_for_a_role_filtered(benchmark: Any, model: OrgModel, role: Role) -> None:
    department = model.people[0].department

    def run() -> Any:
        mask = people_mask(model, department=department)
        return rank_candidates(model, role, people_filter=mask, exclude_holders=True)

    table = benchmark.pedantic(run, rounds=30, warmup_rounds=2)
    _info(benchmark, model, role, table)
    assert all(r.person.department == department and not r.holds_role for r in table)


@pytest.mark.benchmark(group="candidates")
def test_candidates_for_a_role_at_a_horizon(
    benchmark: Any, model: OrgModel, role: Role, org: SyntheticOrg
) -> None:
    later = org.as_of + timedelta(days=730)
    table = benchmark.pedantic(
        rank_candidates, args=(model, role), kwargs={"horizon": later}, rounds=30, warmup_rounds=2
    )
    _info(benchmark, model, role, table)


@pytest.mark.benchmark(group="candidates")
def test_candidates_for_a_role_cold(benchmark: Any, model: OrgModel, role: Role) -> None:
    table = benchmark.pedantic(
        rank_candidates, args=(model, role), setup=model.refresh, rounds=10, warmup_rounds=1
    )
    _info(benchmark, model, role, table)


# -- the per-person baseline --------------------------------------------------------------


def sample_inventory(org: SyntheticOrg, people: np.ndarray) -> Inventory:
    """The sample's counted observations as objects, and their inventory (not timed)."""
    cols = org.observations
    mine = np.flatnonzero(
        np.isin(cols.person, people) & (cols.observed_on <= org.as_of.toordinal())
    )
    found = []
    for i in mine.tolist():
        source = SOURCE_KINDS[int(cols.source[i])]
        found.append(
            Observation(
                id=str(cols.ids[i]),
                person_id=cols.person_ids[int(cols.person[i])],
                competency=cols.competencies[int(cols.competency[i])],
                level=int(cols.level[i]),
                scale_id=cols.scale_ids[int(cols.scale[i])],
                source=source,
                observed_on=org.as_of.fromordinal(int(cols.observed_on[i])),
                confidence=float(cols.confidence[i]),
                award_id="award" if source is SourceKind.CREDENTIAL else None,
            )
        )
    return build_inventory(found, org.context)


def loop_candidates(
    org: SyntheticOrg, role: Role, inventory: Inventory, people: np.ndarray
) -> list[PersonGap]:
    gaps = [
        person_gap(org.people[i], role, inventory, org.context, horizon=org.as_of)
        for i in people.tolist()
    ]
    return sorted(
        gaps,
        key=lambda g: (
            -g.readiness,
            sum(x.weighted_gap for x in g.items),
            g.person.employee_id,
        ),
    )


@pytest.mark.benchmark(group="candidates")
def test_candidates_per_person_loop_baseline(
    benchmark: Any, org: SyntheticOrg, model: OrgModel, role: Role
) -> None:
    people = np.sort(np.random.default_rng(7).choice(len(org.people), SAMPLE, replace=False))
    inventory = sample_inventory(org, people)
    ranked = benchmark.pedantic(
        loop_candidates, args=(org, role, inventory, people), rounds=5, warmup_rounds=1
    )
    ids = [org.people[i].employee_id for i in people.tolist()]
    table = rank_candidates(model, role, people_filter=model.mask(ids), limit=None)
    assert [r.person for r in table] == [g.person for g in ranked]
    assert [r.readiness for r in table] == [g.readiness for g in ranked]
    engine = MEDIANS.get("engine")
    if engine is None:  # run on its own: time the engine here
        times = []
        for _ in range(10):
            start = time.perf_counter()
            rank_candidates(model, role)
            times.append(time.perf_counter() - start)
        engine = statistics.median(times)
    scaled = benchmark.stats.stats.median * len(org.people) / SAMPLE
    info = benchmark.extra_info
    info["sample"] = SAMPLE
    info["scaled_ms"] = round(scaled * 1000, 1)
    info["skillgap_faster_x"] = round(scaled / engine, 1)
