"""Benchmarks: the columnar gap engine on 100,000 people, 500 ESCO roles and 2 million
observations (benchmarks/orggen.py), skipped when /work/shared/data/esco is absent.

Groups, each with its baseline measured in the same process on the same data:

- ``engine-full``: a full recompute in the verified view: every person's gaps now, the
  departments' competency, capability and readiness roll-ups, the organisation's
  competency roll-up, future gaps by department, priorities, bench strength and single
  points of failure. Baseline: the same computation as plain SQL on SQLite (in memory,
  observations clustered by person and competency). After timing, the two results are
  compared, so the baseline is known to compute the same thing.
- ``engine-update``: one person gets a new credential; their gaps are recomputed and read
  back as a PersonGap. Baseline: the same for one person in SQL.

Peak memory is reported in ``extra_info``: the tracemalloc peak of one engine recompute
(numpy reports its buffers to tracemalloc) and the benchmark process's maximum resident set.
"""

from __future__ import annotations

import resource
import sqlite3
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from itertools import count
from typing import Any

import numpy as np
import pytest

from benchmarks.orggen import ESCO, SyntheticOrg, generate
from skillgap.analysis.engine import OrgModel
from skillgap.analysis.engine_build import SOURCE_CODE
from skillgap.analysis.inventory import View
from skillgap.domain import Importance, Observation, SourceKind

pytestmark = pytest.mark.skipif(not ESCO.is_dir(), reason=f"the ESCO release is not in {ESCO}")

# The SQL below writes the verified source codes (credential, assessment) as "IN (0, 1)".
assert [SOURCE_CODE[k] for k in SourceKind if k.verified] == [0, 1]
BENCH_LEVEL = 3.0
HALF_LIFE = 365.0
MEDIANS: dict[str, float] = {}  # the engine's median, for the baseline's speed-up figure


@pytest.fixture(scope="module")
def org() -> SyntheticOrg:
    return generate()


@pytest.fixture(scope="module")
def model(org: SyntheticOrg) -> OrgModel:
    return OrgModel.build(org.people, org.roles, org.context, org.observations, as_of=org.as_of)


def full_recompute(model: OrgModel) -> dict[str, Any]:
    """Everything, from the stored observations: nothing derived is kept from before."""
    model.refresh()
    view = View.VERIFIED
    departments = model.grouping(lambda p: p.department)
    return {
        "gaps": model.person_gaps(view),
        "competencies": model.aggregate(view, departments),
        "capabilities": model.aggregate_capabilities(view, departments),
        "groups": model.group_readiness(view, departments),
        "organisation": model.aggregate(view),
        "future": model.future_gaps(view, departments),
        "priorities": model.priorities(view, half_life_days=HALF_LIFE),
        "bench": model.bench_strength(BENCH_LEVEL, view),
        "single_points": model.single_points_of_failure(Importance.CRITICAL),
    }


def _megabytes(n: float) -> float:
    return round(n / 2**20, 1)


@pytest.mark.benchmark(group="engine-full")
def test_engine_full_recompute(benchmark: Any, model: OrgModel, org: SyntheticOrg) -> None:
    result = benchmark.pedantic(
        full_recompute, args=(model,), rounds=9, iterations=1, warmup_rounds=1
    )
    tracemalloc.start()
    model.refresh()
    resting = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    full_recompute(model)
    peak = tracemalloc.get_traced_memory()[1] - resting
    tracemalloc.stop()
    MEDIANS["engine-full"] = benchmark.stats.stats.median
    info = benchmark.extra_info
    info["people"] = len(model.people)
    info["observations"] = len(org.observations)
    info["requirement_rows"] = len(result["gaps"].gap)
    info["recompute_peak_mb"] = _megabytes(peak)
    info["process_maxrss_mb"] = _megabytes(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    )
    assert len(model.people) == 100_000 and info["process_maxrss_mb"] < 2048


@pytest.mark.benchmark(group="engine-full")
def test_engine_build_from_columns(benchmark: Any, org: SyntheticOrg) -> None:
    """Not a recompute: interning and sorting the observations (once per model)."""
    benchmark.pedantic(
        OrgModel.build,
        args=(org.people, org.roles, org.context, org.observations),
        kwargs={"as_of": org.as_of},
        rounds=3,
        iterations=1,
    )


# -- the SQL baseline -------------------------------------------------------------------


SCHEMA = """
CREATE TABLE people (p INTEGER PRIMARY KEY, role INTEGER, dept INTEGER);
CREATE TABLE req (role INTEGER, comp INTEGER, horizon INTEGER, required REAL, weight INTEGER);
CREATE INDEX req_role ON req (role, comp);
CREATE TABLE obs (p INTEGER, comp INTEGER, rank INTEGER, scale INTEGER, level INTEGER,
                  source INTEGER, day INTEGER, PRIMARY KEY (p, comp, rank)) WITHOUT ROWID;
CREATE TABLE scale_level (scale INTEGER, level INTEGER, canonical REAL,
                          PRIMARY KEY (scale, level)) WITHOUT ROWID;
CREATE TABLE comp_cap (comp INTEGER PRIMARY KEY, cap INTEGER);
CREATE TABLE urgency (horizon INTEGER PRIMARY KEY, urgency REAL);
"""


def load_sqlite(org: SyntheticOrg, model: OrgModel) -> sqlite3.Connection:
    """The same inputs as the engine: people, raw requirements (canonical levels), raw
    observations with their scales, the competencies' capability groups."""
    conn = sqlite3.connect(":memory:")
    conn.executescript("PRAGMA temp_store = MEMORY;" + SCHEMA)
    intern = {ref: i for i, ref in enumerate(model.competencies)}
    role_index = {r.id: i for i, r in enumerate(org.roles)}
    departments = sorted({p.department for p in org.people})
    conn.executemany(
        "INSERT INTO people VALUES (?, ?, ?)",
        ((i, role_index[p.role_id or ""], departments.index(p.department))
         for i, p in enumerate(org.people)),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO req VALUES (?, ?, ?, ?, ?)",
        (
            (r, intern[q.competency], q.horizon.toordinal() if q.horizon else None,
             org.context.canonical(q.competency, q.level), q.importance.weight)
            for r, role in enumerate(org.roles)
            for q in role.requirements
        ),
    )  # fmt: skip
    cols = org.observations
    comp_code = np.array([intern[ref] for ref in cols.competencies])
    conn.executemany(
        "INSERT INTO obs VALUES (?, ?, ?, ?, ?, ?, ?)",
        zip(cols.person.tolist(), comp_code[cols.competency].tolist(), cols.order.tolist(),
            cols.scale.tolist(), cols.level.tolist(), cols.source.tolist(),
            cols.observed_on.tolist(), strict=True),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO scale_level VALUES (?, ?, ?)",
        (
            (s, lv.value, lv.canonical)
            for s, sid in enumerate(cols.scale_ids)
            for lv in org.context.scale(sid).levels
        ),
    )
    codes, _ = model.capabilities
    conn.executemany("INSERT INTO comp_cap VALUES (?, ?)", enumerate(codes.tolist()))
    conn.executemany(
        "INSERT INTO urgency VALUES (?, ?)",
        [(0, 1.0)]
        + [(h.toordinal(), 0.5 ** ((h - org.as_of).days / HALF_LIFE)) for h in model.horizons],
    )
    conn.commit()
    return conn


# Views of the raw data, as a straightforward SQL pipeline: temporary tables for what several
# later queries read, one query per result. :asof is the analysis date's ordinal.
PROFILE = """
DROP TABLE IF EXISTS temp.prof;
CREATE TEMP TABLE prof (role INTEGER, comp INTEGER, required REAL, weight INTEGER,
    PRIMARY KEY (role, comp)) WITHOUT ROWID;
INSERT INTO prof
    SELECT role, comp, required, weight FROM (
        SELECT role, comp, required, weight, ROW_NUMBER() OVER (
            PARTITION BY role, comp ORDER BY COALESCE(horizon, 0) DESC) AS rn
        FROM req WHERE horizon IS NULL OR horizon <= :asof)
    WHERE rn = 1;
"""
HOLDINGS = """
DROP TABLE IF EXISTS temp.held;
CREATE TEMP TABLE held (p INTEGER, comp INTEGER, verified REAL, PRIMARY KEY (p, comp))
    WITHOUT ROWID;
INSERT INTO held
    SELECT o.p, o.comp, MAX(CASE WHEN o.source IN (0, 1) THEN s.canonical END)
    FROM obs o JOIN scale_level s ON s.scale = o.scale AND s.level = o.level
    WHERE o.day <= :asof GROUP BY o.p, o.comp;
"""
GAPS = """
DROP TABLE IF EXISTS temp.gaps; DROP TABLE IF EXISTS temp.line; DROP TABLE IF EXISTS temp.fut;
DROP TABLE IF EXISTS temp.person_gaps;
CREATE TEMP TABLE gaps AS
    SELECT pe.p, pe.dept, pr.comp, pr.weight, pr.required, h.verified AS held,
        MAX(0.0, pr.required - COALESCE(h.verified, 0.0)) AS gap,
        CASE WHEN pr.required <= 0 THEN 1.0
             ELSE MIN(COALESCE(h.verified, 0.0), pr.required) / pr.required END AS coverage
    FROM people pe JOIN prof pr ON pr.role = pe.role
    LEFT JOIN held h ON h.p = pe.p AND h.comp = pr.comp;
CREATE TEMP TABLE person_gaps AS
    SELECT p, dept, 100.0 * SUM(weight * coverage) / SUM(weight) AS readiness,
        SUM(weight * gap) AS wgap
    FROM gaps GROUP BY p;
CREATE TEMP TABLE line AS
    SELECT r.role, r.comp, r.horizon, r.required, r.weight, MAX(
        COALESCE((SELECT MAX(x.required) FROM req x WHERE x.role = r.role AND x.comp = r.comp
                  AND x.horizon > :asof AND x.horizon < r.horizon), -1.0),
        COALESCE((SELECT p.required FROM prof p WHERE p.role = r.role AND p.comp = r.comp),
                 -1.0)) AS previous
    FROM req r WHERE r.horizon > :asof;
CREATE TEMP TABLE fut AS
    SELECT pe.p, pe.dept, l.comp, l.horizon, l.weight,
        MAX(0.0, l.required - COALESCE(h.verified, 0.0)) AS gap,
        MAX(0.0, MAX(0.0, l.required - COALESCE(h.verified, 0.0))
                 - MAX(0.0, l.previous - COALESCE(h.verified, 0.0))) AS inc
    FROM people pe JOIN line l ON l.role = pe.role
    LEFT JOIN held h ON h.p = pe.p AND h.comp = l.comp;
"""

QUERIES = {
    "competencies": """
        SELECT dept, comp, COUNT(*), SUM(gap <= 0), SUM(weight * coverage) / SUM(weight),
            SUM(gap), SUM(weight * gap)
        FROM gaps GROUP BY dept, comp""",
    "capabilities": """
        WITH pc AS (
            SELECT g.dept, c.cap, COUNT(*) AS n, SUM(g.gap > 0) AS unmet,
                SUM(g.weight) AS w, SUM(g.weight * g.coverage) AS wc, SUM(g.gap) AS gap,
                SUM(g.weight * g.gap) AS wgap
            FROM gaps g JOIN comp_cap c ON c.comp = g.comp GROUP BY g.p, c.cap)
        SELECT dept, cap, COUNT(*), SUM(unmet = 0), SUM(n), SUM(n - unmet), SUM(wc) / SUM(w),
            SUM(gap), SUM(wgap)
        FROM pc GROUP BY dept, cap""",
    "groups": """
        SELECT pe.dept, COUNT(*), COUNT(g.p), COALESCE(AVG(g.readiness), 100.0),
            COALESCE(SUM(g.wgap), 0.0)
        FROM people pe LEFT JOIN person_gaps g ON g.p = pe.p GROUP BY pe.dept""",
    "organisation": """
        SELECT comp, COUNT(*), SUM(gap <= 0), SUM(weight * coverage) / SUM(weight), SUM(gap),
            SUM(weight * gap)
        FROM gaps GROUP BY comp""",
    "future": """
        SELECT dept, horizon, comp, COUNT(*), SUM(gap > 0), SUM(gap), SUM(weight * gap)
        FROM fut GROUP BY dept, horizon, comp""",
    "priorities": """
        SELECT n.comp, n.horizon, COUNT(*) AS required, SUM(n.need > 0) AS short,
            SUM(n.need) / SUM(n.need > 0) AS gap_size, SUM(n.weight * n.need) / SUM(n.need),
            u.urgency, SUM(n.weight * n.need), SUM(n.weight * n.need) * u.urgency AS score
        FROM (SELECT comp, 0 AS horizon, gap AS need, weight FROM gaps
              UNION ALL SELECT comp, horizon, inc, weight FROM fut) n
        JOIN urgency u ON u.horizon = n.horizon
        GROUP BY n.comp, n.horizon HAVING short > 0
        ORDER BY score DESC, n.horizon, n.comp""",
    "bench": "SELECT comp, COUNT(*) FROM held WHERE verified >= :level GROUP BY comp",
    "single_points": """
        WITH crit AS (SELECT comp, MIN(required) AS level, COUNT(DISTINCT role) AS roles
                      FROM req WHERE weight >= 3 GROUP BY comp),
             holders AS (SELECT h.comp, COUNT(*) AS n, MIN(h.p) AS p
                         FROM held h JOIN crit c ON c.comp = h.comp
                         WHERE h.verified >= c.level GROUP BY h.comp)
        SELECT c.comp, c.level, c.roles, COALESCE(h.n, 0), h.p
        FROM crit c LEFT JOIN holders h ON h.comp = c.comp WHERE COALESCE(h.n, 0) <= 1""",
}


def _run(conn: sqlite3.Connection, script: str, as_of: date) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement, {"asof": as_of.toordinal()})


def sql_full_recompute(conn: sqlite3.Connection, as_of: date) -> dict[str, list[Any]]:
    for script in (HOLDINGS, PROFILE, GAPS):
        _run(conn, script, as_of)
    results = {
        name: conn.execute(query, {"level": BENCH_LEVEL}).fetchall()
        for name, query in QUERIES.items()
    }
    results["person_gaps"] = conn.execute("SELECT p, readiness FROM person_gaps").fetchall()
    return results


@pytest.fixture(scope="module")
def sqlite(org: SyntheticOrg, model: OrgModel) -> Iterator[sqlite3.Connection]:
    conn = load_sqlite(org, model)
    yield conn
    conn.close()


@pytest.mark.benchmark(group="engine-full")
def test_sql_full_recompute_baseline(
    benchmark: Any, sqlite: sqlite3.Connection, model: OrgModel, org: SyntheticOrg
) -> None:
    found = benchmark.pedantic(sql_full_recompute, args=(sqlite, org.as_of), rounds=2, iterations=1)
    same_results(found, full_recompute(model), org.as_of)
    engine = MEDIANS.get("engine-full")
    if engine is None:  # run on its own: time the engine here
        full_recompute(model)  # warm-up, as the engine's benchmark has
        times = []
        for _ in range(5):
            start = time.perf_counter()
            full_recompute(model)
            times.append(time.perf_counter() - start)
        engine = statistics.median(times)
    speedup = benchmark.stats.stats.median / engine
    info = benchmark.extra_info
    info["skillgap_faster_x"] = round(speedup, 1)  # ratios.py prints 0.0x for that
    info["process_maxrss_mb"] = _megabytes(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    )
    assert speedup > 1


def same_results(sql: dict[str, list[Any]], engine: dict[str, Any], as_of: date) -> None:
    """The baseline computes what the engine computes (every cell, or every row)."""

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-6 * max(1.0, abs(b))

    cells = {(r[0], r[1]): r[2:] for r in sql["competencies"]}
    table = engine["competencies"]
    assert len(cells) == len(table)
    for i in range(len(table)):
        row = cells[(int(table.group[i]), int(table.competency[i]))]
        assert row[:2] == (table.people_in_scope[i], table.people_meeting[i])
        assert close(row[2], table.coverage[i]) and close(row[4], table.total_weighted_gap[i])
    caps = {(r[0], r[1]): r[2:] for r in sql["capabilities"]}
    table = engine["capabilities"]
    assert len(caps) == len(table)
    for i in range(len(table)):
        row = caps[(int(table.group[i]), int(table.capability[i]))]
        assert row[:4] == (
            table.people_in_scope[i],
            table.people_meeting[i],
            table.requirements[i],
            table.requirements_met[i],
        )
        assert close(row[6], table.total_weighted_gap[i])
    groups = engine["groups"]
    for i, row in enumerate(sorted(sql["groups"])):
        assert row[1:3] == (groups.group_size[i], groups.people_assessed[i])
        assert close(row[3], groups.mean_readiness[i]) and close(
            row[4], groups.total_weighted_gap[i]
        )
    readiness = engine["gaps"].readiness
    assert all(close(r, readiness[p]) for p, r in sql["person_gaps"])
    ranked = engine["priorities"]
    assert len(sql["priorities"]) == len(ranked)
    for i, row in enumerate(sql["priorities"][:200]):
        horizon = 0 if row[1] == 0 else 1 + engine_horizon(ranked, row[1])
        assert (row[0], horizon, row[3]) == (
            ranked.competency[i],
            ranked.horizon[i],
            ranked.people_short[i],
        )
        assert close(row[8], ranked.score[i])
    future = engine["future"]
    assert len(sql["future"]) == len(future)
    assert close(sum(r[6] for r in sql["future"]), float(future.total_weighted_gap.sum()))
    bench = engine["bench"]
    assert dict(sql["bench"]) == {
        int(c): int(n) for c, n in zip(bench.competency, bench.people, strict=True) if n
    }
    points = engine["single_points"]
    assert sorted((r[3], r[0]) for r in sql["single_points"]) == sorted(
        (s.holders, engine_competency(engine, s.competency)) for s in points
    )


def engine_horizon(ranked: Any, ordinal: int) -> int:
    return [h.toordinal() for h in ranked.horizons].index(ordinal)  # type: ignore[no-any-return]


def engine_competency(engine: dict[str, Any], ref: Any) -> int:
    return engine["bench"].competencies.index(ref)  # type: ignore[no-any-return]


# -- one person --------------------------------------------------------------------------


def _credentials(org: SyntheticOrg) -> Iterator[tuple[str, Observation]]:
    """A new credential for person after person, on a competency their role requires."""
    roles = {r.id: r for r in org.roles}
    for n in count():
        person = org.people[(n * 7919) % len(org.people)]
        role = roles[person.role_id or ""]
        ref = role.requirements[n % len(role.requirements)].competency
        award = f"bench-award-{n}"
        yield person.employee_id, Observation(
            f"N{n:07d}", person.employee_id, ref, 1 + n % 3, "kpm", SourceKind.CREDENTIAL,
            org.as_of, award_id=award,
        )  # fmt: skip


@pytest.mark.benchmark(group="engine-update")
def test_engine_update_one_person(benchmark: Any, model: OrgModel, org: SyntheticOrg) -> None:
    """The verified view's tables are kept (now and future rows): both are patched."""
    full_recompute(model)
    new = _credentials(org)

    def update(person_id: str, observation: Observation) -> Any:
        model.update_person(person_id, [observation])
        return model.person_gap(person_id)

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        return next(new), {}

    result = benchmark.pedantic(update, setup=setup, rounds=300, iterations=1)
    assert any(item.source is SourceKind.CREDENTIAL for item in result.items)


# The same in SQL: the new observation in, then the person's rows of every table the full
# recompute materialised (holdings, gap rows, readiness, future rows) deleted and rebuilt
# from their observations, then their gap rows and readiness read back.
ONE_PERSON = [
    "INSERT INTO obs VALUES (:p, :comp, :rank, :scale, :level, 0, :asof)",
    "DELETE FROM held WHERE p = :p",
    """INSERT INTO held
        SELECT o.p, o.comp, MAX(CASE WHEN o.source IN (0, 1) THEN s.canonical END)
        FROM obs o JOIN scale_level s ON s.scale = o.scale AND s.level = o.level
        WHERE o.p = :p AND o.day <= :asof GROUP BY o.p, o.comp""",
    "DELETE FROM gaps WHERE p = :p",
    """INSERT INTO gaps
        SELECT pe.p, pe.dept, pr.comp, pr.weight, pr.required, h.verified AS held,
            MAX(0.0, pr.required - COALESCE(h.verified, 0.0)) AS gap,
            CASE WHEN pr.required <= 0 THEN 1.0
                 ELSE MIN(COALESCE(h.verified, 0.0), pr.required) / pr.required END
        FROM people pe JOIN prof pr ON pr.role = pe.role
        LEFT JOIN held h ON h.p = pe.p AND h.comp = pr.comp
        WHERE pe.p = :p""",
    "DELETE FROM person_gaps WHERE p = :p",
    """INSERT INTO person_gaps
        SELECT p, dept, 100.0 * SUM(weight * coverage) / SUM(weight), SUM(weight * gap)
        FROM gaps WHERE p = :p GROUP BY p""",
    "DELETE FROM fut WHERE p = :p",
    """INSERT INTO fut
        SELECT pe.p, pe.dept, l.comp, l.horizon, l.weight,
            MAX(0.0, l.required - COALESCE(h.verified, 0.0)),
            MAX(0.0, MAX(0.0, l.required - COALESCE(h.verified, 0.0))
                     - MAX(0.0, l.previous - COALESCE(h.verified, 0.0)))
        FROM people pe JOIN line l ON l.role = pe.role
        LEFT JOIN held h ON h.p = pe.p AND h.comp = l.comp
        WHERE pe.p = :p""",
]
READ_BACK = """
    SELECT g.comp, g.required, g.held, g.gap, g.coverage, r.readiness
    FROM gaps g JOIN person_gaps r ON r.p = g.p WHERE g.p = :p ORDER BY g.comp"""
INDEXES = """
CREATE INDEX IF NOT EXISTS temp.gaps_p ON gaps (p);
CREATE INDEX IF NOT EXISTS temp.fut_p ON fut (p);
CREATE INDEX IF NOT EXISTS temp.line_role ON line (role);
CREATE UNIQUE INDEX IF NOT EXISTS temp.person_gaps_p ON person_gaps (p)
"""


@pytest.mark.benchmark(group="engine-update")
def test_sql_update_one_person_baseline(
    benchmark: Any, sqlite: sqlite3.Connection, model: OrgModel, org: SyntheticOrg
) -> None:
    if not sqlite.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'gaps'").fetchone():
        sql_full_recompute(sqlite, org.as_of)
    sqlite.executescript(INDEXES)
    intern = {ref: i for i, ref in enumerate(model.competencies)}
    kpm = list(org.observations.scale_ids).index("kpm")
    new = _credentials(org)
    ranks = count(10**9)

    def update(params: dict[str, Any]) -> list[Any]:
        for statement in ONE_PERSON:
            sqlite.execute(statement, params)
        return sqlite.execute(READ_BACK, params).fetchall()

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        person_id, observation = next(new)
        params = {
            "p": model.index(person_id),
            "comp": intern[observation.competency],
            "rank": next(ranks),
            "scale": kpm,
            "level": observation.level,
            "asof": org.as_of.toordinal(),
        }
        return (params,), {}

    rows = benchmark.pedantic(update, setup=setup, rounds=300, iterations=1)
    assert rows
