"""Reporting deadlines: which periods an indicator is reported for, and when each figure is due.

A period is reported once it has ended: from the day after its last day it is *due*, until its
deadline — the indicator's deadline day of the month after the period ends (the 5th, say) — and
*overdue* from the day after that. Before its end a period is *upcoming*: nothing is asked yet.

Plain dates in, plain values out; no Django.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mubiao.domain.periods import Period, PeriodKind


class Frequency(StrEnum):
    """How often an indicator is reported (Indicator.reporting_frequency)."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class PeriodState(StrEnum):
    UPCOMING = "upcoming"  # not ended yet: nothing is asked
    DUE = "due"  # ended, deadline not passed
    OVERDUE = "overdue"  # deadline passed


_KIND_OF = {
    Frequency.MONTHLY: PeriodKind.MONTH,
    Frequency.QUARTERLY: PeriodKind.QUARTER,
    Frequency.ANNUAL: PeriodKind.YEAR,
}


def periods_of(frequency: Frequency | str, year: int) -> list[Period]:
    """The periods of one year an indicator of that frequency is reported for, in order."""
    kind = _KIND_OF[Frequency(frequency)]
    if kind is PeriodKind.YEAR:
        return [Period.year_of(year)]
    count = 4 if kind is PeriodKind.QUARTER else 12
    return [Period(year, kind, number) for number in range(1, count + 1)]


def period_start(period: Period) -> date:
    first_month = {PeriodKind.YEAR: 1, PeriodKind.QUARTER: period.number * 3 - 2, PeriodKind.MONTH: period.number}
    return date(period.year, first_month[period.kind], 1)


def period_end(period: Period) -> date:
    """The period's last day."""
    month = period.end_month
    return date(period.year, month, calendar.monthrange(period.year, month)[1])


def deadline_of(period: Period, deadline_day: int) -> date:
    """The last day to report the period: the deadline day of the month after the period ends."""
    if not 1 <= deadline_day <= 28:
        raise ValueError(f"截止日应为1—28日，而不是{deadline_day}日")
    end = period_end(period)
    year, month = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
    return date(year, month, deadline_day)


def period_state(period: Period, deadline_day: int, today: date) -> PeriodState:
    if today <= period_end(period):
        return PeriodState.UPCOMING
    if today <= deadline_of(period, deadline_day):
        return PeriodState.DUE
    return PeriodState.OVERDUE


@dataclass(frozen=True)
class OpenPeriod:
    """A period that has ended by a date, with its deadline and where it stands."""

    period: Period
    deadline: date
    state: PeriodState


def open_periods(frequency: Frequency | str, years: Iterable[int], deadline_day: int, today: date) -> list[OpenPeriod]:
    """The periods of those years that have ended by `today` (due or overdue), in order."""
    found = []
    for year in years:
        for period in periods_of(frequency, year):
            state = period_state(period, deadline_day, today)
            if state is not PeriodState.UPCOMING:
                found.append(OpenPeriod(period, deadline_of(period, deadline_day), state))
    return found
