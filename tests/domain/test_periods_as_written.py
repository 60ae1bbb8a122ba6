"""Periods as reports write them: the one period parser every door uses."""

import pytest

from mubiao.domain.periods import parse_period_loosely


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2019", "2019"),
        ("2019年", "2019"),
        ("2019年度", "2019"),
        ("2019-Q3", "2019-Q3"),
        ("2019q3", "2019-Q3"),
        ("2019年3季度", "2019-Q3"),
        ("2019年第三季度", "2019-Q3"),
        ("2019-07", "2019-07"),
        ("2019-7", "2019-07"),
        ("2019年7月", "2019-07"),
        ("2019年1-7月", "2019-07"),
        ("2019年1—12月", "2019-12"),
        ("2019.07", "2019-07"),
        ("２０１９年　７月", "2019-07"),
    ],
)
def test_periods_are_read_as_reports_write_them(text: str, period: str) -> None:
    assert str(parse_period_loosely(text)) == period


@pytest.mark.parametrize("text", ["2019-13", "2019年13月", "2019年5季度", "201907", "19年", "上半年", "20193"])
def test_anything_else_is_not_a_period(text: str) -> None:
    with pytest.raises(ValueError, match="不是有效的期间"):
        parse_period_loosely(text)
