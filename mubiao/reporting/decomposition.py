"""A decomposition problem read from a plan: the city's totals, the milestones, the units and their base.

The base is a year's approved year-end figures (`actual:2018`), or equal (`equal`); a stock's units keep
their last approved level as a floor. The plan's own targets for the units are not read: the point is to
find them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from mubiao.domain.decomposition import Infeasible, Problem, Share, Solution, solve
from mubiao.domain.findings import Finding, decimal_to_json
from mubiao.domain.numbers import format_decimal, is_count
from mubiao.domain.periods import Period
from mubiao.domain.validation import validate_plan
from mubiao.domain.values import IndicatorKind
from mubiao.plans.models import Indicator, Milestone, Plan, PlanUnit, Target
from mubiao.plans.selectors import plan_facts
from mubiao.refusals import refusal_text
from mubiao.reporting.models import ActualValue
from mubiao.reporting.selectors import picked_actuals


class DecompositionInputError(ValueError):
    """The plan cannot give what the decomposition needs; the message says what, in Chinese."""


#: A level as a lock may name it.
LEVEL_NAMES = {"确保": "committed", "力争": "stretch", "committed": "committed", "stretch": "stretch"}
LockKey = tuple[str, int, str]


def parse_lock(text: str) -> tuple[LockKey, Decimal]:
    """UNIT:YEAR:LEVEL=VALUE, e.g. 柳南:2019:确保=12 — as the command, the page's address and its form write a lock."""
    try:
        where, value = text.rsplit("=", 1)
        unit, year, level = where.split(":")
        number = Decimal(value.strip())
        if not number.is_finite() or number < 0:
            raise ValueError(value)
        return (unit.strip(), int(year), LEVEL_NAMES[level.strip()]), number
    except (ValueError, KeyError, InvalidOperation):
        raise DecompositionInputError(
            f"“{text[:60]}”不是锁定的写法（应为 单位:年份:确保或力争=数值，如 柳南:2019:确保=12）"
        ) from None


def lock_text(key: LockKey, value: Decimal) -> str:
    """A lock written as parse_lock reads it."""
    unit, year, level = key
    return f"{unit}:{year}:{level}={format_decimal(value)}"


def parse_floor(text: str) -> Decimal:
    """A floor for every cell: a number, at least 0."""
    try:
        floor = Decimal(str(text).strip() or "0")
    except InvalidOperation:
        floor = Decimal("NaN")
    if not floor.is_finite() or floor < 0:
        raise DecompositionInputError(f"下限“{str(text)[:20]}”须为不小于0的数值")
    return floor


@dataclass(frozen=True)
class BaseChoice:
    """Where the units' base comes from: a year's approved actuals, or nothing (equal shares)."""

    year: int | None

    @classmethod
    def parse(cls, text: str) -> BaseChoice:
        value = text.strip().lower()
        if value in ("equal", "平均"):
            return cls(None)
        if value.startswith("actual:") and value[7:].isdigit() and len(value[7:]) == 4:
            return cls(int(value[7:]))
        raise DecompositionInputError(f"“{text}”不是基数的写法（应为 actual:2018 或 equal）")


def base_years(indicator: Indicator) -> list[int]:
    """The years whose approved annual figures of the indicator can serve as a base."""
    years = (
        ActualValue.objects.official().filter(indicator=indicator, period_kind="year").values_list("year", flat=True)
    )
    return sorted(set(years))


def problem_for(
    plan: Plan,
    indicator: Indicator,
    *,
    base: BaseChoice,
    share: Share = Share.PROPORTIONAL,
    floor: Decimal = Decimal(0),
    locks: Mapping[tuple[str, int, str], Decimal] | None = None,
) -> Problem:
    """The problem of decomposing one indicator of a plan from its city totals."""
    names = dict(PlanUnit.objects.filter(plan=plan).order_by("position").values_list("org_unit_id", "header_name"))
    totals: dict[tuple[str, int], Decimal] = {
        (level, year): value
        for level, year, value in Target.objects.filter(
            indicator=indicator, org_unit_id=plan.area_id, value__isnull=False
        ).values_list("level", "year", "value")
        if value is not None
    }
    if not totals:
        raise DecompositionInputError(f"“{indicator.name}”没有全市合计目标，无从分解：请先填写全市各年的确保、力争目标")
    kind = IndicatorKind(indicator.kind)
    official = ActualValue.objects.official().filter(indicator=indicator, org_unit_id__in=list(names))
    actuals: dict[str, Decimal] = {}
    if base.year is not None:
        actuals = _year_end(official, base.year, names)
        if not actuals:
            raise DecompositionInputError(f"{base.year}年“{indicator.name}”没有审核通过的实际值，不能作为基数")
    # A stock's units are not asked to fall below the level they had reached: the base year's, or else the
    # latest year whose approved figures there are — whatever the shares are taken from.
    floor_year = base.year
    if kind is IndicatorKind.STOCK and floor_year is None:
        floor_year = official.filter(period_kind="year").order_by("-year").values_list("year", flat=True).first()
    floors = {}
    if kind is IndicatorKind.STOCK and floor_year is not None:
        floors = actuals if floor_year == base.year else _year_end(official, floor_year, names)
    unknown = {unit for unit, _, _ in (locks or {})} - set(names.values())
    if unknown:
        raise DecompositionInputError(f"锁定的单位不在规划中：{'、'.join(sorted(unknown))}")
    years = {year for _, year in totals}
    if outside := sorted({year for _, year, _ in (locks or {})} - years):
        raise DecompositionInputError(f"锁定的年份没有全市合计目标：{'、'.join(map(str, outside))}")
    return Problem(
        units=tuple(names.values()),
        years=tuple(sorted(years)),
        totals=totals,
        kind=kind,
        base=actuals,
        share=share,
        step=Decimal(1) if is_count(indicator.unit_of_measure) else Decimal("0.01"),
        floor=floor,
        floors=floors,
        floors_after=floor_year,
        locks=dict(locks or {}),
        milestones=tuple(Milestone.objects.filter(indicator=indicator).values_list("year", "level", "value")),
    )


def _year_end(official: Any, year: int, names: Mapping[int, str]) -> dict[str, Decimal]:
    """Each unit's approved figure for a year (the annual one, or the one that ends it)."""
    picked = picked_actuals(official, year, Period.year_of(year), stocks_last_year=False)
    return {names[unit_id]: value for _, unit_id, picked_year, value in picked if picked_year == year}


def findings_with(plan: Plan, indicator: Indicator, solution: Solution) -> list[Finding]:
    """mubiao's own validation of the plan as it would be with this indicator's units decomposed: the findings
    about this indicator (an empty list: the table passes every rule)."""
    facts = plan_facts(plan)
    key = str(indicator.pk)
    for cell in solution.cells:
        facts.cells[(key, cell.unit, cell.year, cell.level)] = cell.value
    return [finding for finding in validate_plan(facts) if finding.indicator_number == indicator.number]


@dataclass(frozen=True)
class Decomposed:
    """A decomposition's answer, and — when there is a table — what validation finds in the plan with it."""

    answer: Solution | Infeasible
    findings: list[Finding]


def decompose(
    plan: Plan,
    indicator: Indicator,
    *,
    base: BaseChoice,
    share: Share = Share.PROPORTIONAL,
    floor: Decimal = Decimal(0),
    locks: Mapping[LockKey, Decimal] | None = None,
) -> Decomposed:
    """Read the problem from the plan, solve it, and check the table as the plan would be with it."""
    answer = solve(problem_for(plan, indicator, base=base, share=share, floor=floor, locks=locks))
    return Decomposed(answer, findings_with(plan, indicator, answer) if isinstance(answer, Solution) else [])


def answer_json(answer: Solution | Infeasible, findings: list[Finding] | None = None) -> dict[str, Any]:
    """The answer as the command's --format json and the API give it."""
    if isinstance(answer, Infeasible):
        return {
            "feasible": False,
            "problems": [
                {"code": r.code, "field": r.field, "params": dict(r.params), "message": refusal_text(r)}
                for r in answer.problems
            ],
        }
    return {
        "feasible": True,
        "cells": [
            {
                "unit": c.unit,
                "year": c.year,
                "level": c.level,
                "base": decimal_to_json(c.base),
                "share": decimal_to_json(c.share.quantize(Decimal("0.000001"))),
                "ideal": decimal_to_json(c.ideal.quantize(Decimal("0.0001"))),
                "value": decimal_to_json(c.value),
                "tags": [t.value for t in c.tags],
                "explanation": c.explanation(),
            }
            for c in answer.cells
        ],
        "rows": [
            {
                "unit": m.key,
                "level": m.level,
                "ideal": decimal_to_json(m.ideal.quantize(Decimal("0.0001"))),
                "value": decimal_to_json(m.value),
            }
            for m in answer.rows
        ],
        "columns": [
            {"year": int(m.key), "level": m.level, "ideal": decimal_to_json(m.ideal), "value": decimal_to_json(m.value)}
            for m in answer.columns
        ],
        "divisors": {level: float(divisor) for level, divisor in answer.divisors.items()},
        "findings": [finding.as_dict() for finding in findings or []],
    }
