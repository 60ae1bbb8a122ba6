"""The entry form reads the typed value with the domain's one parser, and refuses under the value field.

`1,2,3` was once read as 123; now it is refused with the misplaced-separator words, next to the
field, and nothing is written. Separators in their usual places and full-width digits still read.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from mubiao.accounts.models import Role
from mubiao.audit.models import AuditRecord
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualValue

from .conftest import parse, text_of

pytestmark = pytest.mark.django_db

PERIOD = "2022-Q1"


@pytest.fixture
def high_tech(seed_plan: Plan) -> Indicator:
    """3. 高新技术企业: a stock counted in 家."""
    return Indicator.objects.get(plan=seed_plan, number="3")


@pytest.fixture
def reporter(seed_plan: Plan) -> User:
    user = User.objects.create_user(username="liunan", password="x-Very-long-9")
    Role.objects.create(user=user, kind="reporter", org_unit=OrgUnit.objects.get(short_name="柳南"))
    return user


def entry_url(indicator: Indicator) -> str:
    return reverse("web:report_entry", args=[indicator.pk, OrgUnit.objects.get(short_name="柳南").pk, PERIOD])


def save(client, indicator: Indicator, value: str):
    return client.post(entry_url(indicator), {"value": value, "note": "", "version": "", "save": "1"})


def stored(indicator: Indicator) -> ActualValue | None:
    return ActualValue.objects.filter(indicator=indicator, org_unit__short_name="柳南", period=PERIOD).first()


def value_error(response) -> str:
    return text_of(parse(response).get_element_by_id("value-error"))


def test_separators_in_the_wrong_places_are_refused_under_the_value_field(client, reporter, high_tech) -> None:
    client.force_login(reporter)
    records = AuditRecord.objects.count()

    response = save(client, high_tech, "1,2,3")

    assert response.status_code == 400
    assert value_error(response) == "“1,2,3”的千位分隔符位置不对（应每三位一个，如 1,234,567）"
    assert not parse(response).xpath("//p[@id='form-error']")
    assert parse(response).xpath("//input[@name='value']/@value") == ["1,2,3"]
    assert stored(high_tech) is None
    assert AuditRecord.objects.count() == records


def test_the_separator_refusal_reads_in_english_for_a_user_who_chose_english(client, reporter, high_tech) -> None:
    client.force_login(reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = save(client, high_tech, "1,2,3")

    assert response.status_code == 400
    assert value_error(response) == (
        "“1,2,3” has its thousands separators in the wrong places (one every three digits, as in 1,234,567)"
    )


def test_an_exponent_is_refused_rather_than_read_as_a_thousand(client, reporter, high_tech) -> None:
    client.force_login(reporter)

    response = save(client, high_tech, "1e3")

    assert response.status_code == 400
    assert value_error(response) == "“1e3”是科学记数法，请写出完整的数值"
    assert stored(high_tech) is None


def test_a_fraction_of_a_count_is_refused_under_the_value_field(client, reporter, high_tech) -> None:
    client.force_login(reporter)

    response = save(client, high_tech, "3.7")

    assert response.status_code == 400
    assert value_error(response) == "“3. 高新技术企业”以“家”计数，须为整数（填写的是3.7）"
    assert stored(high_tech) is None


@pytest.mark.parametrize(("typed", "value"), [("1,234", Decimal(1234)), ("１２", Decimal(12)), (" 62 ", Decimal(62))])
def test_separators_in_their_places_and_full_width_digits_are_read(
    client, reporter, high_tech, typed: str, value: Decimal
) -> None:
    client.force_login(reporter)

    response = save(client, high_tech, typed)

    assert response.status_code == 302
    figure = stored(high_tech)
    assert figure is not None
    assert (figure.value, figure.status) == (value, "draft")


def test_a_figure_of_29_digits_is_refused_under_the_value_field_not_a_server_error(client, reporter, high_tech) -> None:
    client.force_login(reporter)

    response = save(client, high_tech, "99999999999999999999999999999")

    assert response.status_code == 400
    assert value_error(response) == "数值99999999999999999999999999999的整数部分超过16位"
    assert stored(high_tech) is None


def test_a_note_longer_than_the_limit_is_refused_under_the_note_field(client, reporter, high_tech) -> None:
    client.force_login(reporter)

    response = client.post(entry_url(high_tech), {"value": "5", "note": "说" * 2001, "version": "", "save": "1"})

    assert response.status_code == 400
    assert "填报说明有2001个字，超过2000个字的上限" in response.content.decode()
    assert stored(high_tech) is None
