"""Deadlines are pure: a period is due the day after it ends until the deadline day of the next month."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mubiao.domain.deadlines import (
    PeriodState,
    deadline_of,
    open_periods,
    period_end,
    period_start,
    period_state,
    periods_of,
)
from mubiao.domain.periods import Period


def test_a_month_is_due_on_the_fifth_of_the_next_month() -> None:
    assert deadline_of(Period.parse("2019-07"), 5) == date(2019, 8, 5)


def test_a_third_quarter_is_due_on_the_fifth_of_october() -> None:
    assert deadline_of(Period.parse("2019-Q3"), 5) == date(2019, 10, 5)


def test_a_year_is_due_in_january_of_the_next_year() -> None:
    assert deadline_of(Period.parse("2019"), 5) == date(2020, 1, 5)
    assert deadline_of(Period.parse("2019-12"), 10) == date(2020, 1, 10)


def test_a_period_is_upcoming_until_it_ends_due_until_its_deadline_and_overdue_the_day_after() -> None:
    july = Period.parse("2019-07")
    assert period_state(july, 5, date(2019, 7, 31)) is PeriodState.UPCOMING
    assert period_state(july, 5, date(2019, 8, 1)) is PeriodState.DUE
    assert period_state(july, 5, date(2019, 8, 5)) is PeriodState.DUE
    assert period_state(july, 5, date(2019, 8, 6)) is PeriodState.OVERDUE
    assert period_state(Period.parse("2019-Q3"), 5, date(2019, 10, 6)) is PeriodState.OVERDUE
    assert period_state(Period.parse("2019"), 5, date(2020, 1, 6)) is PeriodState.OVERDUE


def test_the_periods_of_a_year_follow_the_frequency() -> None:
    assert [str(p) for p in periods_of("quarterly", 2019)] == ["2019-Q1", "2019-Q2", "2019-Q3", "2019-Q4"]
    assert [str(p) for p in periods_of("annual", 2019)] == ["2019"]
    assert len(periods_of("monthly", 2019)) == 12
    assert str(periods_of("monthly", 2019)[1]) == "2019-02"


def test_the_open_periods_at_a_date_are_those_that_have_ended() -> None:
    found = open_periods("quarterly", range(2018, 2020), 5, date(2019, 4, 3))
    assert [(str(o.period), o.state.value, o.deadline) for o in found] == [
        ("2018-Q1", "overdue", date(2018, 4, 5)),
        ("2018-Q2", "overdue", date(2018, 7, 5)),
        ("2018-Q3", "overdue", date(2018, 10, 5)),
        ("2018-Q4", "overdue", date(2019, 1, 5)),
        ("2019-Q1", "due", date(2019, 4, 5)),
    ]


def test_february_of_a_leap_year_ends_on_the_29th() -> None:
    assert period_end(Period.parse("2020-02")) == date(2020, 2, 29)
    assert period_start(Period.parse("2020-Q2")) == date(2020, 4, 1)


periods = st.one_of(
    st.builds(Period.year_of, st.integers(2000, 2100)),
    st.builds(lambda y, q: Period.parse(f"{y}-Q{q}"), st.integers(2000, 2100), st.integers(1, 4)),
    st.builds(lambda y, m: Period.parse(f"{y}-{m:02d}"), st.integers(2000, 2100), st.integers(1, 12)),
)


@given(periods, st.integers(1, 28))
def test_a_periods_deadline_is_always_after_its_end_and_within_the_next_month(period: Period, day: int) -> None:
    end = period_end(period)
    deadline = deadline_of(period, day)
    assert period_start(period) <= end < deadline
    assert deadline - end <= timedelta(days=28)
    assert period_state(period, day, deadline) is PeriodState.DUE
    assert period_state(period, day, deadline + timedelta(days=1)) is PeriodState.OVERDUE
