"""Reading a province: every city's progress on every indicator, and all units ranked on one indicator.

The database does the gathering — for each cell the figure of the period (the latest reported one of
the same year when the period itself was not reported, the annual figure before a December or Q4 one
that ends the same month), chosen by a window function, so only one value per cell leaves it. The
domain core (mubiao.domain.progress) computes rates, statuses and ranks, exactly as plan_progress does
for one plan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F

from mubiao.domain.periods import Period
from mubiao.domain.progress import (
    Schedule,
    Status,
    rank_by_rate,
)
from mubiao.domain.values import Direction, IndicatorKind
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, PlanUnit, Target
from mubiao.reporting.models import ActualValue
from mubiao.reporting.selectors import (
    CellFigures,
    cell_figures,
    period_of,
    picked_actuals,
)


@dataclass(frozen=True)
class OverviewRow:
    """One city's own figure for one indicator of its plan, against its own targets."""

    city: str
    city_id: int
    plan_id: int
    indicator_number: str
    indicator: str
    unit_of_measure: str
    kind: str
    actual: Decimal | None
    committed: Decimal | None
    stretch: Decimal | None
    expected: Decimal | None
    rate_committed: Decimal | None
    rate_stretch: Decimal | None
    status: Status


@dataclass
class ProvinceOverview:
    province: OrgUnit
    year: int
    period: Period
    cities: list[str] = field(default_factory=list)
    rows: list[OverviewRow] = field(default_factory=list)

    def rows_of(self, city: str) -> list[OverviewRow]:
        return [row for row in self.rows if row.city == city]

    def status_counts(self) -> dict[str, dict[Status, int]]:
        """city → status → how many of its indicators stand there: the overview's traffic lights."""
        counts: dict[str, dict[Status, int]] = {city: dict.fromkeys(Status, 0) for city in self.cities}
        for row in self.rows:
            counts[row.city][row.status] += 1
        return counts


@dataclass(frozen=True)
class RankingRow:
    """One unit of one city on the ranked indicator; `rank` is None without a committed target or an actual."""

    rank: int | None
    city: str
    unit: str
    unit_full_name: str
    org_unit_id: int
    plan_id: int
    actual: Decimal | None
    committed: Decimal | None
    stretch: Decimal | None
    expected: Decimal | None
    rate_committed: Decimal | None
    rate_stretch: Decimal | None
    status: Status


@dataclass
class ProvinceRanking:
    province: OrgUnit
    indicator_number: str
    indicator: str
    unit_of_measure: str
    year: int
    period: Period
    rows: list[RankingRow] = field(default_factory=list)


def province_plans(province: OrgUnit, year: int) -> list[Plan]:
    """The plans of the province's cities that cover `year`, in the cities' order."""
    return list(
        Plan.objects.filter(area__parent=province, start_year__lte=year, end_year__gte=year)
        .select_related("area")
        .order_by("area__position", "area_id", "id")
    )


def province_overview(province: OrgUnit, year: int, period: Period | str | None = None) -> ProvinceOverview:
    """Each city's own figure on each indicator of its plan for the period (default: the latest reported).

    Four queries whatever the province's size: the plans, their indicators, the cities' targets of the
    year, and the cities' actuals picked by the database.
    """
    plans = province_plans(province, year)
    plan_ids = [plan.pk for plan in plans]
    # Cities are compared on their official figures (approved ones, which everyone may see), whoever asks.
    city_rows = ActualValue.objects.official().filter(
        indicator__plan_id__in=plan_ids, org_unit_id=F("indicator__plan__area_id")
    )
    chosen = period_of(year, period, city_rows)
    overview = ProvinceOverview(province=province, year=year, period=chosen, cities=[plan.area.name for plan in plans])
    if not plans:
        return overview
    indicators = list(
        Indicator.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "position", "id")
        .values_list("id", "plan_id", "number", "name", "unit_of_measure", "kind", "direction", "progress_schedule")
    )
    targets: dict[tuple[int, str], Decimal | None] = {
        (indicator_id, level): value
        for indicator_id, level, value in Target.objects.filter(
            indicator__plan_id__in=plan_ids,
            org_unit_id=F("indicator__plan__area_id"),
            year=year,
            value__isnull=False,
        )
        .order_by()
        .values_list("indicator_id", "level", "value")
    }
    actuals: dict[tuple[int, int], Decimal] = {
        (indicator_id, row_year): value
        for indicator_id, _unit, row_year, value in picked_actuals(city_rows, year, chosen, chosen.end_month < 12)
    }
    by_plan: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in indicators:
        by_plan[row[1]].append(row)
    for plan in plans:
        for indicator_id, _plan, number, name, uom, kind, direction, schedule in by_plan[plan.pk]:
            figures = cell_figures(
                kind=IndicatorKind(kind),
                direction=Direction(direction),
                schedule=Schedule.from_steps(schedule or []),
                period=chosen,
                actual=actuals.get((indicator_id, year)),
                last_year=actuals.get((indicator_id, year - 1)),
                committed=targets.get((indicator_id, "committed")),
                stretch=targets.get((indicator_id, "stretch")),
            )
            overview.rows.append(
                OverviewRow(
                    city=plan.area.name,
                    city_id=plan.area_id,
                    plan_id=plan.pk,
                    indicator_number=number,
                    indicator=name,
                    unit_of_measure=uom,
                    kind=kind,
                    **vars(figures),
                )
            )
    return overview


def province_ranking(
    province: OrgUnit, indicator_number: str, year: int, period: Period | str | None = None
) -> ProvinceRanking:
    """Every unit of every city's plan ranked by its completion rate against committed on one indicator
    (the same number in each city's plan); equal rates share a rank, units without a rate come last."""
    plans = province_plans(province, year)
    plan_ids = [plan.pk for plan in plans]
    number = str(indicator_number).strip()
    indicators = {
        row[0]: row
        for row in Indicator.objects.filter(plan_id__in=plan_ids, number=number).values_list(
            "id", "plan_id", "name", "unit_of_measure", "kind", "direction", "progress_schedule"
        )
    }
    if not indicators:
        raise ValueError(f"{province.name}{year}年的规划中没有序号为{number}的指标")
    by_plan = {row[1]: row for row in indicators.values()}
    # Ranked on official figures only: a pending figure never moves a unit in a published ranking.
    unit_rows = ActualValue.objects.official().filter(
        indicator_id__in=list(indicators), org_unit__plan_columns__plan_id=F("indicator__plan_id")
    )
    chosen = period_of(year, period, unit_rows)
    first = next(iter(indicators.values()))
    ranking = ProvinceRanking(
        province=province,
        indicator_number=number,
        indicator=first[2],
        unit_of_measure=first[3],
        year=year,
        period=chosen,
    )
    columns = list(
        PlanUnit.objects.filter(plan_id__in=list(by_plan))
        .order_by("plan__area__position", "plan__area_id", "plan_id", "position")
        .values_list("plan_id", "org_unit_id", "header_name", "org_unit__name", "plan__area__name")
    )
    targets: dict[tuple[int, int, str], Decimal | None] = {
        (indicator_id, unit_id, level): value
        for indicator_id, unit_id, level, value in Target.objects.filter(
            indicator_id__in=list(indicators),
            org_unit__plan_columns__plan_id=F("indicator__plan_id"),
            year=year,
            value__isnull=False,
        )
        .order_by()
        .values_list("indicator_id", "org_unit_id", "level", "value")
    }
    stocks = any(row[4] == IndicatorKind.STOCK.value for row in indicators.values())
    actuals: dict[tuple[int, int, int], Decimal] = {
        (indicator_id, unit_id, row_year): value
        for indicator_id, unit_id, row_year, value in picked_actuals(
            unit_rows, year, chosen, stocks and chosen.end_month < 12
        )
    }
    # Keyed "plan:unit": a unit is ranked once per plan it is a column of.
    figures: dict[str, CellFigures] = {}
    about: dict[str, tuple[int, int, str, str, str]] = {}
    for plan_id, unit_id, header, full, city in columns:
        indicator_id, _plan, _name, _uom, kind, direction, schedule = by_plan[plan_id]
        key = f"{plan_id}:{unit_id}"
        about[key] = (plan_id, unit_id, header, full, city)
        figures[key] = cell_figures(
            kind=IndicatorKind(kind),
            direction=Direction(direction),
            schedule=Schedule.from_steps(schedule or []),
            period=chosen,
            actual=actuals.get((indicator_id, unit_id, year)),
            last_year=actuals.get((indicator_id, unit_id, year - 1)),
            committed=targets.get((indicator_id, unit_id, "committed")),
            stretch=targets.get((indicator_id, unit_id, "stretch")),
        )
    for ranked in rank_by_rate({key: f.rate_committed for key, f in figures.items()}):
        plan_id, unit_id, header, full, city = about[ranked.unit]
        ranking.rows.append(
            RankingRow(
                rank=ranked.rank,
                city=city,
                unit=header,
                unit_full_name=full,
                org_unit_id=unit_id,
                plan_id=plan_id,
                **vars(figures[ranked.unit]),
            )
        )
    return ranking


# -- one city's dashboard, the database choosing the figures ---------------------------------------
