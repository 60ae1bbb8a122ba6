"""/api/plans/{id}/progress/: every unit's progress for a period, in the figures `mubiao progress` gives."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from mubiao.plans.models import Plan

pytestmark = pytest.mark.django_db


def progress_of(api: APIClient, plan: Plan, query: str) -> dict:
    response = api.get(f"/api/plans/{plan.pk}/progress/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def high_tech_2018(api: APIClient, plan: Plan) -> dict[str, dict]:
    """The 2018 rows of indicator 3, 高新技术企业, by unit."""
    return {row["unit"]: row for row in progress_of(api, plan, "?year=2018&indicator=3")["rows"]}


def command_line_progress(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    call_command("progress", *args, "--format", "json")
    return json.loads(capsys.readouterr().out)


# -- the seed's real figures ----------------------------------------------------------------------


def test_the_city_reached_442_high_tech_enterprises_of_the_310_committed_in_2018(
    api: APIClient, seed_plan: Plan
) -> None:
    assert high_tech_2018(api, seed_plan)["柳州市"] == {
        "indicator_number": "3",
        "indicator": "高新技术企业",
        "unit": "柳州市",
        "period": "2018",
        "actual": 442,
        "committed": 310,
        "stretch": None,
        "expected": None,
        "rate_committed": 1.426,
        "rate_stretch": None,
        "status": "above_committed",
        "status_label": "完成确保",
        "rank": None,
        "note": "",
        # 442 is the sum of the twelve units' figures, and the city's own 实际 cell agrees.
        "summed": True,
        "units_reported": 12,
        "units_expected": 12,
        "own": 442,
        "mismatch": None,
    }


def test_beibu_fell_short_with_45_of_46_and_ranks_last(api: APIClient, seed_plan: Plan) -> None:
    beibu = high_tech_2018(api, seed_plan)["北部"]

    assert (beibu["actual"], beibu["committed"], beibu["rate_committed"]) == (45, 46, 0.978)
    assert (beibu["status"], beibu["status_label"], beibu["rank"]) == ("below_committed", "未完成", 11)


def test_liudong_reached_162_of_120_a_rate_of_1_35(api: APIClient, seed_plan: Plan) -> None:
    liudong = high_tech_2018(api, seed_plan)["柳东"]

    assert (liudong["actual"], liudong["committed"], liudong["rate_committed"]) == (162, 120, 1.35)
    assert (liudong["status"], liudong["rank"]) == ("above_committed", 7)


def test_sanjiang_has_an_actual_but_no_committed_target_so_no_rate_no_rank_and_a_note_of_the_implied_4(
    api: APIClient, seed_plan: Plan
) -> None:
    sanjiang = high_tech_2018(api, seed_plan)["三江"]

    assert (sanjiang["actual"], sanjiang["committed"], sanjiang["rate_committed"]) == (3, None, None)
    assert (sanjiang["status"], sanjiang["status_label"], sanjiang["rank"]) == ("no_target", "无目标", None)
    assert "隐含4" in sanjiang["note"]


def test_the_units_rank_by_their_rate_against_committed_and_equal_rates_share_a_place(
    api: APIClient, seed_plan: Plan
) -> None:
    ranks = {unit: row["rank"] for unit, row in high_tech_2018(api, seed_plan).items()}

    assert ranks == {
        "柳州市": None,
        "城中": 1,
        "柳北": 2,
        "柳江": 3,
        "融水": 4,
        "柳南": 5,
        "鱼峰": 6,
        "柳东": 7,
        "鹿寨": 8,
        "融安": 8,
        "柳城": 10,
        "北部": 11,
        "三江": None,
    }


def test_the_2020_milestone_of_460_has_442_reached_by_2018_a_rate_of_0_961(api: APIClient, seed_plan: Plan) -> None:
    milestones = progress_of(api, seed_plan, "?year=2018&indicator=3")["milestones"]

    committed_2020 = next(m for m in milestones if m["year"] == 2020 and m["level"] == "committed")
    assert committed_2020 == {
        "indicator_number": "3",
        "indicator": "高新技术企业",
        "year": 2020,
        "level": "committed",
        "value": 460,
        "phrase": "到2020年确保完成460家",
        "reached": 442,
        "upto_year": 2018,
        "rate": 0.961,
    }


def test_one_indicator_asked_for_gives_its_13_rows_and_its_4_milestones_only(api: APIClient, seed_plan: Plan) -> None:
    body = progress_of(api, seed_plan, "?year=2018&indicator=3")

    assert {row["indicator_number"] for row in body["rows"]} == {"3"}
    assert len(body["rows"]) == 13
    assert {m["indicator_number"] for m in body["milestones"]} == {"3"}
    assert len(body["milestones"]) == 4


def test_the_response_names_the_plan_the_year_and_the_latest_reported_period(api: APIClient, seed_plan: Plan) -> None:
    body = progress_of(api, seed_plan, "?year=2018")

    assert (body["plan"], body["year"], body["period"]) == (seed_plan.pk, 2018, "2018")
    assert len(body["rows"]) == 4 * 13


def test_an_empty_period_means_the_latest_reported_one(api: APIClient, seed_plan: Plan) -> None:
    assert progress_of(api, seed_plan, "?year=2018&period=")["period"] == "2018"


def test_figures_are_json_numbers_as_on_the_command_line_not_strings(api: APIClient, seed_plan: Plan) -> None:
    city = high_tech_2018(api, seed_plan)["柳州市"]

    assert type(city["actual"]) is int
    assert type(city["committed"]) is int
    assert type(city["rate_committed"]) is float


# -- the same figures as the command line ---------------------------------------------------------


def test_the_api_gives_exactly_the_rows_and_milestones_of_the_command_line(
    api: APIClient, seed_plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = command_line_progress(capsys, "--year", "2018")
    body = progress_of(api, seed_plan, "?year=2018")

    assert body["rows"] == cli["rows"]
    assert body["milestones"] == cli["milestones"]
    assert (body["year"], body["period"]) == (cli["year"], cli["period"])


def test_the_api_gives_exactly_the_rows_of_the_command_line_for_a_quarter(
    api: APIClient, seed_plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = command_line_progress(capsys, "--year", "2018", "--period", "2018-Q3", "--indicator", "3")
    body = progress_of(api, seed_plan, "?year=2018&period=2018-Q3&indicator=3")

    assert body["rows"] == cli["rows"]
    assert body["milestones"] == cli["milestones"]


def test_in_the_third_quarter_the_city_is_expected_at_three_quarters_of_its_committed_310(
    api: APIClient, seed_plan: Plan
) -> None:
    rows = progress_of(api, seed_plan, "?year=2018&period=2018-Q3&indicator=3")["rows"]
    city = next(row for row in rows if row["unit"] == "柳州市")

    assert city["period"] == "2018-Q3"
    assert city["expected"] == 232.5
    assert city["actual"] is None
    assert city["status"] == "not_reported"


# -- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ("", "year", ["年份"]),
        ("?year=", "year", ["年份"]),
        ("?year=abc", "year", ["整数"]),
        ("?year=2030", "year", ["2030", "2018", "2022"]),
        ("?year=2018&period=2018-Q5", "period", ["2018-Q5", "2019-Q3"]),
        ("?year=2018&period=soon", "period", ["soon"]),
        ("?year=2018&period=2019-Q3", "period", ["2019-Q3", "2018"]),
        ("?year=2018&indicator=99", "indicator", ["规划中没有序号为99的指标"]),
    ],
)
def test_a_missing_or_impossible_parameter_is_a_400_naming_it(
    api: APIClient, seed_plan: Plan, query: str, parameter: str, words: list[str]
) -> None:
    response = api.get(f"/api/plans/{seed_plan.pk}/progress/{query}")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {parameter}
    (message,) = body[parameter]
    assert all(word in message for word in words), message


def test_a_bad_year_and_a_bad_indicator_are_both_named_at_once(api: APIClient, seed_plan: Plan) -> None:
    response = api.get(f"/api/plans/{seed_plan.pk}/progress/?year=abc&indicator=99")

    assert response.status_code == 400
    assert set(response.json()) == {"year", "indicator"}


@pytest.mark.parametrize("report", ["progress", "rankings"])
@pytest.mark.parametrize("missing", ["987654", "99999999999999999999999", "abc"])
def test_the_progress_of_a_plan_that_does_not_exist_is_a_404(
    api: APIClient, seed_plan: Plan, report: str, missing: str
) -> None:
    response = api.get(f"/api/plans/{missing}/{report}/?year=2018")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "规划" in response.json()["detail"]


@pytest.mark.parametrize("report", ["progress", "rankings"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_progress_or_rankings_is_refused_with_405(
    api: APIClient, seed_plan: Plan, report: str, method: str
) -> None:
    response = getattr(api, method)(f"/api/plans/{seed_plan.pk}/{report}/?year=2018", {"year": 2018}, format="json")

    assert response.status_code == 405
    assert "detail" in response.json()


# -- the schema -----------------------------------------------------------------------------------


@pytest.fixture
def schema(api: APIClient) -> dict:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(("report", "component"), [("progress", "PlanProgress"), ("rankings", "PlanRankings")])
def test_the_schema_documents_the_response_and_requires_the_year(schema: dict, report: str, component: str) -> None:
    operation = schema["paths"][f"/api/plans/{{id}}/{report}/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{component}"
    }
    assert parameters["year"]["required"] is True
    assert not parameters["period"].get("required", False)
    assert {"400", "404"} <= set(operation["responses"])


def test_the_schema_of_a_progress_row_has_every_field_the_command_line_gives(
    schema: dict, seed_plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = command_line_progress(capsys, "--year", "2018")
    components = schema["components"]["schemas"]

    assert set(components["ProgressRow"]["properties"]) == set(cli["rows"][0])
    assert set(components["ProgressMilestone"]["properties"]) == set(cli["milestones"][0])
    assert components["ProgressRow"]["properties"]["rate_committed"]["type"] == "number"
