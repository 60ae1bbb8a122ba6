"""The decomposition workspace: the grid coloured by reason, a click locks a cell, obstacles named, nothing written."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from mubiao.plans.models import Plan, Target
from tests.web.conftest import parse, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_user(username="planner", password="x-Long-enough-9"))
    return client


def test_the_grid_shows_every_cell_with_its_reason_and_a_click_locks_it(seed_plan: Plan, planner: Client) -> None:
    url = reverse("web:decompose", args=[seed_plan.pk, "3"])
    targets = Target.objects.count()

    page = parse(planner.get(url + "?base=actual:2018"))
    (cell,) = page.xpath("//table[contains(@class,'decompose-grid')]//tr[th='北部'][td='确保']/td[3]")
    locked = parse(planner.get(url + cell.xpath("./a/@href")[0]))  # the link is the query, as a browser follows it
    (same,) = locked.xpath("//table[contains(@class,'decompose-grid')]//tr[th='北部'][td='确保']/td[3]")

    assert cell.get("title").startswith("基数 45 → 份额")
    assert "locked" in same.get("class") and text_of(same) == text_of(cell)
    assert text_of(locked.xpath("//p[@class='locks']")[0]).startswith("已锁定：北部 2019年 确保")
    assert "没有问题" in text_of(page.xpath("//p[@class='checked']")[0])
    assert Target.objects.count() == targets  # nothing written


def test_what_no_table_can_meet_is_named_and_bad_input_is_refused_in_words(seed_plan: Plan, planner: Client) -> None:
    url = reverse("web:decompose", args=[seed_plan.pk, "1"])
    infeasible = parse(planner.get(url))
    bad_floor = planner.get(url + "?floor=NaN")
    bad_lock = planner.get(url + "?lock=nonsense")

    assert "须将合计提高2，或降低该目标" in text_of(infeasible.xpath("//ul[@class='problems']")[0])
    assert bad_floor.status_code == 400 and "须为不小于0的数值" in bad_floor.content.decode()
    assert bad_lock.status_code == 400 and "不是锁定的写法" in bad_lock.content.decode()
    assert Client().get(url).status_code == 302  # to the sign-in page
    assert planner.get(reverse("web:decompose", args=[seed_plan.pk, "99"])).status_code == 404


def test_a_value_typed_into_the_lock_form_joins_the_locks_the_form_carries_on(seed_plan: Plan, planner: Client) -> None:
    url = reverse("web:decompose", args=[seed_plan.pk, "3"])
    first = planner.get(url, {"base": "actual:2018", "lock_unit": "三江", "lock_year": "2019",
                              "lock_level": "committed", "lock_value": "9"})  # fmt: skip
    page = parse(first)
    carried = page.xpath("//form[@id='lock-form']/input[@name='lock']/@value")
    second = parse(planner.get(url, {"base": "actual:2018", "lock": carried, "lock_unit": "柳南", "lock_year": "2020",
                                     "lock_level": "stretch", "lock_value": "70"}))  # fmt: skip

    assert carried == ["三江:2019:committed=9"]
    locks = text_of(second.xpath("//p[@class='locks']")[0])
    assert "三江 2019年 确保 = 9" in locks and "柳南 2020年 力争 = 70" in locks
    (cell,) = second.xpath("//table[contains(@class,'decompose-grid')]//tr[th='柳南'][td='力争']/td[4]")
    assert text_of(cell) == "70" and "locked" in cell.get("class")
