"""/api/orgunits/: the administrative tree and the names tables use for its units."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mubiao.orgunits.models import OrgUnit

from .conftest import unit_of

pytestmark = pytest.mark.django_db


def test_the_units_under_liuzhou_are_its_twelve_in_table_order(api: APIClient, liuzhou: OrgUnit) -> None:
    body = api.get(f"/api/orgunits/?parent={liuzhou.pk}").json()

    assert body["count"] == 12
    assert [unit["short_name"] for unit in body["results"]] == [
        "柳东", "北部", "鱼峰", "柳南", "柳北", "城中", "鹿寨", "柳城", "柳江", "融安", "融水", "三江",
    ]  # fmt: skip
    assert {unit["parent"] for unit in body["results"]} == {liuzhou.pk}


def test_a_zone_has_no_statutory_code_but_has_the_aliases_the_plan_uses(api: APIClient, liuzhou: OrgUnit) -> None:
    liudong = liuzhou.children.get(short_name="柳东")

    unit = api.get(f"/api/orgunits/{liudong.pk}/").json()

    assert unit["name"] == "柳东新区（柳州高新区）"
    assert (unit["code"], unit["kind"], unit["parent"]) == (None, "zone", liuzhou.pk)
    assert "柳东新区（高新区）" in unit["aliases"]


def test_an_autonomous_county_shows_its_code_and_kind(api: APIClient, seed_plan) -> None:
    sanjiang = unit_of(seed_plan, "三江")

    unit = api.get(f"/api/orgunits/{sanjiang.pk}/").json()

    assert (unit["name"], unit["short_name"], unit["code"], unit["kind"]) == (
        "三江侗族自治县",
        "三江",
        "450226",
        "autonomous_county",
    )
    assert unit["aliases"] == []


def test_the_whole_tree_lists_the_province_the_city_and_its_units(api: APIClient, liuzhou: OrgUnit) -> None:
    body = api.get("/api/orgunits/").json()

    assert body["count"] == OrgUnit.objects.count() == 14
    assert body["results"][0]["name"] == "广西壮族自治区"


def test_filtering_units_by_a_parent_that_is_not_an_id_is_a_400(api: APIClient, liuzhou: OrgUnit) -> None:
    response = api.get("/api/orgunits/?parent=柳州")

    assert response.status_code == 400
    assert "柳州" in response.json()["parent"][0]


def test_the_unit_list_costs_the_same_queries_however_many_units(
    api: APIClient, liuzhou: OrgUnit, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(3):
        assert len(api.get("/api/orgunits/?limit=1").json()["results"]) == 1
    with django_assert_max_num_queries(3):
        assert len(api.get("/api/orgunits/").json()["results"]) == 14
