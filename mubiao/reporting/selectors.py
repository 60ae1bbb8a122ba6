"""Reading progress: actual values against targets, per indicator, unit and period, ready for every door.

The selectors gather plain values; the domain core (mubiao.domain.progress) computes rates,
statuses, expectations and rankings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from mubiao.domain.numbers import format_decimal
from mubiao.domain.periods import Period, PeriodKind
from mubiao.domain.progress import (
    CompositeScore,
    Schedule,
    Status,
    completion_rate,
    composite_scores,
    cumulative_actual,
    expected_by,
    progress_status,
    rank_by_rate,
    year_to_date,
)
from mubiao.domain.validation import PlanFacts, check_sums
from mubiao.domain.values import Direction, IndicatorKind
from mubiao.plans.models import Indicator, Plan
from mubiao.plans.selectors import plan_columns, plan_facts, plan_indicators, year_end_actuals
from mubiao.reporting.models import ActualValue


@dataclass(frozen=True)
class ProgressRow:
    """One unit's progress on one indicator for one period. `unit` is the table's short name, the city
    under its own name; `rank` is None for the city and for units without a committed target."""

    indicator_number: str
    indicator: str
    unit_of_measure: str
    unit: str
    is_city: bool
    period: str
    actual: Decimal | None
    committed: Decimal | None
    stretch: Decimal | None
    expected: Decimal | None
    rate_committed: Decimal | None
    rate_stretch: Decimal | None
    status: Status
    rank: int | None = None
    note: str = ""


@dataclass(frozen=True)
class MilestoneProgress:
    """Cumulative progress toward one milestone: a flow's actuals since the first year, a stock's latest level."""

    indicator_number: str
    indicator: str
    unit_of_measure: str
    year: int
    level: str
    value: Decimal
    phrase: str
    reached: Decimal | None
    upto_year: int
    rate: Decimal | None


@dataclass
class PlanProgress:
    """A plan's progress for one period: every row, and the milestone tracker."""

    plan: Plan
    year: int
    period: Period
    rows: list[ProgressRow] = field(default_factory=list)
    milestones: list[MilestoneProgress] = field(default_factory=list)

    def rows_of(self, indicator_number: str) -> list[ProgressRow]:
        return [row for row in self.rows if row.indicator_number == indicator_number]


#: (indicator id, org unit id) → {period: value} for one year.
ActualsByCell = dict[tuple[int, int], dict[Period, Decimal]]


def _actuals_of_year(plan: Plan, year: int, indicator_ids: list[int]) -> ActualsByCell:
    """This year's figures up to its latest, and last year's (a stock's starting level), per cell."""
    found: ActualsByCell = defaultdict(dict)
    rows = ActualValue.objects.filter(
        indicator_id__in=indicator_ids, year__in=[year, year - 1], value__isnull=False
    ).values_list("indicator_id", "org_unit_id", "year", "period_kind", "period_number", "value")
    for indicator_id, unit_id, row_year, kind, number, value in rows:
        if value is not None:
            found[(indicator_id, unit_id)][Period(row_year, PeriodKind(kind), number)] = value
    return found


def latest_period(plan: Plan, year: int) -> Period:
    """The period to show for a year: the latest one any unit has reported, the whole year when none has."""
    periods = {
        Period.parse(p)
        for p in ActualValue.objects.filter(indicator__plan=plan, year=year).values_list("period", flat=True).distinct()
    }
    if not periods:
        return Period.year_of(year)
    return max(periods, key=lambda p: (p.end_month, p.kind is PeriodKind.YEAR))


def _implied_targets(facts: PlanFacts) -> dict[tuple[str, str, int, str], Decimal]:
    """Targets a row's gap says a blank cell would hold (三江's 4, say): noted, never used as targets."""
    implied: dict[tuple[str, str, int, str], Decimal] = {}
    for indicator in facts.indicators:
        for finding in check_sums(facts, indicator):
            for unit, value in finding.implied.items():
                if finding.year is not None and finding.level is not None:
                    implied[(finding.indicator_number, unit, finding.year, finding.level)] = value
    return implied


def plan_progress(
    plan: Plan, *, year: int, period: Period | None = None, indicator_number: str | None = None
) -> PlanProgress:
    """Progress of every unit (and the city) on every indicator — or one — for a period of a year."""
    if not plan.start_year <= year <= plan.end_year:
        raise ValueError(f"年份{year}不在规划期{plan.start_year}—{plan.end_year}年内")
    chosen = period or latest_period(plan, year)
    if chosen.year != year:
        raise ValueError(f"期间{chosen}不在{year}年内")
    facts = plan_facts(plan, with_actuals=False)
    implied = _implied_targets(facts)
    columns = [(plan.area_id, plan.area.name, True)] + [(c.org_unit_id, c.name, False) for c in plan_columns(plan)]
    indicators = [i for i in plan_indicators(plan) if indicator_number in (None, i.number)]
    if indicator_number is not None and not indicators:
        raise ValueError(f"规划中没有序号为{indicator_number}的指标")
    actuals = _actuals_of_year(plan, year, [i.pk for i in indicators])
    city_year_end = year_end_actuals(plan, unit_ids=[plan.area_id])
    result = PlanProgress(plan=plan, year=year, period=chosen)
    for indicator in indicators:
        result.rows.extend(_indicator_rows(indicator, columns, facts, actuals, implied, chosen))
        result.milestones.extend(_milestone_rows(indicator, plan, year, city_year_end))
    return result


def _indicator_rows(
    indicator: Indicator,
    columns: list[tuple[int, str, bool]],
    facts: PlanFacts,
    actuals: ActualsByCell,
    implied: dict[tuple[str, str, int, str], Decimal],
    period: Period,
) -> list[ProgressRow]:
    kind = IndicatorKind(indicator.kind)
    direction = Direction(indicator.direction)
    schedule = Schedule.from_steps(indicator.progress_schedule or [])
    key = str(indicator.pk)
    rows = []
    for unit_id, name, is_city in columns:
        values = actuals.get((indicator.pk, unit_id), {})
        actual = year_to_date(kind, values, period)
        committed = facts.value(key, name, period.year, "committed")
        stretch = facts.value(key, name, period.year, "stretch")
        last_year = year_to_date(kind, values, Period.year_of(period.year - 1))
        expected = None
        if committed and period.end_month < 12:
            expected = expected_by(
                target=committed, period=period, kind=kind, schedule=schedule, last_year_actual=last_year
            )
        hidden = implied.get((indicator.number, name, period.year, "committed"))
        rows.append(
            ProgressRow(
                indicator_number=indicator.number,
                indicator=indicator.name,
                unit_of_measure=indicator.unit_of_measure,
                unit=name,
                is_city=is_city,
                period=str(period),
                actual=actual,
                committed=committed,
                stretch=stretch,
                expected=expected,
                rate_committed=completion_rate(actual, committed, direction),
                rate_stretch=completion_rate(actual, stretch, direction),
                status=progress_status(
                    actual=actual,
                    committed=committed,
                    stretch=stretch,
                    period=period,
                    direction=direction,
                    expected=expected,
                ),
                note=f"未设确保目标；合计缺口隐含{format_decimal(hidden)}"
                if committed is None and hidden is not None
                else "",
            )
        )
    places = {r.unit: r.rank for r in rank_by_rate({row.unit: row.rate_committed for row in rows if not row.is_city})}
    return [_with_rank(row, places.get(row.unit)) for row in rows]


def _implied_note(committed: Decimal | None, hidden: Decimal | None) -> str:
    if committed is not None or hidden is None:
        return ""
    return f"未设确保目标；合计缺口隐含{format_decimal(hidden)}"


def _with_rank(row: ProgressRow, rank: int | None) -> ProgressRow:
    return replace(row, rank=rank)


def _milestone_rows(
    indicator: Indicator, plan: Plan, year: int, city_year_end: dict[tuple[int, int, int], Decimal]
) -> list[MilestoneProgress]:
    kind = IndicatorKind(indicator.kind)
    year_end = {y: value for (i, _, y), value in city_year_end.items() if i == indicator.pk}
    rows = []
    for milestone in indicator.milestones.all():
        reached = cumulative_actual(kind, year_end, plan.start_year, min(year, milestone.year))
        rows.append(
            MilestoneProgress(
                indicator_number=indicator.number,
                indicator=indicator.name,
                unit_of_measure=indicator.unit_of_measure,
                year=milestone.year,
                level=milestone.level,
                value=milestone.value,
                phrase=milestone.phrase,
                reached=reached,
                upto_year=min(year, milestone.year),
                rate=completion_rate(reached, milestone.value, Direction(indicator.direction)),
            )
        )
    return rows


def plan_scores(progress: PlanProgress) -> list[CompositeScore]:
    """The composite score of every unit across the plan's indicators, weights from the indicators."""
    weights = {i.name: i.weight for i in plan_indicators(progress.plan)}
    rates: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    for row in progress.rows:
        if not row.is_city:
            rates[row.unit][row.indicator] = row.rate_committed
    return composite_scores(dict(rates), weights)
