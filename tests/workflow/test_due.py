"""What a reporter owes, what a reviewer has to review, and reminders per unit."""

from datetime import date

import pytest

from mubiao.orgunits.models import OrgUnit
from mubiao.reporting.due import due_items, reminders, review_queue
from mubiao.reporting.workflow import actual_enter, actual_return, actual_submit

from .conftest import web

pytestmark = pytest.mark.django_db


@pytest.fixture
def liunan_work(people, seed_plan, liunan):
    """柳南 in spring 2019: 国家级创新平台 Q1 drafted, 人才 Q1 submitted, 成果转化 2018-Q4 returned."""
    reporter = web(people.reporter)
    indicators = {i.number: i for i in seed_plan.indicators.all()}
    actual_enter(actor=reporter, indicator=indicators["1"], org_unit=liunan, period="2019-Q1", value="1")
    talent = actual_enter(actor=reporter, indicator=indicators["2"], org_unit=liunan, period="2019-Q1", value="2")
    actual_submit(actor=reporter, actual=talent, expected_version=1)
    results = actual_enter(actor=reporter, indicator=indicators["4"], org_unit=liunan, period="2018-Q4", value="3")
    results = actual_submit(actor=reporter, actual=results, expected_version=1)
    actual_return(actor=web(people.reviewer), actual=results, reason="缺少合同", expected_version=2)


def states(items, period=None):
    return {(i.indicator_number, i.period): i.state for i in items if period is None or i.period == period}


def test_a_reporters_due_list_before_the_deadline(people, seed_plan, liunan_work) -> None:
    items = due_items(user=people.reporter, plan=seed_plan, today=date(2019, 4, 3))

    assert {i.unit for i in items} == {"柳南"}
    assert states(items, "2019-Q1") == {
        ("1", "2019-Q1"): "draft",
        ("2", "2019-Q1"): "submitted",
        ("3", "2019-Q1"): "due",
        ("4", "2019-Q1"): "due",
    }
    # 2018: every quarter overdue, except 高新技术企业 (its 2018 figure is approved) and the returned one.
    assert states(items, "2018-Q4") == {
        ("1", "2018-Q4"): "overdue",
        ("2", "2018-Q4"): "overdue",
        ("4", "2018-Q4"): "returned",
    }
    assert ("3", "2018-Q1") not in states(items)
    returned = items[0]
    assert (returned.state, returned.return_reason, returned.version, returned.deadline) == (
        "returned",
        "缺少合同",
        3,
        date(2019, 1, 5),
    )
    assert [i.state for i in items] == sorted(
        (i.state for i in items), key=["returned", "overdue", "due", "draft", "submitted"].index
    )
    assert len(items) == 3 * 4 + 4  # 2018: indicators 1, 2 and 4 × four quarters; 2019-Q1: all four


def test_after_the_deadline_drafts_and_missing_figures_are_overdue(people, seed_plan, liunan_work) -> None:
    items = due_items(user=people.reporter, plan=seed_plan, today=date(2019, 4, 6))
    assert states(items, "2019-Q1") == {
        ("1", "2019-Q1"): "overdue",
        ("2", "2019-Q1"): "submitted",
        ("3", "2019-Q1"): "overdue",
        ("4", "2019-Q1"): "overdue",
    }
    draft = next(i for i in items if (i.indicator_number, i.period) == ("1", "2019-Q1"))
    assert (draft.actual_id is not None, draft.value, draft.version) == (True, 1, 1)


def test_a_user_without_a_reporter_role_owes_nothing(people, seed_plan) -> None:
    assert due_items(user=people.reviewer, plan=seed_plan, today=date(2019, 4, 6)) == []


def test_the_review_queue_holds_submitted_figures_of_indicators_the_department_leads(
    people, seed_plan, liunan_work
) -> None:
    keji = review_queue(user=people.reviewer, plan=seed_plan)
    renshe = review_queue(user=people.other_reviewer)
    admin = review_queue(user=people.admin)

    assert [(a.indicator.number, a.period) for a in keji] == [("2", "2019-Q1")]
    assert [(a.indicator.number, a.period) for a in renshe] == [("2", "2019-Q1")]
    assert [a.pk for a in admin] == [a.pk for a in keji]
    assert review_queue(user=people.reporter) == []


def test_reminders_count_overdue_and_returned_figures_per_unit(people, seed_plan, liunan_work) -> None:
    counts = reminders(plan=seed_plan, today=date(2019, 4, 6))

    assert list(counts)[:3] == ["柳州市", "柳东", "北部"]
    assert counts["柳南"] == {"overdue": 3 * 4 - 1 + 3, "returned": 1}
    # 柳北 has approved 2018 高新技术企业 figures only: 1, 2, 4 for five quarters, 3 for 2019-Q1.
    assert counts["柳北"] == {"overdue": 3 * 5 + 1, "returned": 0}
    # The city's figures are its units' sums (汇总): it owes none of them.
    assert counts["柳州市"] == {"overdue": 0, "returned": 0}


def test_a_reporter_of_a_parent_unit_owes_its_childrens_figures_too(people, seed_plan) -> None:
    from .conftest import make_user

    liuzhou = OrgUnit.objects.get(short_name="柳州")
    city_reporter = make_user("city", "reporter", unit=liuzhou.short_name)
    units = {i.unit for i in due_items(user=city_reporter, plan=seed_plan, today=date(2019, 4, 6))}
    # Not 柳州市 itself: where units add up, the city's figure is their sum and nothing it owes.
    assert units == {
        "柳东",
        "北部",
        "鱼峰",
        "柳南",
        "柳北",
        "城中",
        "鹿寨",
        "柳城",
        "柳江",
        "融安",
        "融水",
        "三江",
    }


def test_the_city_owes_no_figure_where_its_units_add_up_but_is_asked_for_a_rate(people, seed_plan) -> None:
    from mubiao.plans.models import Indicator

    from .conftest import make_user

    city_reporter = make_user("shiben", "reporter", unit="柳州")
    Indicator.objects.filter(plan=seed_plan, number="1").update(unit_of_measure="%")

    items = due_items(user=city_reporter, plan=seed_plan, today=date(2019, 4, 3))

    assert {i.indicator_number for i in items if i.unit == "柳州市"} == {"1"}
    assert {i.indicator_number for i in items if i.unit == "柳南"} == {"1", "2", "3", "4"}
    assert reminders(plan=seed_plan, today=date(2019, 4, 3))["柳州市"] == {"overdue": 4, "returned": 0}
