import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mubiao.domain.periods import Period
from mubiao.domain.progress import (
    Schedule,
    Status,
    city_status,
    city_total,
    completion_rate,
    composite_scores,
    cumulative_actual,
    expected_by,
    progress_status,
    rank_by_rate,
    year_to_date,
)
from mubiao.domain.values import Direction, IndicatorKind

D = Decimal
HIGHER, LOWER = Direction.HIGHER, Direction.LOWER
YEAR_2018, MID_2019 = Period.parse("2018"), Period.parse("2019-06")


def test_the_rate_is_actual_over_target() -> None:
    assert completion_rate(D(442), D(310), HIGHER) == D(442) / D(310)
    assert round(completion_rate(D(442), D(310), HIGHER), 3) == D("1.426")


@pytest.mark.parametrize("target", [None, D(0)])
def test_a_missing_or_zero_target_is_no_target_not_a_division_error(target) -> None:
    assert completion_rate(D(3), target, HIGHER) is None
    assert (
        progress_status(actual=D(3), committed=target, stretch=None, period=YEAR_2018, direction=HIGHER)
        is Status.NO_TARGET
    )


def test_for_lower_is_better_the_rate_is_target_over_actual() -> None:
    assert completion_rate(D("0.4"), D("0.5"), LOWER) == D("1.25")
    assert completion_rate(D(0), D("0.5"), LOWER) is None


def test_a_closed_year_is_judged_against_committed_and_stretch() -> None:
    def status(actual: int, stretch: int | None = 500) -> Status:
        return progress_status(
            actual=D(actual),
            committed=D(460),
            stretch=None if stretch is None else D(stretch),
            period=YEAR_2018,
            direction=HIGHER,
        )

    assert status(510) is Status.ABOVE_STRETCH
    assert status(470) is Status.ABOVE_COMMITTED
    assert status(470, stretch=None) is Status.ABOVE_COMMITTED
    assert status(450) is Status.BELOW_COMMITTED


def test_in_year_a_figure_below_committed_is_judged_against_the_calendar() -> None:
    expected = expected_by(target=D(120), period=MID_2019, kind=IndicatorKind.FLOW)

    assert expected == D(60)
    assert (
        progress_status(
            actual=D(61), committed=D(120), stretch=D(130), period=MID_2019, direction=HIGHER, expected=expected
        )
        is Status.ON_SCHEDULE
    )
    assert (
        progress_status(
            actual=D(59), committed=D(120), stretch=D(130), period=MID_2019, direction=HIGHER, expected=expected
        )
        is Status.BEHIND_SCHEDULE
    )


def test_a_stock_is_expected_to_move_from_last_years_level_toward_its_target() -> None:
    expected = expected_by(
        target=D(480), period=Period.parse("2019-Q3"), kind=IndicatorKind.STOCK, last_year_actual=D(440)
    )

    assert expected == D(470)


def test_a_step_schedule_expects_nothing_before_its_first_step() -> None:
    batches = Schedule.from_steps([[6, "0.3"], [12, "1"]])

    assert [batches.share(month) for month in (5, 6, 11, 12)] == [D(0), D("0.3"), D("0.3"), D(1)]
    assert expected_by(target=D(100), period=Period.parse("2019-Q2"), kind=IndicatorKind.FLOW, schedule=batches) == D(
        30
    )


@pytest.mark.parametrize("steps", [[[6, "0.5"], [3, "0.8"]], [[6, "0.8"], [9, "0.5"]], [[13, "1"]], [[6, "1.5"]]])
def test_a_schedule_that_goes_backwards_or_out_of_range_is_refused(steps) -> None:
    with pytest.raises(ValueError, match="进度阶梯"):
        Schedule.from_steps(steps)


def test_the_figure_of_a_period_is_the_latest_reported_by_then_the_annual_one_preferred() -> None:
    values = {
        Period.parse("2019-03"): D(5),
        Period.parse("2019-Q2"): D(9),
        Period.parse("2019"): D(20),
        Period.parse("2019-12"): D(19),
    }

    assert year_to_date(IndicatorKind.FLOW, values, Period.parse("2019-05")) == D(5)
    assert year_to_date(IndicatorKind.FLOW, values, Period.parse("2019-06")) == D(9)
    assert year_to_date(IndicatorKind.FLOW, values, Period.parse("2019")) == D(20)
    assert year_to_date(IndicatorKind.FLOW, values, Period.parse("2018")) is None


def test_cumulative_progress_adds_a_flows_years_and_takes_a_stocks_latest_level() -> None:
    year_end = {2018: D(60), 2019: D(70), 2020: D(81)}

    assert cumulative_actual(IndicatorKind.FLOW, year_end, 2018, 2020) == D(211)
    assert cumulative_actual(IndicatorKind.STOCK, year_end, 2018, 2019) == D(70)
    assert cumulative_actual(IndicatorKind.FLOW, {}, 2018, 2020) is None


def test_equal_rates_share_a_rank_and_units_without_a_target_are_unranked() -> None:
    ranked = rank_by_rate({"甲": D("1.2"), "乙": D("2.2"), "丙": D("1.2"), "丁": None, "戊": D("0.9")})

    assert [(r.unit, r.rank) for r in ranked] == [("乙", 1), ("甲", 2), ("丙", 2), ("戊", 4), ("丁", None)]


@given(
    st.dictionaries(st.sampled_from("甲乙丙丁戊己庚辛"), st.one_of(st.none(), st.decimals(0, 5, places=2)), min_size=1)
)
def test_ranks_follow_the_rates_and_tie_exactly_when_rates_are_equal(rates) -> None:
    ranked = [r for r in rank_by_rate(rates) if r.rank is not None]

    assert len(ranked) == sum(1 for rate in rates.values() if rate is not None)
    for better, worse in itertools.pairwise(ranked):
        assert better.rate >= worse.rate
        assert (better.rank == worse.rank) == (better.rate == worse.rate)
    for r in ranked:
        assert r.rank == 1 + sum(1 for other in ranked if other.rate > r.rate)


def test_the_composite_score_is_the_weighted_mean_of_the_rates_it_can_count_and_says_so() -> None:
    scores = composite_scores(
        {"甲": {"专利": D("1.2"), "企业": D("0.9")}, "乙": {"专利": D("1.0"), "企业": None}, "丙": {"专利": None}},
        {"专利": D(3), "企业": D(1)},
    )

    assert [(s.unit, s.score, s.rank) for s in scores] == [("甲", D("1.125"), 1), ("乙", D(1), 2), ("丙", None, None)]
    assert scores[0].explanation() == "专利 0.75×1.2 + 企业 0.25×0.9 = 1.125"
    assert scores[2].explanation() == "无目标，不参与综合排名"


@given(st.lists(st.decimals(0, 3, places=3), min_size=1, max_size=6))
def test_with_equal_weights_the_composite_score_lies_between_the_lowest_and_highest_rate(rates) -> None:
    (score,) = composite_scores({"甲": {f"指标{i}": rate for i, rate in enumerate(rates)}}, {})

    slack = D("1e-20")  # the weighted terms are divided before they are added
    assert min(rates) - slack <= score.score <= max(rates) + slack


@pytest.mark.parametrize("period", [YEAR_2018, MID_2019])
def test_a_figure_nobody_reported_is_not_reported_rather_than_below_target(period) -> None:
    status = progress_status(actual=None, committed=D(10), stretch=None, period=period, direction=HIGHER)

    assert (status, status.label) == (Status.NOT_REPORTED, "尚未填报")


targets = st.decimals(min_value=1, max_value=10_000, places=2)
figures = st.decimals(min_value=0, max_value=20_000, places=2)


@given(actual=figures, committed=targets, extra=st.decimals(min_value=0, max_value=5_000, places=2))
def test_a_closed_year_is_done_exactly_when_the_rate_against_committed_reaches_one(actual, committed, extra) -> None:
    stretch = committed + extra
    status = progress_status(actual=actual, committed=committed, stretch=stretch, period=YEAR_2018, direction=HIGHER)
    rate = completion_rate(actual, committed, HIGHER)

    assert (rate >= 1) == (status in {Status.ABOVE_COMMITTED, Status.ABOVE_STRETCH})
    assert (status is Status.ABOVE_STRETCH) == (actual >= stretch)
    assert status is not Status.BEHIND_SCHEDULE


@given(actual=figures, committed=targets, month=st.integers(min_value=1, max_value=11))
def test_in_year_more_actual_never_means_a_worse_status(actual, committed, month) -> None:
    period = Period.parse(f"2019-{month:02d}")
    expected = expected_by(target=committed, period=period, kind=IndicatorKind.FLOW)
    order = [Status.BEHIND_SCHEDULE, Status.ON_SCHEDULE, Status.ABOVE_COMMITTED, Status.ABOVE_STRETCH]

    def status(value: Decimal) -> Status:
        return progress_status(
            actual=value, committed=committed, stretch=committed * 2, period=period, direction=HIGHER, expected=expected
        )

    assert order.index(status(actual)) <= order.index(status(actual + 1))
    assert abs(expected - committed * month / 12) < D("1e-20")  # linear: month/12 of the target


# -- the city's own row (汇总) ---------------------------------------------------------------------


def test_the_city_total_sums_the_units_that_reported_and_counts_them_against_those_with_a_target() -> None:
    total = city_total({"柳东": D("3"), "鱼峰": None, "三江": D("2")}, has_target={"柳东", "鱼峰"})

    assert (total.summed, total.reported, total.expected, total.complete) == (D("5"), 2, 3, False)


def test_a_city_total_with_no_unit_reported_is_blank_not_zero() -> None:
    total = city_total({"柳东": None, "鱼峰": None}, has_target={"柳东", "鱼峰"})

    assert (total.summed, total.reported, total.expected) == (None, 0, 2)


def test_the_citys_own_figure_differing_from_a_complete_sum_is_a_mismatch_of_own_minus_sum() -> None:
    total = city_total({"柳东": D("3"), "鱼峰": D("4")}, has_target={"柳东", "鱼峰"}, own=D("9"))

    assert (total.summed, total.own, total.mismatch) == (D("7"), D("9"), D("2"))


def test_the_citys_own_figure_is_not_compared_with_a_sum_still_waiting_for_units() -> None:
    total = city_total({"柳东": D("3"), "鱼峰": None}, has_target={"柳东", "鱼峰"}, own=D("9"))

    assert (total.summed, total.own, total.mismatch) == (D("3"), D("9"), None)


def test_an_own_figure_equal_to_the_complete_sum_is_no_mismatch() -> None:
    total = city_total({"柳东": D("3"), "鱼峰": D("4")}, has_target=set(), own=D("7"))

    assert (total.complete, total.mismatch) == (True, None)


def test_a_city_sum_still_waiting_for_units_is_partial_rather_than_behind() -> None:
    waiting = city_total({"柳东": D("3"), "鱼峰": None}, has_target={"柳东", "鱼峰"})

    assert city_status(Status.BEHIND_SCHEDULE, waiting, Direction.HIGHER) is Status.PARTIAL
    assert city_status(Status.BELOW_COMMITTED, waiting, Direction.HIGHER) is Status.PARTIAL


def test_a_city_sum_that_already_reached_its_target_keeps_that_status_while_units_are_missing() -> None:
    waiting = city_total({"柳东": D("30"), "鱼峰": None}, has_target={"柳东", "鱼峰"})

    assert city_status(Status.ABOVE_COMMITTED, waiting, Direction.HIGHER) is Status.ABOVE_COMMITTED
    assert city_status(Status.ABOVE_COMMITTED, waiting, Direction.LOWER) is Status.PARTIAL


def test_a_complete_city_sum_keeps_its_status() -> None:
    complete = city_total({"柳东": D("3")}, has_target={"柳东"})

    assert city_status(Status.BEHIND_SCHEDULE, complete, Direction.HIGHER) is Status.BEHIND_SCHEDULE
