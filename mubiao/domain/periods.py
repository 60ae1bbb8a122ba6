"""Reporting periods: a year (2019), a quarter (2019-Q3) or a month (2019-07)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from mubiao.domain.names import squash
from mubiao.domain.refusals import Refusal


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A period of a year. `number` is 0 for the whole year, 1–4 for quarters, 1–12 for months."""

    year: int
    kind: PeriodKind
    number: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        value = text.strip()
        if match := _YEAR.match(value):
            return cls(int(match.group(1)), PeriodKind.YEAR)
        if match := _QUARTER.match(value):
            return cls(int(match.group(1)), PeriodKind.QUARTER, int(match.group(2)))
        if (match := _MONTH.match(value)) and 1 <= int(match.group(2)) <= 12:
            return cls(int(match.group(1)), PeriodKind.MONTH, int(match.group(2)))
        raise ValueError(f"“{text}”不是有效的期间（应为 2019、2019-Q3 或 2019-07）")

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(year, PeriodKind.YEAR)

    def __str__(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def end_month(self) -> int:
        """The last month the period covers, so periods of one year can be compared by their ends."""
        if self.kind is PeriodKind.YEAR:
            return 12
        if self.kind is PeriodKind.QUARTER:
            return self.number * 3
        return self.number

    @property
    def year_to_date_label(self) -> str:
        """2020年1—6月, or 2020年 for the year itself — as a bulletin and a progress sheet name a period."""
        if self.kind is PeriodKind.YEAR:
            return f"{self.year}年"
        return f"{self.year}年1—{self.end_month}月"

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.year}年"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}年第{self.number}季度"
        return f"{self.year}年{self.number}月"


_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_YEAR_CN = re.compile(r"^(\d{4})年度?$")
_QUARTER_CN = re.compile(r"^(\d{4})年?第?([1-4一二三四])季(?:度)?$")
_MONTH_CN = re.compile(r"^(\d{4})年(?:1[-—~－至到])?(\d{1,2})月份?$")
_MONTH_DOTTED = re.compile(r"^(\d{4})[./](\d{1,2})$")


def parse_period_loosely(text: str) -> Period:
    """A period as people write it in a report: 2019, 2019-Q3, 2019-07, or 2019年, 2019年3季度
    (第三季度), 2019年7月 and the year-to-date 2019年1-7月, 2019.07. Anything else is refused."""
    folded = squash(text)
    try:
        return Period.parse(folded)
    except ValueError:
        pass
    if match := _YEAR_CN.match(folded):
        return Period.parse(match.group(1))
    if match := _QUARTER_CN.match(folded):
        quarter = match.group(2)
        number = _CHINESE_DIGITS.get(quarter) or int(quarter)
        return Period.parse(f"{match.group(1)}-Q{number}")
    for pattern in (_MONTH_CN, _MONTH_DOTTED):
        if (match := pattern.match(folded)) and 1 <= int(match.group(2)) <= 12:
            return Period.parse(f"{match.group(1)}-{int(match.group(2)):02d}")
    raise ValueError(f"“{text}”不是有效的期间")


# -- the rules every door applies to a reported period ---------------------------------------------

#: An indicator's reporting frequency → the kind of its in-year periods.
FREQUENCY_KINDS = {"monthly": PeriodKind.MONTH, "quarterly": PeriodKind.QUARTER, "annual": PeriodKind.YEAR}


def period_outside_plan(period: Period, first_year: int, last_year: int, field: str = "period") -> Refusal | None:
    """The one check that a period lies within a plan's years: a refusal, or None when it does."""
    if first_year <= period.year <= last_year:
        return None
    return Refusal("period_outside_plan", field, {"period": str(period), "start": first_year, "end": last_year})


def period_off_frequency(period: Period, frequency: str, indicator: str, field: str = "period") -> Refusal | None:
    """A figure is reported at its indicator's frequency, or for the whole year (the year-end figure).

    A quarterly indicator takes 2019-Q1 … 2019-Q4 (year to date) or 2019; a monthly one 2019-01 …
    2019-12 or 2019; an annual one 2019 only. The whole year and the last in-year period say the same
    thing, so only one of them may exist (see year_end_twins).
    """
    kind = FREQUENCY_KINDS.get(frequency)
    if kind is None or period.kind in (kind, PeriodKind.YEAR):
        return None
    return Refusal(
        "period_wrong_frequency", field, {"indicator": indicator, "frequency": kind.value, "period": str(period)}
    )


def year_end_twins(period: Period) -> tuple[Period, ...]:
    """The other periods that end the same year at December: the year, its Q4 and its December.

    Progress reads a year's figure from the latest period of that year; two figures ending in
    December would leave it to chance which one counts, so a unit may hold only one of them.
    """
    if period.end_month != 12:
        return ()
    every = (
        Period(period.year, PeriodKind.YEAR),
        Period(period.year, PeriodKind.QUARTER, 4),
        Period(period.year, PeriodKind.MONTH, 12),
    )
    return tuple(other for other in every if other != period)


def previous_period(period: Period) -> Period:
    """The period before, of the same kind: 2020-06 → 2020-05, 2020-01 → 2019-12, 2020-Q1 → 2019-Q4, 2020 → 2019."""
    if period.kind is PeriodKind.YEAR:
        return Period.year_of(period.year - 1)
    last = 4 if period.kind is PeriodKind.QUARTER else 12
    if period.number > 1:
        return Period(period.year, period.kind, period.number - 1)
    return Period(period.year - 1, period.kind, last)
