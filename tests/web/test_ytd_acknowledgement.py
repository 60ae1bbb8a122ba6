"""A year-to-date flow below the period before is saved only once the reporter ticks the confirmation,
and the reviewer sees the same warning next to the figure.

1. 国家级创新平台 is a flow reported quarterly, year to date: 柳南's 2022-Q1 says 3, so a 2022-Q2 of 2
means a correction or a typo.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from mubiao.accounts.models import Role
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import actual_enter, actual_submit

from .conftest import parse, text_of

pytestmark = pytest.mark.django_db

WARNING = "“1. 国家级创新平台”是年初至今累计的新增量，2022-Q2的累计值2低于2022-Q1的3；如确属更正，请确认后再保存"


def person(username: str, kind: str, **scope) -> User:
    user = User.objects.create_user(username=username, password="x-Very-long-9")
    Role.objects.create(user=user, kind=kind, **scope)
    return user


@pytest.fixture
def platforms(seed_plan: Plan) -> Indicator:
    return Indicator.objects.get(plan=seed_plan, number="1")


@pytest.fixture
def liunan(seed_plan: Plan) -> OrgUnit:
    return OrgUnit.objects.get(short_name="柳南")


@pytest.fixture
def reporter(liunan: OrgUnit) -> User:
    return person("liunan", "reporter", org_unit=liunan)


@pytest.fixture
def first_quarter(platforms: Indicator, liunan: OrgUnit, reporter: User) -> ActualValue:
    actor = Actor.for_user(reporter, Door.WEB)
    return actual_enter(actor=actor, indicator=platforms, org_unit=liunan, period="2022-Q1", value="3")


def second_quarter(platforms: Indicator) -> ActualValue | None:
    return ActualValue.objects.filter(indicator=platforms, org_unit__short_name="柳南", period="2022-Q2").first()


def entry_url(platforms: Indicator, liunan: OrgUnit) -> str:
    return reverse("web:report_entry", args=[platforms.pk, liunan.pk, "2022-Q2"])


def test_a_fall_is_refused_with_the_warning_and_a_confirmation_box(
    client, reporter, platforms, liunan, first_quarter
) -> None:
    client.force_login(reporter)

    response = client.post(entry_url(platforms, liunan), {"value": "2", "note": "", "version": "", "save": "1"})

    assert response.status_code == 400
    page = parse(response)
    assert text_of(page.get_element_by_id("value-error")) == WARNING
    assert page.xpath("//input[@name='acknowledged'][@type='checkbox']/@id") == ["id_acknowledged"]
    assert page.xpath("//input[@name='value']/@value") == ["2"]
    assert second_quarter(platforms) is None


def test_the_fall_is_saved_once_acknowledged(client, reporter, platforms, liunan, first_quarter) -> None:
    client.force_login(reporter)

    response = client.post(
        entry_url(platforms, liunan), {"value": "2", "note": "更正", "version": "", "save": "1", "acknowledged": "1"}
    )

    assert response.status_code == 302
    saved = second_quarter(platforms)
    assert saved is not None
    assert (saved.value, saved.status, saved.note) == (Decimal(2), "draft", "更正")


def test_a_figure_that_does_not_fall_needs_no_confirmation(client, reporter, platforms, liunan, first_quarter) -> None:
    client.force_login(reporter)

    response = client.post(entry_url(platforms, liunan), {"value": "4", "note": "", "version": "", "save": "1"})

    assert response.status_code == 302
    assert second_quarter(platforms).value == Decimal(4)


def test_the_reviewer_sees_the_warning_next_to_the_figure_that_fell(
    client, reporter, platforms, liunan, first_quarter
) -> None:
    actor = Actor.for_user(reporter, Door.WEB)
    fallen = actual_enter(
        actor=actor, indicator=platforms, org_unit=liunan, period="2022-Q2", value="2", acknowledged=True
    )
    fallen = actual_submit(actor=actor, actual=fallen, expected_version=fallen.version)
    client.force_login(person("keji", "reviewer", department=Department.objects.get(name="市科技局")))

    page = parse(client.get(reverse("web:review")))

    # In a reviewer's words: what to check, not the reporter's instruction to confirm.
    assert text_of(page.get_element_by_id(f"warning-{fallen.pk}")) == (
        "请注意：“1. 国家级创新平台”2022-Q2的累计值2低于2022-Q1的3，请核对是否属更正"
    )
    assert page.xpath(f"//*[@id='actual-{fallen.pk}']//*[@id='warning-{fallen.pk}']")
