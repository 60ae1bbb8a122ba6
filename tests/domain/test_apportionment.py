"""Apportionment: Webster's divisor method and Hamilton's largest remainders, with their textbook results."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from mubiao.domain.apportionment import Method, apportion, rounded_quotient


def test_webster_and_hamilton_part_on_the_textbook_example_of_53_24_23_in_ten_seats() -> None:
    assert apportion([53, 24, 23], 10).seats == (6, 2, 2)
    assert apportion([53, 24, 23], 10, Method.HAMILTON).seats == (5, 3, 2)


def test_webster_gives_its_divisor_so_a_reader_can_redo_every_share_by_hand() -> None:
    result = apportion([53, 24, 23], 10)
    assert result.divisor is not None
    assert [rounded_quotient(D(w), result.divisor) for w in (53, 24, 23)] == [6, 2, 2]


def test_hamilton_shows_the_alabama_paradox_and_webster_does_not() -> None:
    ten, eleven = apportion([6, 6, 2], 10, Method.HAMILTON), apportion([6, 6, 2], 11, Method.HAMILTON)
    assert (ten.seats[2], eleven.seats[2]) == (2, 1)  # the house grows and C loses an item
    assert all(a <= b for a, b in zip(apportion([6, 6, 2], 10).seats, apportion([6, 6, 2], 11).seats, strict=True))


def test_equal_claims_at_the_cut_are_decided_by_the_order_and_reported_as_ties() -> None:
    result = apportion([1, 1, 1], 2)
    assert result.seats == (1, 1, 0) and result.ties == frozenset({0, 1, 2})


def test_no_weights_at_all_share_as_equally_as_the_order_allows() -> None:
    assert apportion([0, 0, 0], 5).seats == (2, 2, 1)


weights = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30)


@given(weights, st.integers(min_value=0, max_value=500))
def test_every_method_gives_out_exactly_the_house(values: list[int], house: int) -> None:
    for method in Method:
        assert sum(apportion(values, house, method).seats) == house


@given(weights, st.integers(min_value=0, max_value=300))
def test_webster_never_takes_an_item_from_a_unit_when_the_house_grows(values: list[int], house: int) -> None:
    smaller, larger = apportion(values, house).seats, apportion(values, house + 1).seats
    assert all(a <= b for a, b in zip(smaller, larger, strict=True))


@given(weights, st.integers(min_value=0, max_value=300))
def test_hamilton_stays_within_one_of_each_quota(values: list[int], house: int) -> None:
    result = apportion(values, house, Method.HAMILTON)
    assert all(abs(Fraction(seat) - quota) < 1 for seat, quota in zip(result.seats, result.quotas, strict=True))
