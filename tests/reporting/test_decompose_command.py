"""mubiao decompose on the seed: the city's totals split into the units' targets, explained, or what must change."""

from __future__ import annotations

import json

import pytest

from mubiao.plans.models import Plan, Target
from mubiao.reporting.models import ActualValue
from tests.cli.test_commands import run

pytestmark = pytest.mark.django_db


def test_high_tech_firms_split_from_the_city_totals_on_2018s_actuals_add_up_and_never_fall(
    seed_plan: Plan, capsys
) -> None:
    assert run("decompose", str(seed_plan.pk), "--indicator", "3", "--base", "actual:2018", "--format", "json") == 0
    answer = json.loads(capsys.readouterr().out)

    cells = {(c["unit"], c["year"], c["level"]): c for c in answer["cells"]}
    city_targets = Target.objects.filter(
        indicator__plan=seed_plan, indicator__number="3", org_unit=seed_plan.area, value__isnull=False
    )
    city = {(t.year, t.level): t.value for t in city_targets}
    actual_2018 = {
        a.org_unit.short_name: a.value
        for a in ActualValue.objects.official().filter(indicator__plan=seed_plan, indicator__number="3", year=2018)
    }
    assert answer["feasible"] is True
    for (year, level), total in city.items():
        assert sum(c["value"] for (u, y, lv), c in cells.items() if (y, lv) == (year, level)) == total
    for (unit, year, level), cell in cells.items():
        if year > 2018 and unit in actual_2018:  # a stock: no unit below the level it had reached
            assert cell["value"] >= actual_2018[unit]
        if level == "stretch" and (unit, year, "committed") in cells:
            assert cell["value"] >= cells[(unit, year, "committed")]["value"]
    liudong = cells[("柳东", 2019, "committed")]
    assert liudong["explanation"].startswith("基数 162 → 份额")


def test_floors_the_totals_cannot_hold_are_named_with_the_change_they_need(seed_plan: Plan, capsys) -> None:
    assert run("decompose", str(seed_plan.pk), "--indicator", "1", "--floor", "1") == 1
    assert "个单位的下限与锁定值合计12，超过合计2——须将合计提高10" in capsys.readouterr().err


def test_a_lock_is_kept_and_a_bad_one_is_refused_in_words(seed_plan: Plan, capsys) -> None:
    assert (
        run("decompose", str(seed_plan.pk), "--indicator", "3", "--lock", "三江:2019:确保=9", "--format", "json") == 0
    )
    cells = {(c["unit"], c["year"], c["level"]): c for c in json.loads(capsys.readouterr().out)["cells"]}
    assert (cells[("三江", 2019, "committed")]["value"], cells[("三江", 2019, "committed")]["tags"]) == (9, ["locked"])
    assert run("decompose", str(seed_plan.pk), "--indicator", "3", "--lock", "三江-2019=9") == 2
    assert run("decompose", str(seed_plan.pk), "--indicator", "3", "--base", "actual:2030") == 2
    err = capsys.readouterr().err
    assert "不是锁定的写法" in err and "2030年“高新技术企业”没有审核通过的实际值" in err


def test_the_api_gives_the_commands_answer_to_a_signed_in_user_and_names_bad_input(seed_plan: Plan, capsys) -> None:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    url = f"/api/plans/{seed_plan.pk}/decomposition/"
    body = {"indicator": "3", "base": "actual:2018", "locks": [{"unit": "三江", "year": 2019, "level": "确保",
                                                                 "value": 9}]}  # fmt: skip
    anonymous = APIClient().post(url, body, format="json")
    client = APIClient()
    client.force_authenticate(get_user_model().objects.create_user(username="planner", password="x-Long-enough-9"))
    answer = client.post(url, body, format="json")
    assert run("decompose", str(seed_plan.pk), "--indicator", "3", "--base", "actual:2018", "--lock",
               "三江:2019:确保=9", "--format", "json") == 0  # fmt: skip
    command = json.loads(capsys.readouterr().out)
    bad_base = client.post(url, body | {"base": "last year"}, format="json")
    infeasible = client.post(url, {"indicator": "1", "floor": 1}, format="json")
    missing = client.post(url, body | {"indicator": "99"}, format="json")

    assert anonymous.status_code == 401
    assert answer.status_code == 200 and answer.json() == command
    assert bad_base.status_code == 400 and "不是基数的写法" in bad_base.json()["non_field_errors"][0]
    assert infeasible.status_code == 200 and infeasible.json()["feasible"] is False
    assert infeasible.json()["problems"][0]["code"] == "decompose_floors_exceed_total"
    assert missing.status_code == 404


def test_each_seed_indicator_decomposes_with_no_findings_or_names_what_must_change(seed_plan: Plan, capsys) -> None:
    for number in ("2", "3", "4"):
        assert run("decompose", str(seed_plan.pk), "--indicator", number, "--format", "json") == 0
        answer = json.loads(capsys.readouterr().out)
        assert (answer["feasible"], answer["findings"]) == (True, []), number
    assert run("decompose", str(seed_plan.pk), "--indicator", "1") == 1
    assert (
        "到2020年的确保目标12，需要2018—2020年的合计至少达到12，现为10——须将合计提高2，或降低该目标"
        in capsys.readouterr().err
    )


def test_a_floor_that_is_not_a_number_at_least_zero_is_refused_in_words(seed_plan: Plan, capsys) -> None:
    for floor in ("abc", "NaN", "-1", "Infinity"):
        assert run("decompose", str(seed_plan.pk), "--indicator", "3", "--floor", floor) == 2
    assert capsys.readouterr().err.count("须为不小于0的数值") == 4
    assert run("decompose", str(seed_plan.pk), "--indicator", "3", "--lock", "三江:2019:确保=NaN") == 2
    assert run("decompose", str(seed_plan.pk), "--indicator", "3", "--lock", "三江:2031:确保=1") == 2
    assert "锁定的年份没有全市合计目标：2031" in capsys.readouterr().err
