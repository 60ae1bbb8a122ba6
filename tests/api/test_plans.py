"""/api/plans/: the plans, their sources and their counts."""

from __future__ import annotations

import hashlib

import pytest
from rest_framework.test import APIClient

from mubiao.plans.models import Indicator, Plan, Target

pytestmark = pytest.mark.django_db


def test_the_plan_list_holds_the_seed_plan_with_its_area_and_years(api: APIClient, seed_plan: Plan) -> None:
    response = api.get("/api/plans/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (plan,) = body["results"]
    assert plan["id"] == seed_plan.pk
    assert plan["title"] == "柳州市科技创新支撑工业高质量发展实施方案"
    assert plan["table_title"] == "柳州市科技创新支撑工业高质量发展实施方案目标分解任务表（2018-2022年）"
    assert plan["attachment"] == "附件6"
    assert plan["area"] == {"id": seed_plan.area_id, "name": "柳州市"}
    assert (plan["start_year"], plan["end_year"]) == (2018, 2022)


def test_a_plan_lists_its_source_file_by_hash_and_size_but_never_its_content(
    api: APIClient, seed_plan: Plan, seed_bytes: bytes
) -> None:
    plan = api.get(f"/api/plans/{seed_plan.pk}/").json()

    (source,) = plan["source_files"]
    assert source["filename"] == "liuzhou_2018_2022_keji.txt"
    assert source["sha256"] == hashlib.sha256(seed_bytes).hexdigest()
    assert source["size"] == len(seed_bytes)
    assert source["imported_at"]
    assert "content" not in source


def test_a_plan_counts_its_four_indicators_and_the_targets_that_hold_a_value(api: APIClient, seed_plan: Plan) -> None:
    plan = api.get(f"/api/plans/{seed_plan.pk}/").json()

    assert plan["indicator_count"] == Indicator.objects.filter(plan=seed_plan).count() == 4
    assert plan["target_count"] == Target.objects.filter(indicator__plan=seed_plan, value__isnull=False).count()
    assert plan["target_count"] > 300


def test_the_plan_list_costs_the_same_queries_with_one_plan_or_two(
    api: APIClient, seed_plan: Plan, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(3):
        assert api.get("/api/plans/").status_code == 200
    Plan.objects.create(title="另一个规划", area=seed_plan.area, start_year=2023, end_year=2025)
    with django_assert_max_num_queries(3):
        assert api.get("/api/plans/").json()["count"] == 2
