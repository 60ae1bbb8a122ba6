"""The integer table closest to the ideal values, as one mixed-integer programme (scipy.optimize.milp, HiGHS).

Variables, for each cell i: its value x_i in steps (whole), and its distance above and below the ideal value,
p_i and m_i (x_i − p_i + m_i = ideal_i). The programme minimises Σ (p_i + m_i) subject to each year's total,
each unit's period total (flows), floors, bounds and locks (the variables' bounds), and 力争 ≥ 确保 in every
cell. Moving a unit up costs a little less the earlier it stands in the table, and down a little more, so
that equal claims are decided by the table's order, the same way every time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mubiao.domain.decomposition import Problem

#: Long enough for any table a city draws; a programme still running then has met something it cannot do.
TIME_LIMIT_SECONDS = 60.0


def integer_table(
    problem: Problem,
    keys: Sequence[tuple[str, int, str]],
    ideal: Mapping[tuple[str, int, str], Decimal],
    rows: Mapping[tuple[str, str], int],
) -> dict[tuple[str, int, str], int] | None:
    """Every cell's value in steps, or None when no whole-number table meets the constraints.

    First the small programme — each cell its ideal value rounded down or up, one yes-or-no per cell, which
    HiGHS solves at once even for thousands of units since its relaxation is nearly always whole — and only
    when that cannot meet every rule, the full one, where a cell may move further."""
    return _rounded(problem, keys, ideal, rows) or _moved(problem, keys, ideal, rows)


class _Constraints:
    """Linear constraints gathered row by row, then handed to HiGHS as one sparse matrix."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.data: list[float] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def add(self, cells: Sequence[int], coefficients: Sequence[float], at_least: float, at_most: float) -> None:
        """at_least ≤ Σ coefficient × variable ≤ at_most."""
        self.rows.extend([len(self.low)] * len(cells))
        self.columns.extend(cells)
        self.data.extend(coefficients)
        self.low.append(at_least)
        self.high.append(at_most)

    def linear(self, variables: int) -> Any:
        from scipy.optimize import LinearConstraint
        from scipy.sparse import coo_array

        matrix = coo_array((self.data, (self.rows, self.columns)), shape=(len(self.low), variables)).tocsr()
        return LinearConstraint(matrix, self.low, self.high)


def _ties(problem: Problem, keys: Sequence[tuple[str, int, str]]) -> tuple[list[float], list[float]]:
    """The extra cost of moving each cell up and down: by far less than a step, smaller up and larger down
    the earlier its unit stands in the table, so that equal claims go by the table's order."""
    position = {unit: i for i, unit in enumerate(problem.units)}
    units = len(problem.units)
    epsilon = 1e-6 / max(units, 1)
    return (
        [epsilon * position[unit] for unit, _, _ in keys],
        [epsilon * (units - position[unit]) for unit, _, _ in keys],
    )


def _rounded(
    problem: Problem,
    keys: Sequence[tuple[str, int, str]],
    ideal: Mapping[tuple[str, int, str], Decimal],
    rows: Mapping[tuple[str, str], int],
) -> dict[tuple[str, int, str], int] | None:
    """Each cell its ideal rounded down (z = 0) or up (z = 1): minimise Σ z × (1 − 2 × fraction) under the
    totals and 力争 ≥ 确保; None when that cannot hold."""
    import numpy as np
    from scipy.optimize import Bounds, milp

    n = len(keys)
    index = {key: i for i, key in enumerate(keys)}
    base = [math.floor(ideal[key]) for key in keys]
    fraction = [float(ideal[key]) - b for key, b in zip(keys, base, strict=True)]
    up, down = _ties(problem, keys)
    cost = np.array([1 - 2 * f + u - d for f, u, d in zip(fraction, up, down, strict=True)])
    upper = np.array([0.0 if key in problem.locks or f == 0 else 1.0 for key, f in zip(keys, fraction, strict=True)])
    constraints = _Constraints()
    step = problem.step
    for (level, year), total in problem.totals.items():
        cells = [index[(u, year, level)] for u in problem.units]
        need = float(total / step) - sum(base[c] for c in cells)
        constraints.add(cells, [1.0] * len(cells), need, need)
    for (unit, level), seats in rows.items():
        cells = [index[(unit, y, level)] for y in problem.years if (unit, y, level) in index]
        need = seats - sum(base[c] for c in cells)
        constraints.add(cells, [1.0] * len(cells), need, need)
    for i, (unit, year, level) in enumerate(keys):
        if level == "stretch" and (c := index.get((unit, year, "committed"))) is not None:
            # base_s + z_s ≥ base_c + z_c
            constraints.add((i, c), (1.0, -1.0), base[c] - base[i], np.inf)
    result = milp(
        cost,
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), upper),
        constraints=constraints.linear(n),
        options={"time_limit": TIME_LIMIT_SECONDS},
    )
    if not result.success or result.x is None:
        return None
    return {key: base[i] + math.floor(result.x[i] + 0.5) for i, key in enumerate(keys)}


def _moved(
    problem: Problem,
    keys: Sequence[tuple[str, int, str]],
    ideal: Mapping[tuple[str, int, str], Decimal],
    rows: Mapping[tuple[str, str], int],
) -> dict[tuple[str, int, str], int] | None:
    """The full programme: a cell may move beyond its rounding, at a cost of its distance from the ideal."""
    import numpy as np
    from scipy.optimize import Bounds, milp

    n = len(keys)
    index = {key: i for i, key in enumerate(keys)}
    up, down = _ties(problem, keys)
    cost = np.concatenate([np.zeros(n), 1 + np.array(up), 1 + np.array(down)])

    step = problem.step
    lower = np.zeros(3 * n)
    upper = np.full(3 * n, np.inf)
    for i, (unit, year, level) in enumerate(keys):
        if (lock := problem.locks.get((unit, year, level))) is not None:
            lower[i] = upper[i] = float(lock / step)
        else:
            lower[i] = math.ceil(problem.floor_of(unit, year) / step)
            if unit in problem.bounds:
                upper[i] = math.floor(problem.bounds[unit] / step)

    constraints = _Constraints()
    for i, key in enumerate(keys):
        value = float(ideal[key])
        constraints.add((i, n + i, 2 * n + i), (1.0, -1.0, 1.0), value, value)
    for (level, year), total in problem.totals.items():
        cells = [index[(u, year, level)] for u in problem.units]
        constraints.add(cells, [1.0] * len(cells), float(total / step), float(total / step))
    for (unit, level), seats in rows.items():
        cells = [index[(unit, y, level)] for y in problem.years if (unit, y, level) in index]
        constraints.add(cells, [1.0] * len(cells), float(seats), float(seats))
    for i, (unit, year, level) in enumerate(keys):
        if level == "stretch" and (committed := index.get((unit, year, "committed"))) is not None:
            constraints.add((i, committed), (1.0, -1.0), 0.0, np.inf)
    result = milp(
        cost,
        integrality=np.concatenate([np.ones(n), np.zeros(2 * n)]),
        bounds=Bounds(lower, upper),
        constraints=constraints.linear(3 * n),
        options={"time_limit": TIME_LIMIT_SECONDS},
    )
    if not result.success or result.x is None:
        return None
    return {key: math.floor(result.x[i] + 0.5) for i, key in enumerate(keys)}
