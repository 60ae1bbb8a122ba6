"""Reporting periods: a year (2019), a quarter (2019-Q3) or a month (2019-07)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from mubiao.domain.names import squash


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
