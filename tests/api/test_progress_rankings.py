"""/api/plans/{id}/rankings/: who ranks where on each indicator, and by composite score across them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualOrigin, ActualStatus, ActualValue
from tests.api.conftest import unit_of

pytestmark = pytest.mark.django_db

HIGH_TECH_2018 = [
    ("城中", 2.214, 1),
    ("柳北", 2.2, 2),
    ("柳江", 1.8, 3),
    ("融水", 1.667, 4),
    ("柳南", 1.629, 5),
    ("鱼峰", 1.381, 6),
    ("柳东", 1.35, 7),
    ("鹿寨", 1.2, 8),
    ("融安", 1.2, 8),
    ("柳城", 1.143, 10),
    ("北部", 0.978, 11),
    ("三江", None, None),
]


def rankings_of(api: APIClient, plan: Plan, query: str = "?year=2018") -> dict:
    response = api.get(f"/api/plans/{plan.pk}/rankings/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def ranking_of(body: dict, indicator_number: str) -> list[tuple]:
    indicator = next(i for i in body["indicators"] if i["indicator_number"] == indicator_number)
    return [(unit["unit"], unit["rate"], unit["rank"]) for unit in indicator["units"]]


def report(plan: Plan, indicator_number: str, unit: str, value: str) -> None:
    """A 2018 annual actual, as an import or a report form would record it."""
    ActualValue.objects.create(
        indicator=Indicator.objects.get(plan=plan, number=indicator_number),
        org_unit=unit_of(plan, unit),
        period="2018",
        year=2018,
        period_kind="year",
        period_number=0,
        value=Decimal(value),
        # Nothing defaults to approved any more (issue 9): an imported figure says so.
        status=ActualStatus.APPROVED,
        origin=ActualOrigin.IMPORTED,
    )


def test_high_tech_units_are_ranked_best_first_with_sanjiang_unranked_last(api: APIClient, seed_plan: Plan) -> None:
    assert ranking_of(rankings_of(api, seed_plan), "3") == HIGH_TECH_2018


def test_the_city_itself_is_not_ranked(api: APIClient, seed_plan: Plan) -> None:
    body = rankings_of(api, seed_plan)

    assert all(unit["unit"] != "柳州市" for indicator in body["indicators"] for unit in indicator["units"])
    assert [len(indicator["units"]) for indicator in body["indicators"]] == [12, 12, 12, 12]


def test_an_indicator_nobody_reported_ranks_nobody(api: APIClient, seed_plan: Plan) -> None:
    assert {rank for _, _, rank in ranking_of(rankings_of(api, seed_plan), "4")} == {None}


def test_the_response_names_the_plan_the_year_the_period_and_the_indicators_in_table_order(
    api: APIClient, seed_plan: Plan
) -> None:
    body = rankings_of(api, seed_plan)

    assert (body["plan"], body["year"], body["period"]) == (seed_plan.pk, 2018, "2018")
    assert [(i["indicator_number"], i["indicator"]) for i in body["indicators"]] == [
        ("1", "国家级创新平台"),
        ("2", "高层次创新人才和团队"),
        ("3", "高新技术企业"),
        ("4", "重大科技成果转化"),
    ]


def test_with_one_indicator_reported_each_score_is_that_indicators_rate(api: APIClient, seed_plan: Plan) -> None:
    scores = rankings_of(api, seed_plan)["scores"]

    assert [(s["unit"], s["score"], s["rank"]) for s in scores] == HIGH_TECH_2018
    assert scores[0] == {
        "unit": "城中",
        "score": 2.214,
        "rank": 1,
        "explanation": "高新技术企业 1×2.214 = 2.214",
        "terms": [{"indicator": "高新技术企业", "weight": 1, "rate": 2.214, "contribution": 2.214}],
    }


def test_a_unit_without_any_committed_target_has_no_score_and_says_so(api: APIClient, seed_plan: Plan) -> None:
    sanjiang = rankings_of(api, seed_plan)["scores"][-1]

    assert sanjiang == {
        "unit": "三江",
        "score": None,
        "rank": None,
        "explanation": "无目标，不参与综合排名",
        "terms": [],
    }


def test_the_composite_score_weighs_each_indicators_rate_by_its_weight(api: APIClient, seed_plan: Plan) -> None:
    Indicator.objects.filter(plan=seed_plan, number="4").update(weight=3)
    report(seed_plan, "4", "城中", "3")  # of 3 committed: 1
    report(seed_plan, "4", "柳北", "4")  # of 8 committed: 0.5

    body = rankings_of(api, seed_plan)

    assert ranking_of(body, "4")[:3] == [("城中", 1, 1), ("柳北", 0.5, 2), ("柳东", None, None)]
    scores = {score["unit"]: score for score in body["scores"]}
    assert scores["城中"] == {
        "unit": "城中",
        "score": 1.304,
        "rank": 6,
        "explanation": "高新技术企业 0.25×2.214 + 重大科技成果转化 0.75×1 = 1.304",
        "terms": [
            {"indicator": "高新技术企业", "weight": 1, "rate": 2.214, "contribution": 0.554},
            {"indicator": "重大科技成果转化", "weight": 3, "rate": 1, "contribution": 0.75},
        ],
    }
    assert (scores["柳北"]["score"], scores["柳北"]["rank"]) == (0.925, 11)
    assert [s["unit"] for s in body["scores"]][:3] == ["柳江", "融水", "柳南"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("", "year"),
        ("?year=twenty", "year"),
        ("?year=2017", "year"),
        ("?year=2018&period=2018-13", "period"),
        ("?year=2018&period=2020", "period"),
    ],
)
def test_a_missing_or_impossible_year_or_period_is_a_400_naming_it(
    api: APIClient, seed_plan: Plan, query: str, parameter: str
) -> None:
    response = api.get(f"/api/plans/{seed_plan.pk}/rankings/{query}")

    assert response.status_code == 400
    assert set(response.json()) == {parameter}


def test_a_unit_with_targets_but_no_figure_yet_is_unscored_for_that_reason_not_for_lack_of_a_target(
    api: APIClient, seed_plan: Plan
) -> None:
    scores = {s["unit"]: s for s in api.get(f"/api/plans/{seed_plan.pk}/rankings/", {"year": 2020}).json()["scores"]}

    assert (scores["柳东"]["score"], scores["柳东"]["explanation"]) == (None, "尚无计分的实际值，暂不参与综合排名")
