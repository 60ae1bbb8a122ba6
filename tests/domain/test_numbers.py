from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mubiao.domain.numbers import NumberFormatError, format_decimal, parse_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [("310", Decimal(310)), ("１２", Decimal(12)), (" 1,234.5 ", Decimal("1234.5")), ("0.25", Decimal("0.25"))],
)
def test_it_reads_numbers_as_people_write_them(text: str, expected: Decimal) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "-", "—", "/", None])
def test_blank_markers_read_as_no_value_not_zero(text: str | None) -> None:
    assert parse_decimal(text) is None


@pytest.mark.parametrize(
    ("text", "reason"), [("1.2万", "数量单位"), ("15%", "百分数"), ("十二", "不是数值"), ("12家", "不是数值")]
)
def test_it_refuses_what_is_not_plainly_a_number_and_says_why(text: str, reason: str) -> None:
    with pytest.raises(NumberFormatError, match=reason):
        parse_decimal(text)


def test_it_shows_decimals_without_trailing_zeros_and_blank_as_blank() -> None:
    assert format_decimal(Decimal("310.0000")) == "310"
    assert format_decimal(Decimal("1.5000")) == "1.5"
    assert format_decimal(None) == ""


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False))
def test_a_shown_value_reads_back_as_the_same_value(value: Decimal) -> None:
    assert parse_decimal(format_decimal(value)) == value


def test_a_figure_longer_than_the_decimal_contexts_precision_is_shown_as_typed_and_refused_for_storage() -> None:
    from mubiao.domain.numbers import storage_refusal

    huge = Decimal("99999999999999999999999999999")

    assert format_decimal(huge) == "99999999999999999999999999999"
    refusal = storage_refusal(huge)
    assert refusal is not None and refusal.code == "value_too_many_digits"
    assert storage_refusal(Decimal("9999999999999999.1200")) is None
    assert storage_refusal(Decimal("1.000010")) is not None
