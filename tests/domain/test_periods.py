import pytest

from mubiao.domain.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("text", "kind", "number", "canonical"),
    [
        ("2019", PeriodKind.YEAR, 0, "2019"),
        ("2019-Q3", PeriodKind.QUARTER, 3, "2019-Q3"),
        ("2019q1", PeriodKind.QUARTER, 1, "2019-Q1"),
        ("2019-7", PeriodKind.MONTH, 7, "2019-07"),
    ],
)
def test_it_reads_years_quarters_and_months(text: str, kind: PeriodKind, number: int, canonical: str) -> None:
    period = Period.parse(text)

    assert (period.year, period.kind, period.number, str(period)) == (2019, kind, number, canonical)


@pytest.mark.parametrize("text", ["2019-13", "2019-Q5", "19", "next year"])
def test_it_refuses_what_is_not_a_period(text: str) -> None:
    with pytest.raises(ValueError, match="不是有效的期间"):
        Period.parse(text)


def test_periods_of_a_year_end_in_the_right_month() -> None:
    assert [Period.parse(t).end_month for t in ("2019-02", "2019-Q2", "2019")] == [2, 6, 12]
