"""Year-by-year series of one indicator's city targets, for charts of progress toward milestones."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mubiao.domain.validation import IndicatorFacts, PlanFacts, better_or_equal, cumulative_target


@dataclass(frozen=True)
class MilestonePoint:
    year: int
    level: str
    value: Decimal
    reached: Decimal  # what the annual targets add up to by that year (flow) or that year's target (stock)
    met: bool


@dataclass(frozen=True)
class TargetSeries:
    """The city's annual targets per level, their running totals for a flow, and the milestones."""

    years: list[int]
    annual: dict[str, list[Decimal | None]]  # level → value per year; None where the cell is blank
    # level → what the targets reach by each year: the running sum for a flow, the year's own for a stock
    cumulative: dict[str, list[Decimal]]
    milestones: list[MilestonePoint]


def target_series(facts: PlanFacts, indicator: IndicatorFacts) -> TargetSeries:
    years = list(facts.years)
    levels = ("committed", "stretch")
    annual = {level: [facts.value(indicator.key, facts.city, year, level) for year in years] for level in levels}
    cumulative = {level: [cumulative_target(facts, indicator, year, level) for year in years] for level in levels}
    points = []
    for milestone in indicator.milestones:
        reached = cumulative_target(facts, indicator, milestone.year, milestone.level.value)
        met = better_or_equal(indicator.direction, reached, milestone.value)
        points.append(MilestonePoint(milestone.year, milestone.level.value, milestone.value, reached, met))
    return TargetSeries(years=years, annual=annual, cumulative=cumulative, milestones=points)
