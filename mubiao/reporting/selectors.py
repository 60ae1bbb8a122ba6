"""Reading progress: actual values against targets, per indicator, unit and period, ready for every door.

The selectors gather plain values; the domain core (mubiao.domain.progress) computes rates,
statuses, expectations and rankings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext

from mubiao.accounts.permissions import Viewer, grants_of, pending_scope
from mubiao.domain.numbers import format_decimal
from mubiao.domain.periods import Period
from mubiao.domain.progress import (
    CityTotal,
    CompositeScore,
    Schedule,
    Status,
    city_status,
    city_total,
    completion_rate,
    composite_scores,
    cumulative_actual,
    expected_by,
    progress_status,
    rank_by_rate,
)
from mubiao.domain.validation import IndicatorFacts, PlanFacts, check_sums
from mubiao.domain.values import Direction, IndicatorKind, units_add_up
from mubiao.plans.models import Indicator, Milestone, Plan, PlanUnit, Target
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
    #: The city's row of an indicator whose units add up is their sum (汇总), not a figure the city owes.
    city_total: CityTotal | None = None

    @property
    def due(self) -> Decimal | None:
        """What the calendar expects by the period: `expected` within the year, and once the year has ended
        (where `expected` is left out) the committed target itself."""
        return self.expected if self.expected is not None else self.committed

    @property
    def summed(self) -> bool:
        return self.city_total is not None

    @property
    def units_reported(self) -> int | None:
        """How many units are in the 汇总 (of `units_expected`)."""
        return self.city_total.reported if self.city_total else None

    @property
    def units_expected(self) -> int | None:
        return self.city_total.expected if self.city_total else None

    @property
    def own(self) -> Decimal | None:
        """A figure the city reported itself, shown beside its 汇总."""
        return self.city_total.own if self.city_total else None

    @property
    def mismatch(self) -> Decimal | None:
        """own − sum, once every expected unit has reported and the two differ."""
        return self.city_total.mismatch if self.city_total else None


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
    weights: dict[str, Decimal] = field(default_factory=dict)  # indicator name → weight in composite scores

    def rows_of(self, indicator_number: str) -> list[ProgressRow]:
        return [row for row in self.rows if row.indicator_number == indicator_number]


#: The last month a stored period covers (12 for a year, 3 × n for a quarter, n for a month), in SQL.
END_MONTH = Case(
    When(period_kind="year", then=Value(12)),
    When(period_kind="quarter", then=F("period_number") * 3),
    default=F("period_number"),
    output_field=IntegerField(),
)
#: Of periods ending the same month (2019, 2019-Q4, 2019-12) the annual figure is the reviewed one.
IS_YEAR = Case(When(period_kind="year", then=Value(1)), default=Value(0), output_field=IntegerField())


def period_of(year: int, period: Period | str | None, latest: QuerySet[ActualValue]) -> Period:
    if isinstance(period, str):
        period = Period.parse(period)
    if period is None:
        text = (
            latest.filter(year=year)
            .annotate(end_month=END_MONTH, is_year=IS_YEAR)
            .order_by("-end_month", "-is_year")
            .values_list("period", flat=True)
            .first()
        )
        period = Period.parse(text) if text else Period.year_of(year)
    if period.year != year:
        raise ValueError(f"期间{period}不在{year}年内")
    return period


def picked_actuals(
    actuals: QuerySet[ActualValue],
    year: int,
    period: Period,
    stocks_last_year: bool,
    any_last_year: bool = False,
    *,
    with_end_month: bool = False,
    every_earlier_year: bool = False,
) -> Any:
    """(indicator id, org unit id, year, value): each cell's figure for `period`, and — when
    `stocks_last_year` — a stock's figure for the year before (its level the calendar starts from),
    or every indicator's with `any_last_year` — and each earlier year's last figure with
    `every_earlier_year` (the milestones count them). `with_end_month` adds the last month the picked
    figure covers, which tells a figure of the period itself from an earlier one standing in for it."""
    fields = ["indicator_id", "org_unit_id", "year", "value"] + (["end_month"] if with_end_month else [])
    wanted = Q(year=year, end_month__lte=period.end_month)
    years = Q(year__lte=year) if every_earlier_year else Q(year__in=[year, year - 1])
    if every_earlier_year:
        wanted |= Q(year__lt=year)
    elif any_last_year:
        wanted |= Q(year=year - 1)
    elif stocks_last_year:
        wanted |= Q(year=year - 1, indicator__kind=IndicatorKind.STOCK.value)
    return (
        actuals.filter(years, value__isnull=False)
        .annotate(end_month=END_MONTH, is_year=IS_YEAR)
        .filter(wanted)
        .annotate(
            pick=Window(
                RowNumber(),
                partition_by=[F("indicator_id"), F("org_unit_id"), F("year")],
                order_by=[F("end_month").desc(), F("is_year").desc()],
            )
        )
        .filter(pick=1)
        .order_by()
        .values_list(*fields)
    )


@dataclass(frozen=True)
class CellFigures:
    actual: Decimal | None
    committed: Decimal | None
    stretch: Decimal | None
    expected: Decimal | None
    rate_committed: Decimal | None
    rate_stretch: Decimal | None
    status: Status


def cell_figures(
    *,
    kind: IndicatorKind,
    direction: Direction,
    schedule: Schedule,
    period: Period,
    actual: Decimal | None,
    last_year: Decimal | None,
    committed: Decimal | None,
    stretch: Decimal | None,
) -> CellFigures:
    """Rate, expectation and status of one cell, as plan_progress computes them."""
    expected = None
    if committed and period.end_month < 12:
        expected = expected_by(
            target=committed, period=period, kind=kind, schedule=schedule, last_year_actual=last_year
        )
    return CellFigures(
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
    )


def city_year_ends(
    figures: dict[tuple[int, int, int], Decimal], city_id: int, summed: set[int]
) -> dict[int, dict[int, Decimal]]:
    """indicator id → year → the city's year-end figure for its milestones, in one pass over `figures`:
    its units' sum for the indicators in `summed` (whose units add up), its own figure for the others."""
    by_indicator: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (indicator_id, unit_id, year), value in figures.items():
        adds_up = indicator_id in summed
        if (unit_id == city_id) == adds_up:
            continue
        by_year = by_indicator[indicator_id]
        by_year[year] = by_year.get(year, Decimal(0)) + value if adds_up else value
    return by_indicator


def implied_committed(
    plan: Plan,
    year: int,
    indicators: list[Indicator],
    columns: list[tuple[int, str, bool]],
    targets: dict[tuple[int, str, str], Decimal | None],
) -> dict[tuple[int, str], Decimal]:
    """(indicator id, unit) → the committed target a blank cell would hold by its row's gap, for the note."""
    city, units = columns[0][1], [name for _, name, is_city in columns if not is_city]
    implied: dict[tuple[int, str], Decimal] = {}
    for indicator in indicators:
        if all(targets.get((indicator.pk, name, "committed")) is not None for name in units):
            continue  # no blank committed cell: nothing to note
        key = str(indicator.pk)
        facts = PlanFacts(
            start_year=year,
            end_year=year,
            city=city,
            units=units,
            indicators=[
                IndicatorFacts(
                    key=key,
                    number=indicator.number,
                    name=indicator.name,
                    kind=IndicatorKind(indicator.kind),
                    direction=Direction(indicator.direction),
                )
            ],
        )
        for name in [city, *units]:
            value = targets.get((indicator.pk, name, "committed"))
            if value is not None:
                facts.cells[(key, name, year, "committed")] = value
        for finding in check_sums(facts, facts.indicators[0]):
            if finding.level == "committed":
                for unit, value in finding.implied.items():
                    implied[(indicator.pk, unit)] = value
    return implied


def plan_progress(
    plan: Plan,
    *,
    year: int,
    period: Period | str | None = None,
    indicator_number: str | None = None,
    viewer: Viewer = None,
    include_pending: bool = False,
) -> PlanProgress:
    """Progress of every unit (and the city) on every indicator — or one — for a period of a year.

    Official progress counts approved figures only; `include_pending` counts too the figures not yet
    approved that `viewer` may see (`ActualValue.objects.visible_to`): none for anonymous readers.

    Read in a handful of small queries: the database picks each cell's figure (one row per cell leaves
    it, not every month of two years), only the year's targets are read, the indicators once.
    """
    if not plan.start_year <= year <= plan.end_year:
        raise ValueError(f"年份{year}不在规划期{plan.start_year}—{plan.end_year}年内")
    viewer = grants_of(viewer)  # the roles are read once, not for each query below
    plan_rows = ActualValue.objects.visible_to(viewer, include_pending=include_pending).filter(
        indicator__plan_id=plan.pk
    )
    chosen = period_of(year, period, plan_rows)
    indicators = list(
        Indicator.objects.filter(plan_id=plan.pk)
        .order_by("position", "id")
        .only("id", "number", "name", "unit_of_measure", "kind", "direction", "weight", "progress_schedule")
    )
    weights = {indicator.name: indicator.weight for indicator in indicators}
    if indicator_number is not None:
        indicators = [i for i in indicators if i.number == str(indicator_number).strip()]
        if not indicators:
            raise ValueError(f"规划中没有序号为{indicator_number}的指标")
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(indicator__in=indicators).order_by("indicator_id", "year", "level"):
        milestones[milestone.indicator_id].append(milestone)
    columns = [(plan.area_id, plan.area.name, True)] + [
        (unit_id, header, False)
        for unit_id, header in PlanUnit.objects.filter(plan_id=plan.pk)
        .order_by("position")
        .values_list("org_unit_id", "header_name")
    ]
    names = {unit_id: name for unit_id, name, _ in columns}
    targets: dict[tuple[int, str, str], Decimal | None] = {
        (indicator_id, names[unit_id], level): value
        for indicator_id, unit_id, level, value in Target.objects.filter(
            indicator__plan_id=plan.pk, year=year, value__isnull=False, org_unit_id__in=list(names)
        )
        .order_by()
        .values_list("indicator_id", "org_unit_id", "level", "value")
    }
    # Every kind's last-year figure, as plan_progress reads it (only a stock's is used).
    actuals: dict[tuple[int, int, int], Decimal] = {}
    ends: dict[tuple[int, int, int], int] = {}
    for indicator_id, unit_id, row_year, value, end_month in picked_actuals(
        plan_rows.filter(org_unit_id__in=list(names)),
        year,
        chosen,
        stocks_last_year=False,
        any_last_year=True,
        with_end_month=True,
        every_earlier_year=bool(milestones),
    ):
        actuals[(indicator_id, unit_id, row_year)] = value
        ends[(indicator_id, unit_id, row_year)] = end_month
    summed_ids = {indicator.pk for indicator in indicators if units_add_up(indicator.unit_of_measure)}
    # The milestones count each year's last figure (this year's up to the period), picked above with the rest.
    year_ends = city_year_ends(actuals, plan.area_id, summed_ids) if milestones else {}
    implied = implied_committed(plan, year, indicators, columns, targets)
    progress = PlanProgress(plan=plan, year=year, period=chosen, weights=weights)
    for indicator in indicators:
        kind, direction = IndicatorKind(indicator.kind), Direction(indicator.direction)
        schedule = Schedule.from_steps(indicator.progress_schedule or [])
        summed = indicator.pk in summed_ids
        rows = []
        for unit_id, name, is_city in columns:
            committed = targets.get((indicator.pk, name, "committed"))
            actual = actuals.get((indicator.pk, unit_id, year))
            last_year = actuals.get((indicator.pk, unit_id, year - 1))
            total = None
            if is_city and summed:
                total = _city_total(indicator.pk, year, chosen, columns, actuals, ends, targets)
                actual = total.summed
                if kind is IndicatorKind.STOCK:  # the level the calendar starts from; a flow starts from zero
                    last_year = _city_total(
                        indicator.pk, year - 1, Period.year_of(year - 1), columns, actuals, ends, None
                    ).summed
            figures = cell_figures(
                kind=kind,
                direction=direction,
                schedule=schedule,
                period=chosen,
                actual=actual,
                last_year=last_year,
                committed=committed,
                stretch=targets.get((indicator.pk, name, "stretch")),
            )
            if total is not None:
                figures = replace(figures, status=city_status(figures.status, total, direction))
            hidden = implied.get((indicator.pk, name))
            rows.append(
                ProgressRow(
                    indicator_number=indicator.number,
                    indicator=indicator.name,
                    unit_of_measure=indicator.unit_of_measure,
                    unit=name,
                    is_city=is_city,
                    period=str(chosen),
                    note=_mismatch_note(total) or _implied_note(committed, hidden),
                    city_total=total,
                    **vars(figures),
                )
            )
        places = {r.unit: r.rank for r in rank_by_rate({r.unit: r.rate_committed for r in rows if not r.is_city})}
        progress.rows.extend(replace(row, rank=places.get(row.unit)) for row in rows)
        year_end = year_ends.get(indicator.pk, {})
        for milestone in milestones.get(indicator.pk, []):
            upto = min(year, milestone.year)
            reached = cumulative_actual(kind, year_end, plan.start_year, upto)
            progress.milestones.append(
                MilestoneProgress(
                    indicator_number=indicator.number,
                    indicator=indicator.name,
                    unit_of_measure=indicator.unit_of_measure,
                    year=milestone.year,
                    level=milestone.level,
                    value=milestone.value,
                    phrase=milestone.phrase,
                    reached=reached,
                    upto_year=upto,
                    rate=completion_rate(reached, milestone.value, direction),
                )
            )
    return progress


def latest_actual_year(plan: Plan, *, viewer: Viewer = None, include_pending: bool = False) -> int | None:
    """The latest year of the plan for which any unit has an actual value `viewer` may see."""
    found = (
        ActualValue.objects.visible_to(viewer, include_pending=include_pending)
        .filter(indicator__plan=plan, value__isnull=False, year__gte=plan.start_year, year__lte=plan.end_year)
        .aggregate(latest=Max("year"))["latest"]
    )
    return int(found) if found is not None else None


def latest_period(plan: Plan, year: int, *, viewer: Viewer = None, include_pending: bool = False) -> Period:
    """The period to show for a year: the latest one any unit has reported (of the figures `viewer` may
    see), the whole year when none has."""
    visible = ActualValue.objects.visible_to(viewer, include_pending=include_pending)
    return period_of(year, None, visible.filter(indicator__plan_id=plan.pk))


def pending_switch_offered(plan: Plan, viewer: Viewer) -> bool:
    """Whether a door offers `viewer` the switch that counts figures not yet approved on this plan's pages:
    only when the viewer may see some of the plan's pending figures — a unit of the plan in their scope,
    or an indicator of the plan led by their department (all of them for administrators and viewers)."""
    scope = pending_scope(grants_of(viewer))
    if scope.nothing or scope.everything:
        return scope.everything
    plan_units = {plan.area_id, *PlanUnit.objects.filter(plan_id=plan.pk).values_list("org_unit_id", flat=True)}
    if scope.org_unit_ids & plan_units:
        return True
    return Indicator.objects.filter(plan_id=plan.pk, lead_departments__in=scope.lead_department_ids).exists()


def _city_total(
    indicator_id: int,
    year: int,
    period: Period,
    columns: list[tuple[int, str, bool]],
    actuals: dict[tuple[int, int, int], Decimal],
    ends: dict[tuple[int, int, int], int],
    targets: dict[tuple[int, str, str], Decimal | None] | None,
) -> CityTotal:
    """The city's 汇总 for a period: its units' figures of that very period (a figure of an earlier month
    standing in for a unit that has not reported yet is not added), and its own figure beside it.
    `targets` are the period's year's; without them only the units that reported are waited for."""

    def of_period(unit_id: int) -> Decimal | None:
        key = (indicator_id, unit_id, year)
        return actuals.get(key) if ends.get(key) == period.end_month else None

    city_id = columns[0][0]
    units = [(unit_id, name) for unit_id, name, is_city in columns if not is_city]
    has_target = {
        name
        for _unit_id, name in units
        if targets and any(targets.get((indicator_id, name, level)) for level in ("committed", "stretch"))
    }
    figures = {name: of_period(unit_id) for unit_id, name in units}
    return city_total(figures, has_target, own=of_period(city_id))


def _mismatch_note(total: CityTotal | None) -> str:
    if total is None or total.mismatch is None:
        return ""
    return gettext("市报数%(own)s与各单位汇总%(summed)s不符（相差%(gap)s）") % {
        "own": format_decimal(total.own),
        "summed": format_decimal(total.summed),
        "gap": format_decimal(abs(total.mismatch)),  # the sign is in which is larger; `mismatch` keeps it
    }


def _implied_note(committed: Decimal | None, hidden: Decimal | None) -> str:
    if committed is not None or hidden is None:
        return ""
    return f"未设确保目标；合计缺口隐含{format_decimal(hidden)}"


def plan_scores(progress: PlanProgress) -> list[CompositeScore]:
    """The composite score of every unit across the indicators of a progress, weighted as the plan says."""
    rates: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    targeted: set[str] = set()
    for row in progress.rows:
        if not row.is_city:
            rates[row.unit][row.indicator] = row.rate_committed
            if row.committed:
                targeted.add(row.unit)
    return composite_scores(dict(rates), progress.weights, frozenset(targeted))
