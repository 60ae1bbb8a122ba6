"""The progress sheet (附件1) of a plan for a period: one section per indicator, the city first.

序号 | 县区 | 确保目标 | 力争目标 | 1—N月累计 | 完成确保% | 完成力争% | 序时进度% | 与序时差(百分点) | 同比 |
位次 | 状态. Approved figures only (plan_progress without pending ones): the sheet is what an office
sends out. Each row carries its colour flag: green at or ahead of the time-elapsed expectation,
yellow from the plan's warning points behind it, red beyond its alarm points.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from mubiao.domain.periods import Period
from mubiao.domain.progress import completion_rate
from mubiao.domain.values import Direction
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.selectors import PlanProgress, ProgressRow, plan_progress

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class SheetRow:
    unit: str
    is_city: bool
    committed: Decimal | None
    stretch: Decimal | None
    actual: Decimal | None
    rate_committed: Decimal | None  # ratios: 1.426 is 142.6 %
    rate_stretch: Decimal | None
    expected_rate: Decimal | None  # the time-elapsed expectation (序时进度) as a rate of 确保
    gap_points: Decimal | None  # 完成确保% − 序时进度%, in percentage points
    year_on_year: Decimal | None  # change on the same period last year, as a ratio
    rank: int | None
    status: str
    flag: str  # green, yellow, red or "" (slightly behind, or nothing to measure)

    @property
    def has_target(self) -> bool:
        return self.committed is not None or self.stretch is not None


@dataclass(frozen=True)
class SheetSection:
    number: str
    name: str
    unit_of_measure: str
    rows: list[SheetRow]

    @property
    def title(self) -> str:
        """3. 高新技术企业（家）: what stands over the section's table."""
        return f"{self.number}. {self.name}" + (f"（{self.unit_of_measure}）" if self.unit_of_measure else "")


@dataclass(frozen=True)
class ProgressSheet:
    plan_title: str
    area: str
    period: Period
    made_on: dt.date
    sections: list[SheetSection]
    warning_points: int
    alarm_points: int

    @property
    def title(self) -> str:
        return f"{self.plan_title}{self.period_label}完成情况表"

    @property
    def period_label(self) -> str:
        """2020年1—6月, 2020年 (a whole year) — as a bulletin names the period."""
        return self.period.year_to_date_label

    @property
    def cumulative_label(self) -> str:
        return f"1—{self.period.end_month}月累计"

    @property
    def headers(self) -> tuple[str, ...]:
        """The columns of every section, as the workbook and the bulletin's 附件1 print them."""
        return ("序号", "县区", "确保目标", "力争目标", self.cumulative_label, "完成确保%", "完成力争%", "序时进度%",
                "与序时差(百分点)", "同比", "位次", "状态")  # fmt: skip


def lag_flag(gap_points: Decimal | None, warning: int, alarm: int) -> str:
    """green at or ahead of the expectation; yellow from `warning` points behind; red beyond `alarm`."""
    if gap_points is None:
        return ""
    if gap_points >= 0:
        return "green"
    behind = -gap_points
    if behind > alarm:
        return "red"
    return "yellow" if behind >= warning else ""


def _previous_actuals(plan: Plan, period: Period) -> dict[tuple[str, str], Decimal | None]:
    """(indicator number, unit) → the approved figure of the same period a year earlier, within the plan."""
    if period.year - 1 < plan.start_year:
        return {}
    earlier = plan_progress(plan, year=period.year - 1, period=Period(period.year - 1, period.kind, period.number))
    return {(row.indicator_number, row.unit): row.actual for row in earlier.rows}


def _row(row: ProgressRow, direction: Direction, previous: Decimal | None, warning: int, alarm: int) -> SheetRow:
    expected_rate = completion_rate(row.due, row.committed, direction)
    gap = None
    if row.rate_committed is not None and expected_rate is not None:
        gap = (row.rate_committed - expected_rate) * HUNDRED
    change = None
    if row.actual is not None and previous:  # no change on nothing (a zero or a missing figure)
        change = (row.actual - previous) / abs(previous)
    return SheetRow(
        unit=row.unit,
        is_city=row.is_city,
        committed=row.committed,
        stretch=row.stretch,
        actual=row.actual,
        rate_committed=row.rate_committed,
        rate_stretch=row.rate_stretch,
        expected_rate=expected_rate,
        gap_points=gap,
        year_on_year=change,
        rank=row.rank,
        status=row.status.label,
        flag=lag_flag(gap, warning, alarm),
    )


def progress_sheet(
    plan: Plan,
    *,
    year: int,
    period: Period | str | None = None,
    today: dt.date | None = None,
    progress: PlanProgress | None = None,
) -> ProgressSheet:
    """The sheet for a period of a year (the latest reported when none is named), approved figures only.
    `progress`: the period's approved progress, when the caller has read it already."""
    if progress is None:
        progress = plan_progress(plan, year=year, period=period)
    previous = _previous_actuals(plan, progress.period)
    directions = {
        number: Direction(direction)
        for number, direction in Indicator.objects.filter(plan=plan).values_list("number", "direction")
    }
    warning, alarm = plan.lag_warning_points, plan.lag_alarm_points
    sections: list[SheetSection] = []
    for row in progress.rows:
        if not sections or sections[-1].number != row.indicator_number:
            sections.append(SheetSection(row.indicator_number, row.indicator, row.unit_of_measure, []))
        previous_figure = previous.get((row.indicator_number, row.unit))
        direction = directions[row.indicator_number]
        sections[-1].rows.append(_row(row, direction, previous_figure, warning, alarm))
    return ProgressSheet(
        plan_title=plan.title,
        area=plan.area.name,
        period=progress.period,
        made_on=today or timezone.localdate(),  # the office's date, not the server clock's zone
        sections=sections,
        warning_points=warning,
        alarm_points=alarm,
    )
