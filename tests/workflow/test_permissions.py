"""Each action refused to those without the right: PermissionDenied, and nothing written but the security event."""

import pytest
from django.core.exceptions import PermissionDenied

from mubiao.audit.models import AuditRecord
from mubiao.orgunits.models import OrgUnit
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import (
    actual_approve,
    actual_enter,
    actual_return,
    actual_submit,
    actual_unlock,
    evidence_attach,
)

from .conftest import web

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(people, indicator3, liunan):
    draft = actual_enter(
        actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40"
    )
    return actual_submit(actor=web(people.reporter), actual=draft, expected_version=1)


@pytest.fixture
def approved(people, submitted):
    return actual_approve(actor=web(people.reviewer), actual=submitted, expected_version=2)


def only_a_denial_is_written(step, user) -> AuditRecord:
    figures = list(ActualValue.objects.order_by("pk").values_list("pk", "status", "value", "version"))
    last = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first()
    with pytest.raises(PermissionDenied):
        step()
    assert list(ActualValue.objects.order_by("pk").values_list("pk", "status", "value", "version")) == figures
    new = list(AuditRecord.objects.filter(id__gt=last))
    assert [(r.action, r.actor_id, r.door) for r in new] == [("denied", user.pk, "web")]
    return new[0]


def test_a_reporter_of_liubei_cannot_enter_liunans_figure(people, indicator3, liunan) -> None:
    user = people.other_reporter
    record = only_a_denial_is_written(
        lambda: actual_enter(actor=web(user), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40"),
        user,
    )
    assert (record.reason, record.after["action"], record.after["org_unit"]) == ("无权填报", "enter", liunan.pk)


def test_a_reporter_of_liubei_cannot_correct_liunans_existing_draft(people, indicator3, liunan) -> None:
    draft = actual_enter(
        actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40"
    )
    user = people.other_reporter
    record = only_a_denial_is_written(
        lambda: actual_enter(
            actor=web(user), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="1", expected_version=1
        ),
        user,
    )
    assert (record.object_type, record.object_id) == ("reporting.actualvalue", str(draft.pk))


def test_a_reporter_of_liubei_can_enter_liubeis_own_figure(people, indicator3) -> None:
    liubei = OrgUnit.objects.get(short_name="柳北")
    figure = actual_enter(
        actor=web(people.other_reporter), indicator=indicator3, org_unit=liubei, period="2019-Q1", value="7"
    )
    assert figure.status == "draft"


def test_a_reviewer_of_the_human_resources_bureau_cannot_approve_an_indicator_led_by_the_science_bureau(
    people, submitted
) -> None:
    user = people.other_reviewer
    record = only_a_denial_is_written(
        lambda: actual_approve(actor=web(user), actual=submitted, expected_version=2), user
    )
    assert record.reason == "无权审核"


def test_a_reviewer_of_the_human_resources_bureau_cannot_return_it_either(people, submitted) -> None:
    user = people.other_reviewer
    only_a_denial_is_written(
        lambda: actual_return(actor=web(user), actual=submitted, reason="不对", expected_version=2), user
    )


def test_a_viewer_cannot_enter(people, indicator3, liunan) -> None:
    user = people.viewer
    only_a_denial_is_written(
        lambda: actual_enter(actor=web(user), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40"),
        user,
    )


def test_a_reporter_cannot_approve_their_own_figure(people, submitted) -> None:
    user = people.reporter
    only_a_denial_is_written(lambda: actual_approve(actor=web(user), actual=submitted, expected_version=2), user)


def test_a_reviewer_cannot_submit_a_units_figure(people, indicator3, liunan) -> None:
    draft = actual_enter(
        actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40"
    )
    user = people.reviewer
    only_a_denial_is_written(lambda: actual_submit(actor=web(user), actual=draft, expected_version=1), user)


def test_a_reviewer_cannot_unlock_an_approved_figure(people, approved) -> None:
    user = people.reviewer
    record = only_a_denial_is_written(
        lambda: actual_unlock(actor=web(user), actual=approved, reason="要改", expected_version=3), user
    )
    assert record.reason == "无权解锁"


def test_another_unit_cannot_attach_evidence(people, indicator3, liunan) -> None:
    draft = actual_enter(
        actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40"
    )
    user = people.other_reporter
    only_a_denial_is_written(
        lambda: evidence_attach(actor=web(user), actual=draft, filename="a.pdf", content=b"%PDF-1.4"), user
    )


def test_a_reviewer_of_the_second_lead_department_may_approve_indicator_2(people, liunan, seed_plan) -> None:
    indicator2 = seed_plan.indicators.get(number="2")
    draft = actual_enter(actor=web(people.reporter), indicator=indicator2, org_unit=liunan, period="2019-Q1", value="1")
    submitted = actual_submit(actor=web(people.reporter), actual=draft, expected_version=1)
    approved = actual_approve(actor=web(people.other_reviewer), actual=submitted, expected_version=2)
    assert approved.status == "approved"
