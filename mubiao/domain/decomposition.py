"""Decomposition (目标分解): a city's yearly totals split into unit × year targets, both levels at once.

The steps, each of which a reader can redo:

1. **Shares.** Each unit's share of a total comes from its base (last year's actual, a typed weight …) by a
   method: proportional (同比例), equal, or low-base uplift (a mix of the proportional and the equal share).
2. **Ideal values.** Each year's total (less what locked cells hold) is split by the shares, every value kept
   between its unit's floor and bound (a stock never below the unit's last actual): a unit pushed to its
   floor or bound keeps it and the rest is shared again among the others.
3. **Row totals** (flows only, whose years add up): each unit's total over the period is its ideal total
   rounded by Webster's divisor method, so the units' totals add up to the city's.
4. **The table.** The whole numbers (in steps: 1 for counts, 0.01 for amounts) closest to the ideal values
   that meet every rule at once — each year's total, each unit's period total, floors, bounds, locks, and
   力争 ≥ 确保 in every cell — found as one small mixed-integer programme (scipy's HiGHS). The answer is
   rounded and every rule checked again before it is accepted.
5. **Reasons.** Each cell says why it is what it is: rounded up or down, raised to its floor, locked,
   raised so 力争 ≥ 确保, moved to meet a total, or decided by the units' order (a tie).

Before any of it, the inputs are checked for what no table can satisfy, and each such problem says which
total or rule must change and by how much ("floors of 1 for 12 units exceed 2018's total of 2").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum
from fractions import Fraction

from mubiao.domain.apportionment import apportion
from mubiao.domain.decomposition_milp import integer_table
from mubiao.domain.refusals import Refusal
from mubiao.domain.values import IndicatorKind, Level

LEVELS = ("committed", "stretch")
ZERO = Decimal(0)


class Share(StrEnum):
    PROPORTIONAL = "proportional"  # 同比例: by the base
    EQUAL = "equal"  # 平均
    UPLIFT = "uplift"  # 低基数托底: a mix of the proportional share and the equal share


class Tag(StrEnum):
    EXACT = "exact"  # the ideal value was whole already
    ROUNDED_UP = "rounded_up"
    ROUNDED_DOWN = "rounded_down"
    FLOOR = "floor"  # raised to its floor (or a stock to its last actual)
    BOUND = "bound"  # held to its upper bound
    LOCKED = "locked"
    STRETCH_RAISED = "stretch_raised"  # 力争 raised to meet 确保
    MOVED = "moved"  # moved beyond its rounding to meet a total
    TIE = "tie"  # the units' order decided between equal claims

    @property
    def label(self) -> str:
        return TAG_LABELS[self.value]


TAG_LABELS = {
    "exact": "恰为整数",
    "rounded_up": "向上取整",
    "rounded_down": "向下取整",
    "floor": "提至下限",
    "bound": "限于上限",
    "locked": "锁定",
    "stretch_raised": "提高以使力争≥确保",
    "moved": "为满足合计而调整",
    "tie": "并列，按单位顺序决定",
}


@dataclass(frozen=True)
class Problem:
    """One indicator to decompose. Values are plain numbers in the indicator's unit of measure."""

    units: tuple[str, ...]
    years: tuple[int, ...]
    totals: Mapping[tuple[str, int], Decimal]  # (level, year) → the city's total
    kind: IndicatorKind = IndicatorKind.FLOW
    base: Mapping[str, Decimal] = field(default_factory=dict)  # unit → base (missing: 0)
    share: Share = Share.PROPORTIONAL
    uplift: Decimal = Decimal("0.5")  # UPLIFT: the weight of the equal share in the mix
    step: Decimal = Decimal(1)  # 1 for counts, 0.01 for amounts
    floor: Decimal = ZERO  # every cell at least this
    floors: Mapping[str, Decimal] = field(default_factory=dict)  # unit → its own floor (a stock's last actual)
    floors_after: int | None = None  # the units' own floors bind only after this year (the base year)
    bounds: Mapping[str, Decimal] = field(default_factory=dict)  # unit → at most this in any cell
    locks: Mapping[tuple[str, int, str], Decimal] = field(default_factory=dict)  # (unit, year, level) → value
    milestones: Sequence[tuple[int, str, Decimal]] = ()  # (year, level, value) the city must reach by then

    def total(self, level: str, year: int) -> Decimal:
        return self.totals[(level, year)]

    def floor_of(self, unit: str, year: int) -> Decimal:
        """The least a unit's cell may hold in a year: the common floor, and from after the base year its own."""
        if self.floors_after is not None and year <= self.floors_after:
            return self.floor
        return max(self.floor, self.floors.get(unit, ZERO))


@dataclass(frozen=True)
class Cell:
    unit: str
    year: int
    level: str
    base: Decimal
    share: Decimal  # the unit's share of what was split (locked cells excluded)
    ideal: Decimal
    value: Decimal
    tags: tuple[Tag, ...]

    def explanation(self) -> str:
        """基数 57 → 份额 21.3% → 理想值 8.53 → 9（向上取整）."""
        tags = "、".join(tag.label for tag in self.tags)
        return (
            f"基数 {_plain(self.base)} → 份额 {_plain((self.share * 100).quantize(Decimal('0.01')))}% → "
            f"理想值 {_plain(self.ideal.quantize(Decimal('0.0001')))} → {_plain(self.value)}（{tags}）"
        )


@dataclass(frozen=True)
class Margin:
    key: str  # the unit, or the year
    level: str
    ideal: Decimal
    value: Decimal


@dataclass(frozen=True)
class Solution:
    cells: tuple[Cell, ...]
    rows: tuple[Margin, ...]  # each unit's period total (flows), ideal beside final
    columns: tuple[Margin, ...]  # each year's total
    divisors: Mapping[str, Fraction]  # level → Webster's divisor for the units' period totals (flows)

    def table(self) -> dict[tuple[str, int, str], Decimal]:
        """(unit, year, level) → the final value."""
        return {(c.unit, c.year, c.level): c.value for c in self.cells}


@dataclass(frozen=True)
class Infeasible:
    """No table meets the rules: what must change, each as a refusal a door renders."""

    problems: tuple[Refusal, ...]


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- 1. what no table can satisfy ----------------------------------------------------------------------


def obstacles(problem: Problem) -> list[Refusal]:
    """Everything no table can satisfy, each naming the total or rule to change and by how much."""
    found: list[Refusal] = []
    step = problem.step
    for (level, year), total in sorted(problem.totals.items(), key=lambda item: (item[0][1], item[0][0])):
        where = {"year": year, "level": Level(level).label, "total": _plain(total)}
        if total % step:
            found.append(Refusal("decompose_total_off_step", "totals", where | {"step": _plain(step)}))
        locked = {u: v for (u, y, lv), v in problem.locks.items() if y == year and lv == level}
        free = [u for u in problem.units if u not in locked]
        least = sum((problem.floor_of(u, year) for u in free), ZERO) + sum(locked.values(), ZERO)
        if least > total:
            found.append(
                Refusal(
                    "decompose_floors_exceed_total",
                    "totals",
                    where | {"least": _plain(least), "raise": _plain(least - total), "units": len(free)},
                )
            )
        if all(u in problem.bounds for u in free):
            most = sum((problem.bounds[u] for u in free), ZERO) + sum(locked.values(), ZERO)
            if most < total:
                found.append(
                    Refusal(
                        "decompose_bounds_below_total",
                        "totals",
                        where | {"most": _plain(most), "lower": _plain(total - most)},
                    )
                )
    for year in problem.years:
        committed, stretch = problem.totals.get(("committed", year)), problem.totals.get(("stretch", year))
        if committed is not None and stretch is not None and stretch < committed:
            params = {"year": year, "committed": _plain(committed), "stretch": _plain(stretch)}
            found.append(
                Refusal("decompose_stretch_below_committed", "totals", params | {"raise": _plain(committed - stretch)})
            )
    for (unit, year, level), value in problem.locks.items():
        committed_lock = problem.locks.get((unit, year, "committed"))
        if level == "stretch" and committed_lock is not None and value < committed_lock:
            found.append(Refusal("decompose_locks_stretch_below", "locks", {"unit": unit, "year": year}))
    for year, level, value in problem.milestones:
        reached = _reached_by(problem, level, year)
        if reached is not None and reached < value:
            params = {"year": year, "level": Level(level).label, "milestone": _plain(value), "reached": _plain(reached)}
            found.append(
                Refusal(
                    "decompose_milestone_unreached",
                    "totals",
                    params | {"raise": _plain(value - reached), "first": problem.years[0]},
                )
            )
    return found


def _reached_by(problem: Problem, level: str, year: int) -> Decimal | None:
    """What the city's totals reach by a milestone's year: a flow's sum since the first year, a stock's level."""
    years = [y for y in problem.years if y <= year and (level, y) in problem.totals]
    if not years:
        return None
    if problem.kind is IndicatorKind.STOCK:
        return problem.totals[(level, max(years))]
    return sum((problem.totals[(level, y)] for y in years), ZERO)


# -- 2. shares and ideal values -------------------------------------------------------------------------


def shares(problem: Problem) -> dict[str, Decimal]:
    """Each unit's share (summing to 1) by the method; without any base, equal."""
    units = problem.units
    base = {u: max(problem.base.get(u, ZERO), ZERO) for u in units}
    total = sum(base.values(), ZERO)
    equal = {u: Decimal(1) / len(units) for u in units}
    if problem.share is Share.EQUAL or total == 0:
        return equal
    proportional = {u: base[u] / total for u in units}
    if problem.share is Share.UPLIFT:
        mix = problem.uplift
        return {u: (1 - mix) * proportional[u] + mix * equal[u] for u in units}
    return proportional


def _fill(
    total: Decimal, weights: dict[str, Decimal], low: dict[str, Decimal], high: dict[str, Decimal]
) -> tuple[dict[str, Decimal], set[str], set[str]]:
    """Split `total` by weights, each unit between low and high: those pushed to a limit keep it and the
    rest is split again among the others (water-filling). Returns the values, and who sits at a floor/bound."""
    active = set(weights)
    fixed: dict[str, Decimal] = {}
    at_floor: set[str] = set()
    at_bound: set[str] = set()
    while True:
        left = total - sum(fixed.values(), ZERO)
        weight = sum((weights[u] for u in active), ZERO)
        split = {u: (left * weights[u] / weight if weight else left / len(active)) for u in active} if active else {}
        under = {u for u, v in split.items() if v < low[u]}
        over = {u for u, v in split.items() if u in high and v > high[u]}
        if not under and not over:
            return fixed | split, at_floor, at_bound
        # Fix the side that is further out first; both at once could overshoot.
        if under:
            for u in under:
                fixed[u] = low[u]
                at_floor.add(u)
            active -= under
        else:
            for u in over:
                fixed[u] = high[u]
                at_bound.add(u)
            active -= over
        if not active:
            return fixed, at_floor, at_bound


@dataclass(frozen=True)
class _Ideal:
    value: Decimal
    share: Decimal
    floor: bool  # held up at its floor
    bound: bool  # held down at its bound
    raised: bool = False  # a 力争 held up at its 确保


def ideals(problem: Problem) -> dict[tuple[str, int, str], _Ideal]:
    """The ideal (unrounded) value of every cell: 确保 first, then 力争, each 力争 at least its 确保."""
    weights = shares(problem)
    result: dict[tuple[str, int, str], _Ideal] = {}
    for level in LEVELS:
        for year in problem.years:
            if (level, year) not in problem.totals:
                continue
            locked = {u: v for (u, y, lv), v in problem.locks.items() if y == year and lv == level}
            free = [u for u in problem.units if u not in locked]
            left = problem.total(level, year) - sum(locked.values(), ZERO)
            low = {u: problem.floor_of(u, year) for u in free}
            raised_from: set[str] = set()
            if level == "stretch":
                for u in free:
                    committed = result.get((u, year, "committed"))
                    if committed is not None and committed.value > low[u]:
                        low[u] = committed.value
                        raised_from.add(u)
            high = {u: problem.bounds[u] for u in free if u in problem.bounds}
            free_weight = sum((weights[u] for u in free), ZERO)
            values, at_floor, at_bound = _fill(left, {u: weights[u] for u in free}, low, high)
            for unit in problem.units:
                if unit in locked:
                    result[(unit, year, level)] = _Ideal(locked[unit], ZERO, False, False)
                    continue
                share = weights[unit] / free_weight if free_weight else ZERO
                raised = unit in at_floor and unit in raised_from
                result[(unit, year, level)] = _Ideal(
                    values[unit], share, unit in at_floor and not raised, unit in at_bound, raised
                )
    return result


# -- 3 and 4. the table -----------------------------------------------------------------------------------


def solve(problem: Problem) -> Solution | Infeasible:
    """The table, or what must change for there to be one."""
    if found := obstacles(problem):
        return Infeasible(tuple(found))
    ideal = ideals(problem)
    step = problem.step
    keys = [(u, y, lv) for lv in LEVELS for y in problem.years if (lv, y) in problem.totals for u in problem.units]
    # Row totals: a flow's unit total over the period, in steps, by Webster from the ideal totals.
    rows: dict[tuple[str, str], int] = {}
    divisors: dict[str, Fraction] = {}
    if problem.kind is IndicatorKind.FLOW:
        for level in LEVELS:
            years = [y for y in problem.years if (level, y) in problem.totals]
            if not years:
                continue
            house = int(sum((problem.total(level, y) for y in years), ZERO) / step)
            row_ideal = [sum((ideal[(u, y, level)].value for y in years), ZERO) / step for u in problem.units]
            apportioned = apportion([Fraction(str(v)) for v in row_ideal], house)
            if apportioned.divisor is not None:
                divisors[level] = apportioned.divisor
            rows.update({(u, level): s for u, s in zip(problem.units, apportioned.seats, strict=True)})
    values = integer_table(problem, keys, {k: ideal[k].value / step for k in keys}, rows)
    if values is None and rows:
        values = integer_table(problem, keys, {k: ideal[k].value / step for k in keys}, {})  # rows relaxed
    if values is None:
        return Infeasible((Refusal("decompose_no_table", ""),))
    table = {k: Decimal(values[k]) * step for k in keys}
    if broken := rule_breaks(problem, table):
        return Infeasible(tuple(broken))
    cells = tuple(_cell(problem, key, ideal[key], table, step) for key in keys)
    ideal_sums: dict[tuple[str, str], Decimal] = {}
    final_sums: dict[tuple[str, str], Decimal] = {}
    for unit, year, level in keys:
        ideal_sums[(unit, level)] = ideal_sums.get((unit, level), ZERO) + ideal[(unit, year, level)].value
        final_sums[(unit, level)] = final_sums.get((unit, level), ZERO) + table[(unit, year, level)]
    columns = []
    for level in LEVELS:
        for year in problem.years:
            if (level, year) in problem.totals:
                summed = sum((table[(u, year, level)] for u in problem.units), ZERO)
                columns.append(Margin(str(year), level, problem.total(level, year), summed))
    return Solution(
        cells=cells,
        rows=tuple(
            Margin(unit, level, total, final_sums[(unit, level)]) for (unit, level), total in ideal_sums.items()
        ),
        columns=tuple(columns),
        divisors=divisors,
    )


def rule_breaks(problem: Problem, table: Mapping[tuple[str, int, str], Decimal]) -> list[Refusal]:
    """Every rule checked again on the final table (HiGHS answers to a tolerance, and has been known to
    report optimal on a point that is not): an empty list when the table holds."""
    broken: list[Refusal] = []
    for (level, year), total in problem.totals.items():
        summed = sum((table[(u, year, level)] for u in problem.units), ZERO)
        if summed != total:
            broken.append(Refusal("decompose_check_total", "", {"year": year, "level": Level(level).label}))
    for (unit, year, level), value in table.items():
        if value % problem.step or (value < problem.floor_of(unit, year) and (unit, year, level) not in problem.locks):
            broken.append(
                Refusal("decompose_check_cell", "", {"unit": unit, "year": year, "level": Level(level).label})
            )
        if unit in problem.bounds and value > problem.bounds[unit] and (unit, year, level) not in problem.locks:
            broken.append(
                Refusal("decompose_check_cell", "", {"unit": unit, "year": year, "level": Level(level).label})
            )
        if (lock := problem.locks.get((unit, year, level))) is not None and value != lock:
            broken.append(
                Refusal("decompose_check_cell", "", {"unit": unit, "year": year, "level": Level(level).label})
            )
        if level == "stretch" and (committed := table.get((unit, year, "committed"))) is not None and value < committed:
            broken.append(
                Refusal("decompose_check_cell", "", {"unit": unit, "year": year, "level": Level(level).label})
            )
    return broken


def _cell(
    problem: Problem,
    key: tuple[str, int, str],
    ideal: _Ideal,
    table: Mapping[tuple[str, int, str], Decimal],
    step: Decimal,
) -> Cell:
    unit, year, level = key
    value = table[key]
    in_steps = ideal.value / step
    low = Decimal(math.floor(in_steps)) * step
    high = (in_steps.to_integral_value(rounding=ROUND_CEILING)) * step
    tags: list[Tag] = []
    if key in problem.locks:
        tags.append(Tag.LOCKED)
    else:
        if ideal.floor:
            tags.append(Tag.FLOOR)
        if ideal.raised:
            tags.append(Tag.STRETCH_RAISED)
        if ideal.bound:
            tags.append(Tag.BOUND)
        if value == ideal.value:
            tags.append(Tag.EXACT)
        elif value == high and value > ideal.value:
            tags.append(Tag.ROUNDED_UP)
        elif value == low and value < ideal.value:
            tags.append(Tag.ROUNDED_DOWN)
        elif level == "stretch" and value == table.get((unit, year, "committed")) and not ideal.raised:
            tags.append(Tag.STRETCH_RAISED)
        else:
            tags.append(Tag.MOVED)
        if (in_steps - in_steps.to_integral_value(rounding=ROUND_FLOOR)) == Decimal("0.5"):
            tags.append(Tag.TIE)
    return Cell(unit, year, level, problem.base.get(unit, ZERO), ideal.share, ideal.value, value, tuple(tags))
