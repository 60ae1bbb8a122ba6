"""Reporting periods: a year (2019), a quarter (2019-Q3) or a month (2019-07)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


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
