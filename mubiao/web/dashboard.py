"""Presenters of the progress dashboard: the progress selectors' rows shaped for the five progress pages.

The overview (a card per indicator), the indicator page (units × years), the unit scorecard, the
rankings and the milestone tracker. Every figure, label, colour and chart series the pages show is
worked out here; the templates only lay it out and dashboard.js only draws the series.

Pages that span years (trends, the units × years matrix) ask `plan_progress` once per year of the
plan, the chosen year at the chosen period and the others at their latest reported period.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mubiao.accounts.permissions import Viewer, grants_of
from mubiao.assessment.selectors import plan_assessment
from mubiao.domain.assessment import UnitScore
from mubiao.domain.findings import decimal_to_json
from mubiao.domain.numbers import format_decimal
from mubiao.domain.periods import Period, PeriodKind
from mubiao.domain.progress import STATUS_LIGHTS, CompositeScore, Status
from mubiao.plans.models import Indicator, Plan
from mubiao.plans.selectors import plan_columns, plan_indicators
from mubiao.reporting.selectors import (
    MilestoneProgress,
    PlanProgress,
    ProgressRow,
    latest_actual_year,
    pending_switch_offered,
    plan_progress,
    plan_scores,
)

#: The statuses in the words of the UI; the msgids are the domain's own Chinese labels.
STATUS_LABELS: dict[str, Promise] = {
    Status.ABOVE_STRETCH.value: gettext_lazy("完成力争"),
    Status.ABOVE_COMMITTED.value: gettext_lazy("完成确保"),
    Status.ON_SCHEDULE.value: gettext_lazy("序时正常"),
    Status.BEHIND_SCHEDULE.value: gettext_lazy("序时滞后"),
    Status.BELOW_COMMITTED.value: gettext_lazy("未完成"),
    Status.NOT_REPORTED.value: gettext_lazy("尚未填报"),
    Status.PARTIAL.value: gettext_lazy("尚未报齐"),
    Status.NO_TARGET.value: gettext_lazy("无目标"),
}

LEVEL_LABELS: dict[str, Promise] = {"committed": gettext_lazy("确保"), "stretch": gettext_lazy("力争")}

#: The traffic lights in the order a legend or a count lists them; "none" is a figure not reported yet.
LIGHTS = ("green", "yellow", "red", "grey", "none")

#: What the light colours stand for in a legend.
LIGHT_LABELS: dict[str, Promise] = {
    "green": gettext_lazy("绿灯：完成或序时正常"),
    "yellow": gettext_lazy("黄灯：序时滞后"),
    "red": gettext_lazy("红灯：未完成"),
    "grey": gettext_lazy("灰：无目标"),
    "none": gettext_lazy("空心：尚未填报"),
}

#: The CSS colours of the lights, for the charts (the pages use the classes light-green …).
LIGHT_COLOURS = {"green": "#2d8a3e", "yellow": "#d39200", "red": "#d0433b", "grey": "#9aa5b1", "none": "#9aa5b1"}

DASH = "—"


class DashboardQueryError(ValueError):
    """A query value the dashboard cannot show (a year outside the plan, an unknown unit …), said plainly."""


# -- numbers -------------------------------------------------------------------------------------------


def percent(rate: Decimal | None) -> str:
    """A completion rate as the pages print it: 1.426 → 142.6%; no rate, no text."""
    if rate is None:
        return ""
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def ratio(rate: Decimal | None) -> str:
    """A rate or score as a bulletin prints it, three decimals: 1.426."""
    if rate is None:
        return ""
    return f"{rate.quantize(Decimal('0.001'), rounding=ROUND_HALF_UP):.3f}"


def bar_width(rate: Decimal | None) -> str:
    """The width of a progress bar in percent, capped at 100 (a bar never leaves its track)."""
    if rate is None or rate <= 0:
        return "0"
    return format_decimal(min(rate * 100, Decimal(100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def period_label(period: Period) -> str:
    if period.kind is PeriodKind.YEAR:
        return _("%(year)s年") % {"year": period.year}
    if period.kind is PeriodKind.QUARTER:
        return _("%(year)s年第%(quarter)s季度") % {"year": period.year, "quarter": period.number}
    return _("%(year)s年%(month)s月") % {"year": period.year, "month": period.number}


@dataclass(frozen=True)
class StatusView:
    """A status with its translated label and its traffic light (green, yellow, red, grey)."""

    code: str
    label: str
    light: str


def status_view(status: Status) -> StatusView:
    """The status as shown: its translated label and its light."""
    return StatusView(code=status.value, label=str(STATUS_LABELS[status.value]), light=STATUS_LIGHTS[status.value])


@dataclass(frozen=True)
class LightCount:
    light: str
    label: str
    count: int


def light_legend() -> list[LightCount]:
    return [LightCount(light=light, label=str(LIGHT_LABELS[light]), count=0) for light in LIGHTS]


# -- the query: which year and period --------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The year and period a progress page shows. `period` is None for the year's latest reported period.

    `viewer` is whoever reads: with `include_pending`, the figures not yet approved that they may see count
    too (ActualValue.objects.visible_to). The switch is offered only to those who may see some of them.
    """

    year: int
    period: Period | None
    explicit_period: bool
    include_pending: bool = False  # ?pending=1, from someone who may see pending figures of the plan
    pending_offered: bool = False
    viewer: Viewer = field(default=None, compare=False, repr=False)

    @property
    def query(self) -> str:
        """The query string that keeps this selection on the links between the progress pages."""
        return (
            f"?year={self.year}"
            + (f"&period={self.period}" if self.explicit_period and self.period else "")
            + ("&pending=1" if self.include_pending else "")
        )


def chosen_selection(plan: Plan, query: Mapping[str, str], viewer: Viewer = None) -> Selection:
    """The year (?year=, else the latest year with actual values, else the plan's first) and period (?period=).

    ?pending=1 counts figures not yet approved only for a `viewer` who may see some of the plan's; for
    anyone else (anonymous included) it is ignored: the page shows the official figures.
    Raises DashboardQueryError with a message a user can act on for anything else.
    """
    grants = grants_of(viewer)  # the roles are read once for every query of the page
    offered = pending_switch_offered(plan, grants)
    include_pending = offered and query.get("pending") == "1"
    year_text = (query.get("year") or "").strip()
    period_text = (query.get("period") or "").strip()
    period: Period | None = None
    if period_text:
        try:
            period = Period.parse(period_text)
        except ValueError as error:
            raise DashboardQueryError(
                _("“%(value)s”不是有效的期间（应为 2019、2019-Q3 或 2019-07）") % {"value": period_text}
            ) from error
    if year_text:
        if not year_text.isascii() or not year_text.isdigit() or len(year_text) > 4:
            raise DashboardQueryError(_("“%(value)s”不是年份（应为四位数字，如 2018）") % {"value": year_text})
        year = int(year_text)
    elif period is not None:
        year = period.year
    else:
        year = latest_actual_year(plan, viewer=grants, include_pending=include_pending) or plan.start_year
    if not plan.start_year <= year <= plan.end_year:
        raise DashboardQueryError(
            _("年份%(year)s不在规划期%(start)s—%(end)s年内")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )
    if period is not None and period.year != year:
        raise DashboardQueryError(_("期间%(period)s不在%(year)s年内") % {"period": period, "year": year})
    return Selection(
        year=year,
        period=period,
        explicit_period=period is not None,
        include_pending=include_pending,
        pending_offered=offered,
        viewer=grants,
    )


@dataclass(frozen=True)
class YearChoice:
    year: int
    active: bool


@dataclass(frozen=True)
class Header:
    """What every progress page shows above its content: the plan, the year selector, the period shown."""

    plan: Plan
    year: int
    period_label: str
    query: str
    years: list[YearChoice]
    latest_actual_year: int | None
    include_pending: bool = False
    pending_offered: bool = False  # whether the page offers the switch that counts pending figures


def header(plan: Plan, selection: Selection, period: Period) -> Header:
    return Header(
        plan=plan,
        year=selection.year,
        period_label=period_label(period),
        query=selection.query,
        years=[YearChoice(year=year, active=year == selection.year) for year in plan.years],
        latest_actual_year=latest_actual_year(plan, viewer=selection.viewer, include_pending=selection.include_pending),
        include_pending=selection.include_pending,
        pending_offered=selection.pending_offered,
    )


def progress_of(plan: Plan, selection: Selection, indicator_number: str | None = None) -> PlanProgress:
    """The chosen year's progress; a ValueError of the selector (a period nobody can show) becomes a query error."""
    try:
        return plan_progress(
            plan,
            year=selection.year,
            period=selection.period,
            indicator_number=indicator_number,
            viewer=selection.viewer,
            include_pending=selection.include_pending,
        )
    except ValueError as error:
        raise DashboardQueryError(str(error)) from error


def progress_by_year(plan: Plan, selection: Selection, indicator_number: str | None = None) -> dict[int, PlanProgress]:
    """Every year's progress, the chosen year at the chosen period, the others at their latest reported one."""
    chosen = progress_of(plan, selection, indicator_number)
    return {
        year: chosen
        if year == selection.year
        else plan_progress(
            plan,
            year=year,
            indicator_number=indicator_number,
            viewer=selection.viewer,
            include_pending=selection.include_pending,
        )
        for year in plan.years
    }


def indicator_of(plan: Plan, number: str) -> Indicator:
    for indicator in plan_indicators(plan):
        if indicator.number == number:
            return indicator
    raise DashboardQueryError(_("规划中没有序号为“%(number)s”的指标") % {"number": number})


@dataclass(frozen=True)
class UnitRef:
    """A unit of the plan (or the city itself) by its table name and org unit id, for links."""

    org_unit_id: int
    name: str
    full_name: str
    is_city: bool
    active: bool = False


def plan_unit_refs(plan: Plan) -> list[UnitRef]:
    """The city first, then the plan's unit columns in table order."""
    city = UnitRef(org_unit_id=plan.area_id, name=plan.area.name, full_name=plan.area.name, is_city=True)
    return [city] + [
        UnitRef(org_unit_id=c.org_unit_id, name=c.name, full_name=c.full_name, is_city=False)
        for c in plan_columns(plan)
    ]


def unit_ids(plan: Plan) -> dict[str, int]:
    """Org unit id by the name the progress rows give a unit."""
    return {ref.name: ref.org_unit_id for ref in plan_unit_refs(plan)}


def unit_of(plan: Plan, org_unit_id: int) -> UnitRef:
    for ref in plan_unit_refs(plan):
        if ref.org_unit_id == org_unit_id:
            return ref
    raise DashboardQueryError(_("编号为 %(id)s 的单位不在此规划中") % {"id": org_unit_id})


# -- shared row shapes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureView:
    """One unit's figures on one indicator for one period, formatted: blank stays blank."""

    unit: str
    org_unit_id: int | None
    is_city: bool
    actual: str
    committed: str
    stretch: str
    rate: str
    rate_stretch: str
    status: StatusView
    rank: int | None
    note: str
    #: The city's row where units add up: `actual` is their sum (汇总), `coverage` how many are in it
    #: ("8/12"), `own` a figure the city reported itself, shown beside the sum.
    summed: bool = False
    coverage: str = ""
    own: str = ""

    @property
    def actual_label(self) -> str:
        return str(_("汇总")) if self.summed else str(_("实际"))

    @property
    def coverage_text(self) -> str:
        return _("%(coverage)s 个单位已报") % {"coverage": self.coverage} if self.coverage else ""

    @property
    def title(self) -> str:
        """A hover text with every figure, for cells too small to label them all."""
        parts = [
            f"{self.actual_label} {self.actual or DASH}",
            f"{_('确保')} {self.committed or DASH}",
            f"{_('力争')} {self.stretch or DASH}",
        ]
        if self.rate:
            parts.append(f"{_('完成率')} {self.rate}")
        if self.coverage:
            parts.append(self.coverage_text)
        if self.own:
            parts.append(f"{_('市报')} {self.own}")
        return " · ".join(parts) + f" · {self.status.label}"


def figure_view(row: ProgressRow, ids: Mapping[str, int]) -> FigureView:
    return FigureView(
        unit=row.unit,
        org_unit_id=ids.get(row.unit),
        is_city=row.is_city,
        actual=format_decimal(row.actual),
        committed=format_decimal(row.committed),
        stretch=format_decimal(row.stretch),
        rate=percent(row.rate_committed),
        rate_stretch=percent(row.rate_stretch),
        status=status_view(row.status),
        rank=row.rank,
        note=tidy_note(row.note),
        summed=row.summed,
        coverage=f"{row.units_reported}/{row.units_expected}" if row.summed else "",
        own=format_decimal(row.own),
    )


def unranked_reason(row: ProgressRow) -> str:
    """Why a unit has no place in a ranking: it has no committed target, or nothing reported against it."""
    if row.committed is None or row.committed == 0:
        return _("未设确保目标")
    return _("未报实际值")


_STORED_DECIMAL = re.compile(r"\d+\.\d+")


def tidy_note(note: str) -> str:
    """The selector's note with its numbers as the pages print them (隐含4, not the stored 隐含4.0000)."""
    return _STORED_DECIMAL.sub(lambda match: format_decimal(Decimal(match.group())), note)


def note_detail(row: ProgressRow) -> str:
    """The selector's note without the reason the page already gives (what remains: the implied value)."""
    return tidy_note(row.note).removeprefix("未设确保目标；").removeprefix("未设确保目标")


def _indicator_title(number: str, name: str) -> str:
    return f"{number}. {name}"


def _chart_number(value: Decimal | None) -> int | float | None:
    return decimal_to_json(value)


# -- 1. the city overview --------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorCard:
    """One indicator on the overview: the city's figures for the chosen period, its units' lights, its trend."""

    number: str
    name: str
    unit_of_measure: str
    city: FigureView
    lights: list[LightCount]
    chart_index: int

    @property
    def title(self) -> str:
        return _indicator_title(self.number, self.name)


@dataclass(frozen=True)
class OverviewPage:
    header: Header
    cards: list[IndicatorCard]
    legend: list[LightCount]
    charts: list[dict[str, Any]] = field(default_factory=list)


def _series_labels() -> dict[str, str]:
    return {
        "actual": _("实际"),
        "committed": _("确保"),
        "stretch": _("力争"),
        "rate": _("完成率"),
    }


def overview_page(plan: Plan, selection: Selection) -> OverviewPage:
    by_year = progress_by_year(plan, selection)
    chosen = by_year[selection.year]
    ids = unit_ids(plan)
    cards: list[IndicatorCard] = []
    charts: list[dict[str, Any]] = []
    numbers = list(dict.fromkeys(row.indicator_number for row in chosen.rows))
    for index, number in enumerate(numbers):
        rows = chosen.rows_of(number)
        city_row = next(row for row in rows if row.is_city)
        counts = Counter(figure_view(row, ids).status.light for row in rows if not row.is_city)
        cards.append(
            IndicatorCard(
                number=number,
                name=city_row.indicator,
                unit_of_measure=city_row.unit_of_measure,
                city=figure_view(city_row, ids),
                lights=[
                    LightCount(light=light, label=str(LIGHT_LABELS[light]), count=counts[light])
                    for light in LIGHTS
                    if counts[light]
                ],
                chart_index=index,
            )
        )
        city_by_year = {
            year: next(row for row in progress.rows_of(number) if row.is_city) for year, progress in by_year.items()
        }
        charts.append(
            {
                "id": f"spark-{number}",
                "kind": "sparkline",
                "unit": city_row.unit_of_measure,
                "years": [str(year) for year in city_by_year],
                # A sum still waiting for units is not the city's figure of the year: no point drawn.
                "actual": [
                    None if row.status is Status.PARTIAL else _chart_number(row.actual) for row in city_by_year.values()
                ],
                "committed": [_chart_number(row.committed) for row in city_by_year.values()],
                "labels": _series_labels(),
            }
        )
    return OverviewPage(
        header=header(plan, selection, chosen.period), cards=cards, legend=light_legend(), charts=charts
    )


# -- 2. the indicator page: units × years -----------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    year: int
    chosen: bool
    figures: FigureView


@dataclass(frozen=True)
class MatrixRow:
    unit: str
    org_unit_id: int | None
    is_city: bool
    cells: list[MatrixCell]
    rank: int | None
    note: str


@dataclass(frozen=True)
class IndicatorPage:
    header: Header
    number: str
    name: str
    unit_of_measure: str
    kind_label: str
    direction_label: str
    goal_text: str
    years: list[int]
    rows: list[MatrixRow]
    legend: list[LightCount]
    others: list[tuple[str, str]]
    charts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _indicator_title(self.number, self.name)


def indicator_page(plan: Plan, selection: Selection, number: str) -> IndicatorPage:
    indicator = indicator_of(plan, number)
    by_year = progress_by_year(plan, selection, indicator_number=number)
    chosen = by_year[selection.year]
    ids = unit_ids(plan)
    years = list(by_year)
    rows_by_year = {year: progress.rows_of(number) for year, progress in by_year.items()}
    chosen_rows = rows_by_year[selection.year]
    matrix = []
    for position, row in enumerate(chosen_rows):
        matrix.append(
            MatrixRow(
                unit=row.unit,
                org_unit_id=ids.get(row.unit),
                is_city=row.is_city,
                cells=[
                    MatrixCell(
                        year=year,
                        chosen=year == selection.year,
                        figures=figure_view(rows_by_year[year][position], ids),
                    )
                    for year in years
                ],
                rank=row.rank,
                note=tidy_note(row.note),
            )
        )
    units = [row for row in chosen_rows if not row.is_city]
    labels = _series_labels()
    charts: list[dict[str, Any]] = [
        {
            "id": f"units-{number}",
            "kind": "units",
            "unit": indicator.unit_of_measure,
            "units": [row.unit for row in units],
            "actual": [
                {"value": _chart_number(row.actual), "light": LIGHT_COLOURS[STATUS_LIGHTS[row.status.value]]}
                for row in units
            ],
            "committed": [_chart_number(row.committed) for row in units],
            "stretch": [_chart_number(row.stretch) for row in units],
            "labels": labels,
        },
        {
            "id": f"trend-{number}",
            "kind": "trend",
            "unit": indicator.unit_of_measure,
            "years": [str(year) for year in years],
            "series": [
                {
                    "name": row.unit,
                    "values": [_chart_number(rows_by_year[year][position].actual) for year in years],
                }
                for position, row in enumerate(chosen_rows)
                if not row.is_city
            ],
            "labels": labels,
        },
    ]
    return IndicatorPage(
        header=header(plan, selection, chosen.period),
        number=indicator.number,
        name=indicator.name,
        unit_of_measure=indicator.unit_of_measure,
        kind_label=str(indicator.get_kind_display()),
        direction_label=str(indicator.get_direction_display()),
        goal_text=indicator.goal_text,
        years=years,
        rows=matrix,
        legend=light_legend(),
        others=[(i.number, _indicator_title(i.number, i.name)) for i in plan_indicators(plan)],
        charts=charts,
    )


# -- 3. the unit scorecard --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardRow:
    number: str
    indicator: str
    unit_of_measure: str
    figures: FigureView
    rank_text: str
    reason: str
    detail: str


@dataclass(frozen=True)
class ScoreView:
    """A unit's composite score: its rank, the score and the sum that gives it, term by term."""

    rank: int | None
    unit: str
    org_unit_id: int | None
    score: str
    explanation: str
    terms: list[TermView]


@dataclass(frozen=True)
class TermView:
    indicator: str
    weight: str
    share: str
    rate: str
    contribution: str


@dataclass(frozen=True)
class UnitPage:
    header: Header
    unit: UnitRef
    units: list[UnitRef]
    rows: list[ScorecardRow]
    score: ScoreView | None
    legend: list[LightCount]


def _rank_text(row: ProgressRow, ranked_count: int) -> str:
    if row.rank is None:
        return ""
    return _("%(rank)s / %(count)s") % {"rank": row.rank, "count": ranked_count}


def unit_page(plan: Plan, selection: Selection, org_unit_id: int) -> UnitPage:
    unit = unit_of(plan, org_unit_id)
    progress = progress_of(plan, selection)
    ids = unit_ids(plan)
    rows = []
    for number in dict.fromkeys(row.indicator_number for row in progress.rows):
        indicator_rows = progress.rows_of(number)
        row = next(r for r in indicator_rows if r.unit == unit.name)
        ranked_count = sum(1 for r in indicator_rows if r.rank is not None)
        unranked = row.rank is None and not row.is_city
        rows.append(
            ScorecardRow(
                number=number,
                indicator=row.indicator,
                unit_of_measure=row.unit_of_measure,
                figures=figure_view(row, ids),
                rank_text=_rank_text(row, ranked_count),
                reason=unranked_reason(row) if unranked else "",
                detail=note_detail(row) if unranked else tidy_note(row.note),
            )
        )
    scores = {score.unit: score for score in plan_scores(progress)}
    return UnitPage(
        header=header(plan, selection, progress.period),
        unit=unit,
        units=[
            UnitRef(r.org_unit_id, r.name, r.full_name, r.is_city, active=r.org_unit_id == unit.org_unit_id)
            for r in plan_unit_refs(plan)
        ],
        rows=rows,
        score=score_view(scores[unit.name], ids) if unit.name in scores else None,
        legend=light_legend(),
    )


# -- 4. rankings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    figures: FigureView
    reason: str
    detail: str


@dataclass(frozen=True)
class IndicatorRanking:
    number: str
    name: str
    unit_of_measure: str
    city: FigureView
    ranked: list[RankRow]
    unranked: list[RankRow]

    @property
    def title(self) -> str:
        return _indicator_title(self.number, self.name)


@dataclass(frozen=True)
class AssessmentRow:
    """A unit's assessment score on the rankings page: rank, its change, score, grade and every term."""

    rank: int | None
    change: str  # ↑2, ↓1, —, 新
    change_class: str  # up, down or ""
    unit: str
    org_unit_id: int | None
    score: str
    grade: str
    vetoed: bool
    explanation: str


@dataclass(frozen=True)
class RankingsPage:
    header: Header
    rankings: list[IndicatorRanking]
    scores: list[ScoreView]
    weights: list[tuple[str, str]]
    view: str  # "score": the assessment (default); "mean": the weighted mean of completion rates
    assessment: list[AssessmentRow]
    rules_text: str
    previous_label: str  # the period the rank changes compare with


def score_view(score: CompositeScore, ids: Mapping[str, int]) -> ScoreView:
    total_weight = sum((term.weight for term in score.terms), Decimal(0))
    return ScoreView(
        rank=score.rank,
        unit=score.unit,
        org_unit_id=ids.get(score.unit),
        score=ratio(score.score),
        # The core writes the sum out in the bulletin's words; without a score its sentence is translated here.
        explanation=(
            score.explanation()
            if score.score is not None
            else _("尚无计分的实际值，暂不参与综合排名")
            if score.has_targets
            else _("无目标，不参与综合排名")
        ),
        terms=[
            TermView(
                indicator=term.indicator,
                weight=format_decimal(term.weight),
                share=percent(term.weight / total_weight) if total_weight else "",
                rate=ratio(term.rate),
                contribution=ratio(term.contribution),
            )
            for term in score.terms
        ],
    )


def indicator_ranking(rows: Sequence[ProgressRow], ids: Mapping[str, int]) -> IndicatorRanking:
    """One indicator's ranking: ranked units best first (equal rates share a rank), then the unranked with why."""
    city = next(row for row in rows if row.is_city)
    units = [row for row in rows if not row.is_city]
    ranked = sorted((row for row in units if row.rank is not None), key=lambda row: row.rank or 0)
    return IndicatorRanking(
        number=city.indicator_number,
        name=city.indicator,
        unit_of_measure=city.unit_of_measure,
        city=figure_view(city, ids),
        ranked=[RankRow(rank=row.rank, figures=figure_view(row, ids), reason="", detail="") for row in ranked],
        unranked=[
            RankRow(
                rank=None,
                figures=figure_view(row, ids),
                reason=unranked_reason(row),
                detail=note_detail(row),
            )
            for row in units
            if row.rank is None
        ],
    )


def assessment_row(score: UnitScore, ids: Mapping[str, int]) -> AssessmentRow:
    change = score.rank_change or 0
    return AssessmentRow(
        rank=score.rank,
        change=score.rank_change_text,
        change_class="up" if change > 0 else "down" if change < 0 else "",
        unit=score.unit,
        org_unit_id=ids.get(score.unit),
        score="" if score.score is None else format_decimal(score.score),
        grade=score.grade,
        vetoed=score.vetoed,
        explanation=score.explanation(),
    )


def rankings_page(plan: Plan, selection: Selection, view: str = "score") -> RankingsPage:
    progress = progress_of(plan, selection)
    ids = unit_ids(plan)
    numbers = dict.fromkeys(row.indicator_number for row in progress.rows)
    page = RankingsPage(
        header=header(plan, selection, progress.period),
        rankings=[indicator_ranking(progress.rows_of(number), ids) for number in numbers],
        scores=[],
        weights=[],
        view="mean" if view == "mean" else "score",
        assessment=[],
        rules_text="",
        previous_label="",
    )
    # Only the composite the page shows is computed: the assessment reads the period before as well.
    if page.view == "mean":
        return replace(
            page,
            scores=[score_view(score, ids) for score in plan_scores(progress)],
            weights=[(_indicator_title(i.number, i.name), format_decimal(i.weight)) for i in plan_indicators(plan)],
        )
    assessment = plan_assessment(
        plan, year=selection.year, progress=progress, viewer=selection.viewer, include_pending=selection.include_pending
    )
    return replace(
        page,
        assessment=[assessment_row(score, ids) for score in assessment.scores],
        rules_text=assessment.rules.summary(),
        previous_label=period_label(assessment.previous) if assessment.previous else "",
    )


# -- 5. the milestone tracker -----------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneView:
    """Cumulative progress toward one milestone, with the state of the milestone at the chosen year."""

    year: int
    level: str
    level_label: str
    value: str
    phrase: str
    reached: str
    upto_year: int
    rate: str
    width: str
    state: str
    state_label: str


@dataclass(frozen=True)
class MilestoneGroup:
    number: str
    name: str
    unit_of_measure: str
    kind_label: str
    milestones: list[MilestoneView]

    @property
    def title(self) -> str:
        return _indicator_title(self.number, self.name)


@dataclass(frozen=True)
class MilestonesPage:
    header: Header
    groups: list[MilestoneGroup]
    empty: list[str]


def milestone_state(milestone: MilestoneProgress) -> tuple[str, str]:
    """Reached (green); the milestone year come and not reached (red); still under way (blue)."""
    if milestone.rate is not None and milestone.rate >= 1:
        return "met", _("已达到")
    if milestone.upto_year >= milestone.year:
        return "missed", _("到期未达到")
    return "underway", _("进行中")


def milestone_view(milestone: MilestoneProgress) -> MilestoneView:
    state, state_label = milestone_state(milestone)
    return MilestoneView(
        year=milestone.year,
        level=milestone.level,
        level_label=str(LEVEL_LABELS.get(milestone.level, milestone.level)),
        value=format_decimal(milestone.value),
        phrase=milestone.phrase,
        reached=format_decimal(milestone.reached),
        upto_year=milestone.upto_year,
        rate=percent(milestone.rate),
        width=bar_width(milestone.rate),
        state=state,
        state_label=state_label,
    )


def milestones_page(plan: Plan, selection: Selection) -> MilestonesPage:
    progress = progress_of(plan, selection)
    indicators = plan_indicators(plan)
    groups = []
    empty = []
    for indicator in indicators:
        milestones = [m for m in progress.milestones if m.indicator_number == indicator.number]
        if not milestones:
            empty.append(_indicator_title(indicator.number, indicator.name))
            continue
        groups.append(
            MilestoneGroup(
                number=indicator.number,
                name=indicator.name,
                unit_of_measure=indicator.unit_of_measure,
                kind_label=str(indicator.get_kind_display()),
                milestones=[milestone_view(m) for m in sorted(milestones, key=lambda m: (m.year, m.level))],
            )
        )
    return MilestonesPage(header=header(plan, selection, progress.period), groups=groups, empty=empty)
