"""The API reads figures with the domain's one parser and puts each refusal under its field, in the
caller's language, with its code — never by reading the words.

`1e3` was once read as 1000 and `3.7` accepted for an indicator counted in 家; both are refused under
`value`, in Chinese by default and in English with `Accept-Language: en`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from mubiao.accounts.models import Role, RoleKind
from mubiao.audit.models import AuditRecord
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualValue

pytestmark = pytest.mark.django_db

PERIOD = "2022-Q1"


@pytest.fixture(autouse=True)
def chinese_between_requests() -> Iterator[None]:
    """An English request leaves English active on the thread; each test starts and ends in Chinese."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def liunan(seed_plan: Plan) -> OrgUnit:
    return OrgUnit.objects.get(short_name="柳南")


@pytest.fixture
def reporter(liunan: OrgUnit) -> APIClient:
    user = get_user_model().objects.create_user(username="liunan", password="x-Long-enough-9")
    Role.objects.create(user=user, kind=RoleKind.REPORTER, org_unit=liunan)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def platforms(seed_plan: Plan) -> Indicator:
    """1. 国家级创新平台: a flow counted in 家, reported quarterly, year to date."""
    return Indicator.objects.get(plan=seed_plan, number="1")


def raw_body(indicator: Indicator, value: str, period: str = PERIOD) -> str:
    """The JSON a program sends, the value written as it is (`1e3` is a JSON number; Python would send 1000.0)."""
    return f'{{"indicator": {indicator.pk}, "unit": "柳南", "period": "{period}", "value": {value}}}'


def enter(client: APIClient, indicator: Indicator, value: str, *, period: str = PERIOD, **extra: Any):
    """Enter a figure; `value` is JSON text: `3.7` a number, `"3.7"` a string."""
    body = raw_body(indicator, value, period)
    if extra:
        body = body[:-1] + "".join(f', "{name}": {json.dumps(item)}' for name, item in extra.items()) + "}"
    return client.post("/api/actuals/", body, content_type="application/json")


def enter_in(language: str, client: APIClient, indicator: Indicator, value: str):
    return client.post(
        "/api/actuals/", raw_body(indicator, value), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )


def nothing_stored(indicator: Indicator) -> bool:
    return not ActualValue.objects.filter(indicator=indicator, org_unit__short_name="柳南", period=PERIOD).exists()


@pytest.mark.parametrize("value", ["1e3", '"1e3"'])
def test_an_exponent_is_refused_under_value_in_chinese_by_default(reporter, high_tech, value) -> None:
    records = AuditRecord.objects.count()

    answer = enter(reporter, high_tech, value)

    assert answer.status_code == 400, answer.json()
    assert answer.json() == {"value": ["“1e3”是科学记数法，请写出完整的数值"]}
    assert answer.data["value"][0].code == "number_exponent"
    assert nothing_stored(high_tech)
    assert AuditRecord.objects.count() == records


def test_an_exponent_is_refused_under_value_in_english_for_an_english_client(reporter, high_tech) -> None:
    answer = enter_in("en", reporter, high_tech, "1e3")

    assert answer.status_code == 400
    assert answer.json() == {"value": ["“1e3” is in scientific notation; write the number out in full"]}
    assert nothing_stored(high_tech)


@pytest.mark.parametrize("value", ["3.7", '"3.7"'])
def test_a_fraction_of_a_count_is_refused_under_value(reporter, high_tech, value) -> None:
    answer = enter(reporter, high_tech, value)

    assert answer.status_code == 400
    assert answer.json() == {"value": ["“3. 高新技术企业”以“家”计数，须为整数（填写的是3.7）"]}
    assert answer.data["value"][0].code == "value_not_whole"
    assert nothing_stored(high_tech)


def test_a_fraction_of_a_count_is_refused_in_english_under_value(reporter, high_tech) -> None:
    answer = enter_in("en", reporter, high_tech, "3.7")

    assert answer.status_code == 400
    assert answer.json() == {"value": ["“3. 高新技术企业” counts in 家, so it must be a whole number (given: 3.7)"]}


def test_misplaced_separators_are_refused_and_separators_in_place_are_read(reporter, high_tech) -> None:
    refused = enter(reporter, high_tech, '"1,2,3"')
    accepted = enter(reporter, high_tech, '"1,234"')

    assert refused.status_code == 400
    assert refused.data["value"][0].code == "number_misplaced_separator"
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["value"] == "1234"


def test_a_period_outside_the_plan_and_a_bad_value_are_each_refused_under_their_own_field_in_english(
    reporter, high_tech
) -> None:
    answer = reporter.post(
        "/api/actuals/",
        raw_body(high_tech, "1e3", period="2030-Q1"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert answer.status_code == 400
    assert sorted(answer.json()) == ["period", "value"]
    assert answer.data["period"][0].code == "period_outside_plan"
    assert answer.data["value"][0].code == "number_exponent"
    assert "2030-Q1" in answer.json()["period"][0] and "期间" not in answer.json()["period"][0]


def test_a_correction_is_read_by_the_same_parser(reporter, high_tech) -> None:
    entered = enter(reporter, high_tech, "31")
    figure = entered.json()

    answer = reporter.patch(
        f"/api/actuals/{figure['id']}/", '{"value": 3.7, "version": 1}', content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.data["value"][0].code == "value_not_whole"
    assert reporter.get(f"/api/actuals/{figure['id']}/").json()["value"] == "31"


# -- a year-to-date fall -----------------------------------------------------------------------------


def test_a_year_to_date_fall_is_refused_until_acknowledged(reporter, platforms) -> None:
    assert enter(reporter, platforms, "3", period="2022-Q1").status_code == 201

    refused = enter(reporter, platforms, '"2"', period="2022-Q2")
    acknowledged = enter(reporter, platforms, '"2"', period="2022-Q2", acknowledged=True)

    assert refused.status_code == 400
    assert list(refused.json()) == ["value"]
    assert refused.data["value"][0].code == "ytd_below_previous"
    assert refused.json()["value"][0] == (
        "“1. 国家级创新平台”是年初至今累计的新增量，2022-Q2的累计值2低于2022-Q1的3；如确属更正，请确认后再保存"
    )
    assert acknowledged.status_code == 201, acknowledged.json()
    assert (acknowledged.json()["value"], acknowledged.json()["status"]) == ("2", "draft")


def test_a_correction_that_falls_below_the_quarter_before_needs_the_acknowledgement_too(reporter, platforms) -> None:
    enter(reporter, platforms, "3", period="2022-Q1")
    second = enter(reporter, platforms, "5", period="2022-Q2").json()

    refused = reporter.patch(f"/api/actuals/{second['id']}/", {"value": "2", "version": 1}, format="json")
    acknowledged = reporter.patch(
        f"/api/actuals/{second['id']}/", {"value": "2", "version": 1, "acknowledged": True}, format="json"
    )

    assert refused.status_code == 400
    assert refused.data["value"][0].code == "ytd_below_previous"
    assert acknowledged.status_code == 200, acknowledged.json()
    assert ActualValue.objects.get(pk=second["id"]).value == Decimal(2)


def test_a_fall_across_a_quarter_not_reported_is_refused_until_acknowledged(reporter, platforms) -> None:
    enter(reporter, platforms, "5", period="2022-Q1")

    refused = enter(reporter, platforms, "2", period="2022-Q3")

    assert refused.status_code == 400
    assert refused.data["value"][0].code == "ytd_below_previous"
    assert "2022-Q3的累计值2低于2022-Q1的5" in refused.json()["value"][0]


def test_a_figure_above_a_later_quarters_is_refused_until_acknowledged(reporter, platforms) -> None:
    enter(reporter, platforms, "5", period="2022-Q1")
    enter(reporter, platforms, "6", period="2022-Q3")

    refused = enter(reporter, platforms, "9", period="2022-Q2")
    acknowledged = enter(reporter, platforms, "9", period="2022-Q2", acknowledged=True)

    assert refused.status_code == 400
    assert refused.data["value"][0].code == "ytd_above_next"
    assert refused.json()["value"] == [
        "“1. 国家级创新平台”是年初至今累计的新增量，2022-Q2的累计值9高于其后2022-Q3的6；如确属更正，请确认后再保存"
    ]
    assert acknowledged.status_code == 201


def test_a_month_for_a_quarterly_indicator_is_refused_in_english_with_the_frequency_as_a_word(
    reporter, high_tech
) -> None:
    answer = reporter.post(
        "/api/actuals/",
        raw_body(high_tech, "5", period="2022-02"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert answer.status_code == 400
    assert answer.data["period"][0].code == "period_wrong_frequency"
    assert answer.json()["period"] == ["“3. 高新技术企业” is reported by the quarter; it takes no figure for 2022-02"]


def test_a_figure_of_29_digits_is_refused_under_value_not_a_server_error(reporter, high_tech) -> None:
    answer = enter(reporter, high_tech, '"99999999999999999999999999999"')

    assert answer.status_code == 400
    assert answer.data["value"][0].code == "value_too_many_digits"
    assert answer.json()["value"] == ["数值99999999999999999999999999999的整数部分超过16位"]


def test_json_nested_deeper_than_the_parser_goes_is_a_bad_request_not_a_server_error(reporter) -> None:
    answer = reporter.post("/api/actuals/", "[" * 100_000, content_type="application/json")

    assert answer.status_code == 400
    assert "nested too deeply" in answer.json()["detail"]


def test_a_refused_step_is_answered_in_the_clients_language(reporter, high_tech) -> None:
    figure = enter(reporter, high_tech, "5").json()
    reporter.post(f"/api/actuals/{figure['id']}/submit/", {"version": 1}, format="json")

    english = reporter.post(
        f"/api/actuals/{figure['id']}/approve/", {"version": 2}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    chinese = reporter.post(f"/api/actuals/{figure['id']}/approve/", {"version": 2}, format="json")

    assert (english.status_code, english.json()["detail"]) == (403, "You may not review this figure")
    assert (chinese.status_code, chinese.json()["detail"]) == (403, "无权审核")


def test_a_note_longer_than_the_limit_is_refused_under_note(reporter, high_tech) -> None:
    answer = enter(reporter, high_tech, "5", note="说" * 2001)

    assert answer.status_code == 400
    assert answer.data["note"][0].code == "note_too_long"
    assert answer.json()["note"] == ["填报说明有2001个字，超过2000个字的上限；较长的说明请作为证明材料上传"]
    assert nothing_stored(high_tech)
