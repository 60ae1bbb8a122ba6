"""The dashboard's presenters on their own: numbers as the pages print them, statuses, the year and period asked for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mubiao.domain.periods import Period
from mubiao.domain.progress import Status
from mubiao.plans.models import Plan
from mubiao.web.dashboard import (
    DashboardQueryError,
    bar_width,
    chosen_selection,
    percent,
    period_label,
    ratio,
    status_view,
    tidy_note,
)


def test_a_rate_is_printed_as_a_percentage_with_one_decimal_rounded_half_up():
    assert percent(Decimal(442) / Decimal(310)) == "142.6%"
    assert percent(Decimal("0.9605")) == "96.1%"
    assert percent(None) == ""


def test_a_rate_or_score_is_printed_with_three_decimals_as_in_a_bulletin():
    assert ratio(Decimal(442) / Decimal(310)) == "1.426"
    assert ratio(Decimal("1.35")) == "1.350"
    assert ratio(None) == ""


def test_a_progress_bar_is_never_wider_than_its_track_nor_negative():
    assert bar_width(Decimal(442) / Decimal(460)) == "96.1"
    assert bar_width(Decimal("1.304")) == "100"
    assert bar_width(Decimal("-0.2")) == "0"
    assert bar_width(None) == "0"


def test_a_note_prints_its_stored_decimals_as_plain_numbers():
    assert tidy_note("未设确保目标；合计缺口隐含4.0000") == "未设确保目标；合计缺口隐含4"
    assert tidy_note("隐含1.2500") == "隐含1.25"
    assert tidy_note("") == ""


def test_a_status_carries_its_label_and_traffic_light():
    view = status_view(Status.BELOW_COMMITTED)
    assert (view.code, view.label, view.light) == ("below_committed", "未完成", "red")
    assert status_view(Status.BEHIND_SCHEDULE).light == "yellow"
    assert status_view(Status.NO_TARGET).label == "无目标"


def test_a_figure_nobody_has_reported_yet_has_a_hollow_light_rather_than_a_red_one():
    view = status_view(Status.NOT_REPORTED)
    assert (view.code, view.label, view.light) == ("not_reported", "尚未填报", "none")


def test_periods_are_named_in_chinese():
    assert period_label(Period.parse("2018")) == "2018年"
    assert period_label(Period.parse("2018-Q3")) == "2018年第3季度"
    assert period_label(Period.parse("2018-07")) == "2018年7月"


@pytest.mark.django_db
def test_the_selection_takes_its_year_from_the_period_when_only_a_period_is_given(seed_plan: Plan):
    selection = chosen_selection(seed_plan, {"period": "2019-Q3"})

    assert (selection.year, selection.period) == (2019, Period.parse("2019-Q3"))
    assert selection.query == "?year=2019&period=2019-Q3"


@pytest.mark.django_db
def test_the_selection_defaults_to_the_latest_year_with_actual_values(seed_plan: Plan):
    selection = chosen_selection(seed_plan, {"year": " ", "period": ""})

    assert (selection.year, selection.period, selection.query) == (2018, None, "?year=2018")


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["abc", "-1", "2018.0", "1e3", "２０１８"])
def test_a_year_that_is_not_four_plain_digits_is_refused(seed_plan: Plan, year: str):
    with pytest.raises(DashboardQueryError, match="不是年份"):
        chosen_selection(seed_plan, {"year": year})
