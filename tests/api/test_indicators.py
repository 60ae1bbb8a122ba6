"""/api/indicators/: the indicators of the plans, with their milestones."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mubiao.plans.models import Indicator, Plan

pytestmark = pytest.mark.django_db


def test_the_indicators_of_a_plan_come_in_table_order(api: APIClient, seed_plan: Plan) -> None:
    body = api.get(f"/api/indicators/?plan={seed_plan.pk}").json()

    assert body["count"] == 4
    assert [(i["number"], i["name"]) for i in body["results"]] == [
        ("1", "国家级创新平台"),
        ("2", "高层次创新人才和团队"),
        ("3", "高新技术企业"),
        ("4", "重大科技成果转化"),
    ]
    assert {i["plan"] for i in body["results"]} == {seed_plan.pk}


def test_an_indicator_shows_its_goal_text_kind_lead_department_and_milestones(
    api: APIClient, high_tech: Indicator
) -> None:
    indicator = api.get(f"/api/indicators/{high_tech.pk}/").json()

    assert indicator["number"] == "3"
    assert indicator["name"] == "高新技术企业"
    assert indicator["goal_text"].startswith("每年高新技术企业保有量")
    assert indicator["unit_of_measure"] == "家"
    assert (indicator["kind"], indicator["direction"]) == ("stock", "higher")
    assert indicator["lead_departments"] == ["市科技局"]
    assert "各县" in indicator["responsible_units"]
    assert indicator["parent"] is None
    assert [(m["year"], m["level"], m["value"]) for m in indicator["milestones"]] == [
        (2020, "committed", "460"),
        (2020, "stretch", "500"),
        (2022, "committed", "510"),
        (2022, "stretch", "560"),
    ]
    assert indicator["milestones"][0]["phrase"] == "到2020年确保完成460家"
    assert {m["comparison"] for m in indicator["milestones"]} <= {"at_least", "exactly"}


def test_an_indicator_led_by_two_departments_names_both(api: APIClient, seed_plan: Plan) -> None:
    talent = Indicator.objects.get(plan=seed_plan, number="2")

    departments = api.get(f"/api/indicators/{talent.pk}/").json()["lead_departments"]

    assert sorted(departments) == sorted(["市人力资源社会保障局", "市科技局"])


def test_a_milestone_stated_as_at_least_keeps_its_comparison(api: APIClient, seed_plan: Plan) -> None:
    platforms = Indicator.objects.get(plan=seed_plan, number="1")

    milestones = api.get(f"/api/indicators/{platforms.pk}/").json()["milestones"]

    first = milestones[0]
    assert (first["year"], first["level"], first["value"], first["comparison"]) == (2020, "committed", "12", "at_least")


def test_filtering_indicators_by_a_plan_that_does_not_exist_is_a_400(api: APIClient, seed_plan: Plan) -> None:
    missing = api.get(f"/api/indicators/?plan={seed_plan.pk + 1000}")
    malformed = api.get("/api/indicators/?plan=liuzhou")

    assert missing.status_code == malformed.status_code == 400
    assert str(seed_plan.pk + 1000) in missing.json()["plan"][0]
    assert "liuzhou" in malformed.json()["plan"][0]


def test_the_indicator_list_costs_the_same_queries_however_many_indicators(
    api: APIClient, seed_plan: Plan, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        assert api.get("/api/indicators/?limit=1").status_code == 200
    with django_assert_max_num_queries(4):
        assert len(api.get("/api/indicators/").json()["results"]) == 4
