"""/api/targets/: the targets of every unit, year and level, each traceable to its source cell."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from mubiao.audit.services import Actor
from mubiao.plans.models import Indicator, Plan, Target
from mubiao.plans.services import target_set

from .conftest import unit_of

pytestmark = pytest.mark.django_db


def targets(api: APIClient, query: str) -> list[dict]:
    response = api.get(f"/api/targets/?limit=1000&{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return body["results"]


def test_the_2018_committed_high_tech_target_of_the_city_is_310_from_row_29_column_6(
    api: APIClient, seed_plan: Plan, high_tech: Indicator, seed_bytes: bytes
) -> None:
    (target,) = targets(api, f"indicator={high_tech.pk}&unit=柳州市&year=2018&level=committed")

    assert target["value"] == "310"
    assert target["indicator"] == {"id": high_tech.pk, "number": "3", "name": "高新技术企业"}
    assert target["org_unit"] == {"id": seed_plan.area_id, "short_name": "柳州"}
    assert (target["year"], target["level"]) == (2018, "committed")
    assert target["provenance"] == {
        "source_file_sha256": hashlib.sha256(seed_bytes).hexdigest(),
        "sheet": "",
        "row": 29,
        "column": 6,
    }


def test_row_29_column_6_of_the_seed_file_really_holds_the_310(seed_bytes: bytes) -> None:
    row = seed_bytes.decode("utf-8").split("\n")[29 - 1].split("\t")

    assert (row[1], row[3], row[4], row[6 - 1]) == ("高新技术企业", "2018", "确保", "310")


def test_the_seed_has_no_2018_stretch_row_for_high_tech_so_none_is_listed(api: APIClient, high_tech: Indicator) -> None:
    assert targets(api, f"indicator={high_tech.pk}&level=stretch&year=2018") == []
    assert len(targets(api, f"indicator={high_tech.pk}&level=stretch&year=2019")) == 13


def test_sanjiang_has_no_2018_committed_high_tech_target_because_blank_is_not_zero(
    api: APIClient, seed_plan: Plan, high_tech: Indicator
) -> None:
    query = f"indicator={high_tech.pk}&year=2018&level=committed"

    assert targets(api, f"{query}&unit=三江") == []
    assert [t["value"] for t in targets(api, f"{query}&unit=融水")] == ["3"]
    assert len(targets(api, query)) == 12  # the city and eleven of its twelve units


def test_a_unit_can_be_named_by_id_short_name_full_name_alias_or_with_spaces(
    api: APIClient, seed_plan: Plan, high_tech: Indicator
) -> None:
    query = f"indicator={high_tech.pk}&year=2018&level=committed&unit="
    beibu = unit_of(seed_plan, "北部")

    for name in (str(beibu.pk), "北部", "北部生态新区（阳和工业新区）", "阳和工业新区", "北 部"):
        assert [t["value"] for t in targets(api, query + name)] == ["46"], name


def test_the_targets_of_a_row_come_in_table_order_with_the_city_first(
    api: APIClient, seed_plan: Plan, high_tech: Indicator
) -> None:
    row = targets(api, f"indicator={high_tech.pk}&year=2019&level=committed")

    assert [(t["org_unit"]["short_name"], t["value"]) for t in row] == [
        ("柳州", "450"), ("柳东", "176"), ("北部", "55"), ("鱼峰", "30"), ("柳南", "53"), ("柳北", "19"),
        ("城中", "29"), ("鹿寨", "23"), ("柳城", "11"), ("柳江", "37"), ("融安", "7"), ("融水", "6"), ("三江", "4"),
    ]  # fmt: skip


def test_values_are_strings_without_the_trailing_zeros_of_the_database(api: APIClient, seed_plan: Plan) -> None:
    values = [t["value"] for t in targets(api, f"plan={seed_plan.pk}")]

    assert len(values) == Target.objects.filter(indicator__plan=seed_plan, value__isnull=False).count()
    assert all(isinstance(value, str) and re.fullmatch(r"[1-9][0-9]*", value) for value in values)


def test_a_fractional_target_keeps_its_digits_and_drops_only_the_padding(
    api: APIClient, seed_plan: Plan, high_tech: Indicator, actor: Actor
) -> None:
    sanjiang = unit_of(seed_plan, "三江")
    target_set(indicator=high_tech, org_unit=sanjiang, year=2018, level="committed", value=Decimal("4.50"), actor=actor)

    (target,) = targets(api, f"indicator={high_tech.pk}&unit=三江&year=2018&level=committed")

    assert target["value"] == "4.5"
    assert target["provenance"] == {"source_file_sha256": None, "sheet": "", "row": None, "column": None}


def test_a_cleared_target_is_left_out_unless_asked_for_and_then_shows_null(
    api: APIClient, seed_plan: Plan, high_tech: Indicator, actor: Actor
) -> None:
    liunan = unit_of(seed_plan, "柳南")
    target_set(indicator=high_tech, org_unit=liunan, year=2020, level="stretch", value=None, actor=actor)
    query = f"indicator={high_tech.pk}&unit=柳南&year=2020&level=stretch"

    assert targets(api, query) == []
    (cleared,) = targets(api, query + "&include_cleared=true")
    assert cleared["value"] is None
    assert api.get(f"/api/targets/{cleared['id']}/").json()["value"] is None


def test_the_targets_list_is_paginated_with_limit_and_offset(api: APIClient, seed_plan: Plan) -> None:
    everything = targets(api, "")
    page = api.get("/api/targets/?limit=5&offset=5").json()

    assert page["count"] == len(everything)
    assert [t["id"] for t in page["results"]] == [t["id"] for t in everything[5:10]]
    assert "offset=10" in page["next"]


def test_the_targets_list_costs_the_same_queries_however_many_rows_it_returns(
    api: APIClient, seed_plan: Plan, high_tech: Indicator, actor: Actor, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        assert len(api.get("/api/targets/?limit=1").json()["results"]) == 1
    with django_assert_max_num_queries(2):
        seed_rows = len(api.get("/api/targets/?limit=1000").json()["results"])

    for unit in [seed_plan.area, *seed_plan.area.children.all()]:
        target_set(indicator=high_tech, org_unit=unit, year=2018, level="stretch", value=Decimal(1), actor=actor)

    with django_assert_max_num_queries(2):
        assert len(api.get("/api/targets/?limit=1000").json()["results"]) == seed_rows + 13


@pytest.mark.parametrize(
    ("query", "parameter", "quoted"),
    [
        ("year=abc", "year", "2018"),
        ("year=1800", "year", "1949"),
        ("level=foo", "level", "foo"),
        ("level=确保", "level", "committed"),
        ("plan=abc", "plan", "abc"),
        ("plan=99999999999999999999", "plan", "99999999999999999999"),
        ("indicator=-1", "indicator", "-1"),
        ("unit=宝应县", "unit", "宝应县"),
        ("unit=999999", "unit", "999999"),
        ("include_cleared=perhaps", "include_cleared", "perhaps"),
    ],
)
def test_a_bad_filter_value_is_a_400_that_names_the_parameter(
    api: APIClient, seed_plan: Plan, query: str, parameter: str, quoted: str
) -> None:
    response = api.get(f"/api/targets/?{query}")

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [parameter]
    assert quoted in body[parameter][0]


def test_every_bad_filter_is_reported_at_once(api: APIClient, seed_plan: Plan) -> None:
    response = api.get("/api/targets/?year=abc&level=foo")

    assert response.status_code == 400
    assert set(response.json()) == {"year", "level"}


def test_an_empty_filter_means_any_as_a_blank_search_form_field_does(api: APIClient, seed_plan: Plan) -> None:
    assert targets(api, "year=&level=&unit=") == targets(api, "")


def test_a_plan_with_no_such_indicator_gives_no_rows_rather_than_another_plans(
    api: APIClient, seed_plan: Plan, high_tech: Indicator
) -> None:
    other = Plan.objects.create(title="另一个规划", area=seed_plan.area, start_year=2023, end_year=2025)

    assert targets(api, f"plan={other.pk}") == []
    assert targets(api, f"plan={other.pk}&indicator={high_tech.pk}") == []


@pytest.mark.parametrize("limit", ["99999999999999999999", "9223372036854775808", "5000"])
def test_a_page_size_beyond_any_integer_gives_a_page_not_a_server_error(
    api: APIClient, seed_plan: Plan, limit: str
) -> None:
    response = api.get(f"/api/targets/?limit={limit}")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], len(body["results"]), body["next"]) == (Target.objects.count(), body["count"], None)


def test_a_page_beyond_the_last_is_empty(api: APIClient, seed_plan: Plan) -> None:
    response = api.get("/api/targets/?offset=9223372036854775808")

    assert response.status_code == 200
    assert response.json()["results"] == []
