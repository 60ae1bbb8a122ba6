"""Decomposition: a city's totals split into unit × year targets that meet every rule, each cell explained."""

from __future__ import annotations

import math
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mubiao.domain.decomposition import Infeasible, Problem, Share, Solution, Tag, solve
from mubiao.domain.values import IndicatorKind

UNITS = ("柳东", "北部", "鱼峰", "柳南", "柳北", "城中", "鹿寨", "柳城", "柳江", "融安", "融水", "三江")
BASE = dict(zip(UNITS, map(D, [162, 45, 29, 57, 33, 31, 18, 8, 45, 6, 5, 3]), strict=True))
YEARS = (2018, 2019, 2020, 2021, 2022)


def totals(committed: list[int], stretch: list[int]) -> dict[tuple[str, int], D]:
    return {("committed", y): D(c) for y, c in zip(YEARS, committed, strict=True)} | {
        ("stretch", y): D(s) for y, s in zip(YEARS, stretch, strict=True)
    }


HIGH_TECH = Problem(
    units=UNITS,
    years=YEARS,
    totals=totals([310, 370, 430, 490, 550], [340, 405, 470, 535, 600]),
    base=BASE,
    floor=D(1),
)


def solved(problem: Problem) -> Solution:
    solution = solve(problem)
    assert isinstance(solution, Solution), solution
    return solution


def test_every_year_adds_up_and_every_cell_is_its_ideal_rounded_down_or_up() -> None:
    solution = solved(HIGH_TECH)
    table = solution.table()

    for (level, year), total in HIGH_TECH.totals.items():
        assert sum(table[(u, year, level)] for u in UNITS) == total
    for cell in solution.cells:
        assert cell.value in (math.floor(cell.ideal), math.ceil(cell.ideal))
        assert table[(cell.unit, cell.year, "stretch")] >= table[(cell.unit, cell.year, "committed")]


def test_each_units_period_total_is_its_ideal_total_rounded_by_webster() -> None:
    solution = solved(HIGH_TECH)
    for margin in solution.rows:
        assert abs(margin.value - margin.ideal) < 1
    assert set(solution.divisors) == {"committed", "stretch"}


def test_a_cell_says_how_it_came_from_its_base() -> None:
    (cell,) = [c for c in solved(HIGH_TECH).cells if (c.unit, c.year, c.level) == ("柳东", 2018, "committed")]
    assert cell.explanation() == "基数 162 → 份额 36.65% → 理想值 113.6199 → 114（向上取整）"  # 310 × 162 ÷ 442


def test_a_locked_cell_keeps_its_value_and_the_rest_share_what_is_left() -> None:
    problem = Problem(**{**vars(HIGH_TECH), "locks": {("三江", 2018, "committed"): D(9)}})
    solution = solved(problem)
    table = solution.table()
    (locked,) = [c for c in solution.cells if (c.unit, c.year, c.level) == ("三江", 2018, "committed")]
    assert (locked.value, locked.tags) == (D(9), (Tag.LOCKED,))
    assert table[("三江", 2018, "stretch")] >= 9  # its 力争 follows it up
    assert sum(table[(u, 2018, "committed")] for u in UNITS) == 310


def test_a_unit_with_a_tiny_base_is_raised_to_its_floor() -> None:
    problem = Problem(**{**vars(HIGH_TECH), "base": BASE | {"三江": D(0)}})
    (cell,) = [c for c in solved(problem).cells if (c.unit, c.year, c.level) == ("三江", 2018, "committed")]
    assert cell.value == 1 and Tag.FLOOR in cell.tags


def test_equal_split_and_uplift_bring_small_units_closer_to_the_average() -> None:
    proportional = solved(HIGH_TECH).table()
    uplift = solved(Problem(**{**vars(HIGH_TECH), "share": Share.UPLIFT})).table()
    equal = solved(Problem(**{**vars(HIGH_TECH), "share": Share.EQUAL})).table()
    key = ("三江", 2018, "committed")
    assert proportional[key] < uplift[key] < equal[key]


def test_a_stock_is_split_year_by_year_and_never_below_a_units_last_actual() -> None:
    problem = Problem(
        units=UNITS[:3], years=(2021, 2022), kind=IndicatorKind.STOCK,
        totals={("committed", 2021): D(100), ("stretch", 2021): D(110), ("committed", 2022): D(120),
                ("stretch", 2022): D(130)},
        base={"柳东": D(10), "北部": D(10), "鱼峰": D(10)}, floors={"鱼峰": D(50)},
    )  # fmt: skip
    solution = solved(problem)
    assert solution.divisors == {}
    assert all(c.value >= 50 for c in solution.cells if c.unit == "鱼峰")


def test_floors_the_total_cannot_hold_name_the_total_and_by_how_much() -> None:
    problem = Problem(units=UNITS, years=(2018,), totals={("committed", 2018): D(2), ("stretch", 2018): D(2)},
                      floor=D(1))  # fmt: skip
    answer = solve(problem)
    assert isinstance(answer, Infeasible)
    first = answer.problems[0]
    assert first.code == "decompose_floors_exceed_total"
    assert (first.params["least"], first.params["total"], first.params["raise"], first.params["units"]) == (
        "12", "2", "10", 12
    )  # fmt: skip


def test_a_milestone_the_totals_do_not_reach_names_the_shortfall() -> None:
    problem = Problem(
        units=UNITS[:2], years=(2018, 2019, 2020),
        totals={("committed", y): D(v) for y, v in ((2018, 2), (2019, 3), (2020, 5))},
        milestones=((2020, "committed", D(12)),),
    )  # fmt: skip
    answer = solve(problem)
    assert isinstance(answer, Infeasible)
    (problem_found,) = answer.problems
    assert problem_found.code == "decompose_milestone_unreached"
    assert (problem_found.params["reached"], problem_found.params["raise"]) == ("10", "2")


def test_stretch_totals_below_committed_ones_are_named() -> None:
    problem = Problem(units=UNITS[:2], years=(2018,), totals={("committed", 2018): D(5), ("stretch", 2018): D(4)})
    answer = solve(problem)
    assert isinstance(answer, Infeasible) and answer.problems[0].code == "decompose_stretch_below_committed"


def test_amounts_are_split_to_the_cent() -> None:
    problem = Problem(units=UNITS[:3], years=(2018,), totals={("committed", 2018): D("100.00")},
                      base={"柳东": D(1), "北部": D(1), "鱼峰": D(1)}, step=D("0.01"))  # fmt: skip
    assert sorted(solved(problem).table().values()) == [D("33.33"), D("33.33"), D("33.34")]


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    units = tuple(f"U{i}" for i in range(draw(st.integers(min_value=2, max_value=40))))
    years = tuple(range(2021, 2021 + draw(st.integers(min_value=1, max_value=6))))
    floor = D(draw(st.integers(min_value=0, max_value=2)))
    base = {u: D(draw(st.integers(min_value=0, max_value=500))) for u in units}
    least = int(floor) * len(units)
    committed = {y: draw(st.integers(min_value=least, max_value=least + 600)) for y in years}
    stretch = {y: committed[y] + draw(st.integers(min_value=0, max_value=100)) for y in years}
    locks = {}
    if draw(st.booleans()):
        unit, year = draw(st.sampled_from(units)), draw(st.sampled_from(years))
        locks[(unit, year, "committed")] = D(draw(st.integers(min_value=int(floor), max_value=int(floor) + 5)))
    totals_ = {("committed", y): D(v) for y, v in committed.items()} | {
        ("stretch", y): D(v) for y, v in stretch.items()
    }
    kind = draw(st.sampled_from(list(IndicatorKind)))
    return Problem(units=units, years=years, totals=totals_, base=base, floor=floor, locks=locks, kind=kind)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_any_table_meets_the_totals_floors_locks_and_stretch_rule_or_says_why_not(problem: Problem) -> None:
    answer = solve(problem)
    if isinstance(answer, Infeasible):
        assert answer.problems and all(p.code.startswith("decompose_") for p in answer.problems)
        return
    table = answer.table()
    for (level, year), total in problem.totals.items():
        assert sum(table[(u, year, level)] for u in problem.units) == total
    for cell in answer.cells:
        key = (cell.unit, cell.year, cell.level)
        assert cell.value == cell.value.to_integral_value()
        if key in problem.locks:
            assert cell.value == problem.locks[key]
        else:
            assert cell.value >= problem.floor
        if cell.level == "stretch":
            assert cell.value >= table[(cell.unit, cell.year, "committed")]
        if not {Tag.MOVED, Tag.LOCKED, Tag.STRETCH_RAISED} & set(cell.tags):
            assert cell.value in (math.floor(cell.ideal), math.ceil(cell.ideal))


def test_the_full_programme_finds_the_same_table_as_the_rounding_one_where_rounding_suffices() -> None:
    from mubiao.domain.decomposition import LEVELS, ideals
    from mubiao.domain.decomposition_milp import _moved, _rounded

    ideal = ideals(HIGH_TECH)
    keys = [(u, y, lv) for lv in LEVELS for y in YEARS for u in UNITS]
    values = {k: ideal[k].value for k in keys}
    rounded, moved = _rounded(HIGH_TECH, keys, values, {}), _moved(HIGH_TECH, keys, values, {})
    assert rounded is not None and rounded == moved
