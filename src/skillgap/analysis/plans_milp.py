"""The integer program behind plans and allocations, solved with HiGHS (scipy's ``milp``).

For the problems of one or more people (``plans_model.Problem``), the columns are
``x[p, i]`` (binary: person p takes candidate item i) and then ``y[p, n]`` (binary: person
p's need n closes). ``y`` could be continuous (it is integral at an optimum), but then
HiGHS 1.12 repairs postsolved solutions against the objective bounds below and prints a
stray debug line to stdout while doing so (ERGO-Code/HiGHS#2783). The rows:

- cover: ``y[p, n] - sum(x[p, i] for i closing n) <= 0``;
- prerequisite: ``x[p, i] - x[p, q] <= 0`` for each direct prerequisite q not yet done;
- budget: ``sum(cost[i] x[p, i]) <= budget`` over everyone, when there is one;
- capacity: ``sum(hours[i] x[p, i]) <= capacity[p]`` per person, when there is a deadline.

``levels`` names the objectives in lexicographic order: ``gap`` (maximise
``sum(gain[p, n] y[p, n])``), ``cost`` and ``hours`` (minimise). Each level is one solve; its
optimum then bounds the next solve (within 1e-6 absolute plus 1e-9 relative, the solver's
own tolerances), so no level is traded for a later one. Without ``gap``, every need must
close (``y`` fixed at 1). ``mip_rel_gap`` is 0: "optimal" means proved optimal.

``presolve``: on for a person's plan, where it costs nothing and keeps HiGHS 1.12 from
printing a stray debug line to stdout when it repairs a solution (ERGO-Code/HiGHS#2783);
off for groups, where HiGHS's presolve took 3-4 times as long as the solve it saves (and
stayed silent on the benchmark data).

When the first level is not proved optimal within the time limit, there is no answer
(``chosen`` is None, the caller falls back to the greedy). When a later level runs out of
time, the best solution found so far is kept, since it is optimal on the first level, and
the note says which tie-break was not proved.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from skillgap.analysis.plans_model import Problem

F64 = npt.NDArray[np.float64]
ABS_TIE = 1e-6
REL_TIE = 1e-9


@dataclass(frozen=True)
class Outcome:
    chosen: list[frozenset[int]] | None  # per problem, candidate indexes; None: no proof
    note: str


@dataclass(frozen=True)
class _Model:
    x_offsets: list[int]
    n_x: int
    n_y: int
    costs: F64
    hours: F64
    gains: F64
    matrix: Any  # scipy sparse array, the rows above
    upper: F64


def _build(
    problems: Sequence[Problem], budget: float | None, capacities: Sequence[float | None]
) -> _Model:
    x_offsets, y_offsets = [], []
    n_x = n_y = 0
    for p in problems:
        x_offsets.append(n_x)
        y_offsets.append(n_y)
        n_x += len(p.items)
        n_y += len(p.needs)
    costs = np.array([c.cost for p in problems for c in p.items], dtype=np.float64)
    hours = np.array([c.hours for p in problems for c in p.items], dtype=np.float64)
    gains = np.array([g for p in problems for g in p.gains], dtype=np.float64)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    upper: list[float] = []
    for p, xo, yo in zip(problems, x_offsets, y_offsets, strict=True):
        for n, closers in enumerate(p.closers):
            r = len(upper)
            rows.append(r)
            cols.append(n_x + yo + n)
            vals.append(1.0)
            rows += [r] * len(closers)
            cols += [xo + i for i in closers]
            vals += [-1.0] * len(closers)
            upper.append(0.0)
        for i, item in enumerate(p.items):
            for q in item.prerequisites:
                r = len(upper)
                rows += [r, r]
                cols += [xo + i, xo + q]
                vals += [1.0, -1.0]
                upper.append(0.0)
    if budget is not None:
        r = len(upper)
        rows += [r] * n_x
        cols += range(n_x)
        vals += costs.tolist()
        upper.append(budget)
    for p, xo, cap in zip(problems, x_offsets, capacities, strict=True):
        if cap is not None and p.items:
            r = len(upper)
            rows += [r] * len(p.items)
            cols += range(xo, xo + len(p.items))
            vals += [c.hours for c in p.items]
            upper.append(cap)
    from scipy.sparse import csr_array  # scipy loads slowly: only when a plan is made

    matrix = csr_array(
        (np.array(vals), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
        shape=(len(upper), n_x + n_y),
    )
    return _Model(x_offsets, n_x, n_y, costs, hours, gains, matrix, np.array(upper))


def solve(
    problems: Sequence[Problem],
    levels: Sequence[str],
    budget: float | None,
    capacities: Sequence[float | None],
    time_limit: float,
    *,
    presolve: bool = True,
) -> Outcome:
    from scipy.optimize import Bounds, LinearConstraint, milp

    started = time.perf_counter()
    model = _build(problems, budget, capacities)
    n = model.n_x + model.n_y
    integrality = np.ones(n)
    lower = np.zeros(n)
    if "gap" not in levels:
        lower[model.n_x :] = 1.0
    bounds = Bounds(lower, np.ones(n))
    constraints: list[Any] = []
    if model.matrix.shape[0]:
        constraints.append(LinearConstraint(model.matrix, -np.inf, model.upper))
    solution: F64 | None = None
    unproved = ""
    for k, level in enumerate(levels):
        objective = np.zeros(n)
        if level == "gap":
            objective[model.n_x :] = -model.gains
        else:
            objective[: model.n_x] = model.costs if level == "cost" else model.hours
        remaining = time_limit - (time.perf_counter() - started)
        result = None
        if remaining > 0:
            result = milp(
                objective,
                integrality=integrality,
                bounds=bounds,
                constraints=constraints,
                options={"time_limit": remaining, "mip_rel_gap": 0.0, "presolve": presolve},
            )
        if result is not None and result.status == 0:
            solution = np.round(result.x)
        elif k == 0:
            why = "time limit reached" if result is None else result.message
            return Outcome(None, f"MILP not proved optimal within {time_limit:g} s ({why})")
        else:
            if result is not None and result.x is not None:
                solution = np.round(result.x)
            unproved = f"; the {level} tie-break not proved within {time_limit:g} s"
            break
        assert solution is not None
        value = float(objective @ solution)
        constraints.append(
            LinearConstraint(objective, -np.inf, value + ABS_TIE + REL_TIE * abs(value))
        )
    assert solution is not None
    x = solution[: model.n_x] > 0.5
    chosen = [
        frozenset(i for i in range(len(p.items)) if x[offset + i])
        for p, offset in zip(problems, model.x_offsets, strict=True)
    ]
    elapsed = (time.perf_counter() - started) * 1000
    note = (
        f"optimal (MILP, {model.n_x} items x {model.n_y} needs, "
        f"{'-'.join(levels)}, {elapsed:.0f} ms){unproved}"
    )
    return Outcome(chosen, note)


def relaxation_bound(
    problems: Sequence[Problem], budget: float | None, capacities: Sequence[float | None]
) -> float:
    """The LP relaxation's bound on the weighted gap that can close: no plan closes more.
    It measures how far a greedy answer may be from the optimum."""
    from scipy.optimize import linprog

    model = _build(problems, budget, capacities)
    objective = np.concatenate([np.zeros(model.n_x), -model.gains])
    result = linprog(
        objective,
        A_ub=model.matrix if model.matrix.shape[0] else None,
        b_ub=model.upper if model.matrix.shape[0] else None,
        bounds=(0.0, 1.0),
        method="highs",
    )
    return float(-result.fun)
