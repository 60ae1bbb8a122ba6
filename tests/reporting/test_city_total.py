"""The city's own row where its units add up: their sum (汇总), how many have reported, its own figure beside it."""

from decimal import Decimal

import pytest

from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, Target
from mubiao.reporting.selectors import ProgressRow, plan_progress
from tests.figures import approved_actual

pytestmark = pytest.mark.django_db


def city_row(plan: Plan, year: int, number: str, period: str | None = None) -> ProgressRow:
    progress = plan_progress(plan, year=year, period=period, indicator_number=number)
    return next(row for row in progress.rows if row.is_city)


def units_with_a_target(plan: Plan, number: str, year: int) -> list[OrgUnit]:
    ids = (
        Target.objects.filter(indicator__plan=plan, indicator__number=number, year=year, value__isnull=False)
        .exclude(org_unit_id=plan.area_id)
        .values_list("org_unit_id", flat=True)
        .distinct()
    )
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("pk"))


def test_the_seeds_2018_enterprises_for_the_city_are_the_sum_of_its_twelve_units_beside_its_own_442(seed_plan) -> None:
    row = city_row(seed_plan, 2018, "3")

    assert (row.summed, row.actual, row.own, row.units_reported, row.units_expected) == (
        True,
        Decimal(442),
        Decimal(442),
        12,
        12,
    )
    assert (row.mismatch, row.note) == (None, "")


def test_a_city_figure_that_differs_from_the_complete_sum_of_its_units_is_shown_as_a_mismatch(seed_plan, actor) -> None:
    platforms = seed_plan.indicators.get(number="1")
    units = units_with_a_target(seed_plan, "1", 2019)
    for unit in units:
        approved_actual(indicator=platforms, org_unit=unit, period="2019", value=1, actor=actor)
    approved_actual(indicator=platforms, org_unit=seed_plan.area, period="2019", value=len(units) + 2, actor=actor)

    row = city_row(seed_plan, 2019, "1")

    assert (row.actual, row.own, row.mismatch) == (Decimal(len(units)), Decimal(len(units) + 2), Decimal(2))
    assert (row.units_reported, row.units_expected) == (len(units), len(units))
    assert row.note == f"市报数{len(units) + 2}与各单位汇总{len(units)}不符（相差2）"


def test_a_partial_sum_counts_who_has_reported_and_is_not_compared_with_the_citys_own_figure(seed_plan, actor) -> None:
    platforms = seed_plan.indicators.get(number="1")
    first, *others = units_with_a_target(seed_plan, "1", 2019)
    approved_actual(indicator=platforms, org_unit=first, period="2019", value=3, actor=actor)
    approved_actual(indicator=platforms, org_unit=seed_plan.area, period="2019", value=40, actor=actor)

    row = city_row(seed_plan, 2019, "1")

    assert (row.actual, row.own, row.units_reported, row.units_expected) == (
        Decimal(3),
        Decimal(40),
        1,
        1 + len(others),
    )
    assert (row.mismatch, row.note) == (None, "")


def test_the_city_is_judged_on_the_sum_not_on_a_figure_of_its_own(seed_plan, actor) -> None:
    platforms = seed_plan.indicators.get(number="1")
    for unit in units_with_a_target(seed_plan, "1", 2019):
        approved_actual(indicator=platforms, org_unit=unit, period="2019", value=0, actor=actor)
    approved_actual(indicator=platforms, org_unit=seed_plan.area, period="2019", value=100, actor=actor)

    row = city_row(seed_plan, 2019, "1")

    assert (row.actual, row.status.value) == (Decimal(0), "below_committed")


def test_a_unit_that_reported_only_an_earlier_month_is_not_added_to_the_period_sum(seed_plan, actor) -> None:
    transfers = seed_plan.indicators.get(number="4")  # monthly in these tests
    liudong, yufeng = (OrgUnit.objects.get(short_name=name) for name in ("柳东", "鱼峰"))
    approved_actual(indicator=transfers, org_unit=liudong, period="2019-03", value=2, actor=actor)
    approved_actual(indicator=transfers, org_unit=liudong, period="2019-06", value=5, actor=actor)
    approved_actual(indicator=transfers, org_unit=yufeng, period="2019-03", value=4, actor=actor)

    row = city_row(seed_plan, 2019, "4", "2019-06")

    assert (row.actual, row.units_reported) == (Decimal(5), 1)


def test_a_rate_indicator_keeps_the_citys_own_figure_for_rates_do_not_add_up(seed_plan, actor) -> None:
    platforms = seed_plan.indicators.get(number="1")
    Indicator.objects.filter(pk=platforms.pk).update(unit_of_measure="%")
    approved_actual(
        indicator=platforms, org_unit=OrgUnit.objects.get(short_name="柳东"), period="2019", value=3, actor=actor
    )
    approved_actual(indicator=platforms, org_unit=seed_plan.area, period="2019", value=2, actor=actor)

    row = city_row(seed_plan, 2019, "1")

    assert (row.summed, row.actual, row.units_reported) == (False, Decimal(2), None)


def test_a_milestone_of_units_that_add_up_counts_their_sum_not_the_citys_own_figure(seed_plan, actor) -> None:
    platforms = seed_plan.indicators.get(number="1")
    liudong, yufeng = (OrgUnit.objects.get(short_name=name) for name in ("柳东", "鱼峰"))
    approved_actual(indicator=platforms, org_unit=liudong, period="2018", value=2, actor=actor)
    approved_actual(indicator=platforms, org_unit=yufeng, period="2018", value=1, actor=actor)
    approved_actual(indicator=platforms, org_unit=seed_plan.area, period="2018", value=10, actor=actor)
    approved_actual(indicator=platforms, org_unit=liudong, period="2019", value=4, actor=actor)

    progress = plan_progress(seed_plan, year=2019, indicator_number="1")
    milestone = next(m for m in progress.milestones if (m.year, m.level) == (2020, "committed"))

    assert (milestone.reached, milestone.upto_year) == (Decimal(7), 2019)


def test_a_milestone_counts_the_last_figure_of_every_earlier_year_not_only_last_years(seed_plan, actor) -> None:
    platforms = seed_plan.indicators.get(number="1")
    liudong = OrgUnit.objects.get(short_name="柳东")
    for period, value in (("2018", 2), ("2019", 4), ("2020", 5)):
        approved_actual(indicator=platforms, org_unit=liudong, period=period, value=value, actor=actor)

    progress = plan_progress(seed_plan, year=2020, indicator_number="1")
    milestone = next(m for m in progress.milestones if (m.year, m.level) == (2020, "committed"))

    assert (milestone.reached, milestone.upto_year) == (Decimal(11), 2020)  # 2018 + 2019 + 2020: a flow


def test_a_city_figure_below_its_units_sum_says_by_how_much_without_a_minus_sign(seed_plan, actor) -> None:
    platforms = seed_plan.indicators.get(number="1")
    units = units_with_a_target(seed_plan, "1", 2019)
    for unit in units:
        approved_actual(indicator=platforms, org_unit=unit, period="2019", value=2, actor=actor)
    approved_actual(indicator=platforms, org_unit=seed_plan.area, period="2019", value=1, actor=actor)

    row = city_row(seed_plan, 2019, "1")

    assert row.mismatch == Decimal(1 - 2 * len(units))
    assert row.note == f"市报数1与各单位汇总{2 * len(units)}不符（相差{2 * len(units) - 1}）"
