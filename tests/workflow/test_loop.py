"""The whole loop through the services: enter, submit, return, correct, resubmit, approve, unlock."""

from decimal import Decimal

import pytest

from mubiao.audit.models import AuditRecord
from mubiao.reporting.due import actual_history
from mubiao.reporting.models import ActualStatus, ActualValue
from mubiao.reporting.selectors import plan_progress
from mubiao.reporting.workflow import actual_approve, actual_enter, actual_return, actual_submit, actual_unlock

from .conftest import web

pytestmark = pytest.mark.django_db


def liunan_progress(plan, include_pending=False, viewer=None):
    progress = plan_progress(plan, year=2019, period="2019-Q1", viewer=viewer, include_pending=include_pending)
    return {row.unit: row.actual for row in progress.rows_of("3")}["柳南"]


def test_a_figure_counts_only_once_approved_and_every_step_is_recorded(people, seed_plan, indicator3, liunan) -> None:
    reporter, reviewer, admin = web(people.reporter), web(people.reviewer), web(people.admin)

    draft = actual_enter(
        actor=reporter, indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40", note="按认定名单"
    )
    assert (draft.status, draft.version, draft.value, draft.note) == ("draft", 1, Decimal("40"), "按认定名单")
    assert liunan_progress(seed_plan, include_pending=True, viewer=people.admin) == Decimal("40")
    assert liunan_progress(seed_plan) is None

    submitted = actual_submit(actor=reporter, actual=draft, expected_version=1)
    assert (submitted.status, submitted.version, submitted.submitted_by) == ("submitted", 2, people.reporter)
    assert liunan_progress(seed_plan, include_pending=True, viewer=people.admin) == Decimal("40")
    assert liunan_progress(seed_plan) is None

    returned = actual_return(actor=reviewer, actual=submitted, reason="与认定名单不符，应为38家", expected_version=2)
    assert (returned.status, returned.version, returned.return_reason) == ("returned", 3, "与认定名单不符，应为38家")
    assert returned.reviewed_by == people.reviewer

    corrected = actual_enter(
        actor=reporter, indicator=indicator3, org_unit=liunan, period="2019-Q1", value="38", expected_version=3
    )
    assert (corrected.status, corrected.version, corrected.value) == ("draft", 4, Decimal("38"))

    resubmitted = actual_submit(actor=reporter, actual=corrected, expected_version=4)
    assert (resubmitted.status, resubmitted.version) == ("submitted", 5)
    assert liunan_progress(seed_plan) is None

    approved = actual_approve(actor=reviewer, actual=resubmitted, expected_version=5)
    assert (approved.status, approved.version, approved.return_reason) == ("approved", 6, "")
    assert liunan_progress(seed_plan) == Decimal("38")

    unlocked = actual_unlock(actor=admin, actual=approved, reason="统计局更正了名单", expected_version=6)
    assert (unlocked.status, unlocked.version, unlocked.return_reason) == ("returned", 7, "统计局更正了名单")
    assert liunan_progress(seed_plan) is None

    stored = ActualValue.objects.get(pk=draft.pk)
    assert (stored.status, stored.version, stored.value) == (ActualStatus.RETURNED, 7, Decimal("38"))
    assert ActualValue.objects.filter(indicator=indicator3, org_unit=liunan, period="2019-Q1").count() == 1

    history = actual_history(stored)
    assert [(h.action, h.actor_label, h.door, h.reason) for h in history] == [
        ("enter", "liunan", "web", ""),
        ("submit", "liunan", "web", ""),
        ("return", "keji", "web", "与认定名单不符，应为38家"),
        ("enter", "liunan", "web", ""),
        ("submit", "liunan", "web", ""),
        ("approve", "keji", "web", ""),
        ("unlock", "admin", "web", "统计局更正了名单"),
    ]
    assert [(h.before and h.before["status"], h.after["status"], h.after["version"]) for h in history] == [
        (None, "draft", 1),
        ("draft", "submitted", 2),
        ("submitted", "returned", 3),
        ("returned", "draft", 4),
        ("draft", "submitted", 5),
        ("submitted", "approved", 6),
        ("approved", "returned", 7),
    ]
    assert [h.after["value"] for h in history] == ["40", "40", "40", "38", "38", "38", "38"]
    assert history[3].before["value"] == "40"
    assert history[5].action_label == "审核通过"
    records = AuditRecord.objects.filter(object_type="reporting.actualvalue", object_id=str(stored.pk))
    assert {(r.actor_id, r.door) for r in records} == {
        (people.reporter.pk, "web"),
        (people.reviewer.pk, "web"),
        (people.admin.pk, "web"),
    }


def test_saving_a_draft_unchanged_writes_nothing(people, indicator3, liunan) -> None:
    reporter = web(people.reporter)
    draft = actual_enter(actor=reporter, indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40")
    again = actual_enter(
        actor=reporter, indicator=indicator3, org_unit=liunan, period="2019年1季度", value="40.0", expected_version=1
    )

    assert (again.pk, again.version) == (draft.pk, 1)
    assert [h.action for h in actual_history(again)] == ["enter"]
