"""The web half of the permission matrix: role × scope × action on 柳南's 高新技术企业 figure for 2022-Q1.

Allowed → the step is done. Forbidden → 403 (or 404), the figure is as it was, and the attempt is in the
audit log as a "denied" security event.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from mubiao.accounts.models import Role
from mubiao.audit.models import AuditRecord, Door
from mubiao.audit.services import Actor
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import actual_approve, actual_enter, actual_submit

pytestmark = pytest.mark.django_db

PERIOD = "2022-Q1"

#: Who acts, with which scope relative to the figure (柳南's, indicator 3 led by 市科技局).
ROLES: dict[str, tuple[str | None, dict[str, str]]] = {
    "reporter of the unit": ("reporter", {"org_unit": "柳南"}),
    "reporter of another unit": ("reporter", {"org_unit": "柳北"}),
    "reviewer of the lead department": ("reviewer", {"department": "市科技局"}),
    "reviewer of another department": ("reviewer", {"department": "市人力资源社会保障局"}),
    "viewer": ("viewer", {}),
    "administrator": ("admin", {}),
    "user without a role": (None, {}),
}

#: Which of them may do each action.
ALLOWED: dict[str, set[str]] = {
    "enter": {"reporter of the unit", "administrator"},
    "submit": {"reporter of the unit", "administrator"},
    "approve": {"reviewer of the lead department", "administrator"},
    "return": {"reviewer of the lead department", "administrator"},
    "unlock": {"administrator"},
    "view history": {"reporter of the unit", "reviewer of the lead department", "viewer", "administrator"},
}

CASES = [(role, action, role in allowed) for action, allowed in ALLOWED.items() for role in ROLES]


def unit(short_name: str) -> OrgUnit:
    return OrgUnit.objects.get(short_name=short_name)


def make_user(role: str) -> User:
    kind, scope = ROLES[role]
    user = User.objects.create_user(username=f"u{list(ROLES).index(role)}", password="x-Very-long-9")
    if kind is not None:
        Role.objects.create(
            user=user,
            kind=kind,
            org_unit=unit(scope["org_unit"]) if "org_unit" in scope else None,
            department=Department.objects.get(name=scope["department"]) if "department" in scope else None,
        )
    return user


@dataclass
class Setting:
    indicator: Indicator
    reporter: Actor
    reviewer: Actor

    def draft(self) -> ActualValue:
        return actual_enter(
            actor=self.reporter, indicator=self.indicator, org_unit=unit("柳南"), period=PERIOD, value="60"
        )

    def submitted(self) -> ActualValue:
        actual = self.draft()
        return actual_submit(actor=self.reporter, actual=actual, expected_version=actual.version)

    def approved(self) -> ActualValue:
        actual = self.submitted()
        return actual_approve(actor=self.reviewer, actual=actual, expected_version=actual.version)


@pytest.fixture
def setting(seed_plan: Plan) -> Setting:
    def actor(name: str, **role) -> Actor:
        user = User.objects.create_user(username=name, password="x-Very-long-9")
        Role.objects.create(user=user, **role)
        return Actor(door=Door.WEB, label=name, user=user)

    return Setting(
        indicator=Indicator.objects.get(plan=seed_plan, number="3"),
        reporter=actor("setup-reporter", kind="reporter", org_unit=unit("柳南")),
        reviewer=actor("setup-reviewer", kind="reviewer", department=Department.objects.get(name="市科技局")),
    )


def entry_url(setting: Setting) -> str:
    return reverse("web:report_entry", args=[setting.indicator.pk, unit("柳南").pk, PERIOD])


def prepare(action: str, setting: Setting) -> ActualValue | None:
    """The figure as the action finds it: none to enter, a draft to submit, submitted to review, approved to unlock."""
    if action == "enter":
        return None
    if action == "submit":
        return setting.draft()
    if action == "unlock":
        return setting.approved()
    return setting.submitted()


def act(action: str, client: Client, setting: Setting, actual: ActualValue | None) -> HttpResponse:
    if action == "enter":
        return client.post(entry_url(setting), {"value": "61", "version": "", "save": "1"})
    assert actual is not None
    if action == "submit":
        return client.post(entry_url(setting), {"value": "60", "version": str(actual.version), "submit": "1"})
    if action == "view history":
        return client.get(reverse("web:value_history", args=[actual.pk]))
    step = {"approve": "approve", "return": "return", "unlock": "unlock"}[action]
    return client.post(
        reverse("web:review_step", args=[actual.pk, step]), {"version": str(actual.version), "reason": "请核实"}
    )


def done(action: str, setting: Setting, actual: ActualValue | None, response: HttpResponse) -> bool:
    if action == "enter":
        return _value_of(setting) == "61"
    assert actual is not None
    if action == "view history":
        return response.status_code == 200 and "setup-reporter" in response.content.decode()
    wanted = {"submit": "submitted", "approve": "approved", "return": "returned", "unlock": "returned"}[action]
    return _status_of(actual) == wanted


def _value_of(setting: Setting) -> str | None:
    actual = ActualValue.objects.filter(indicator=setting.indicator, org_unit=unit("柳南"), period=PERIOD).first()
    return None if actual is None or actual.value is None else f"{actual.value.normalize():f}"


def _status_of(actual: ActualValue) -> str:
    return ActualValue.objects.get(pk=actual.pk).status


def _row(actual: ActualValue | None) -> tuple | None:
    if actual is None:
        return None
    fresh = ActualValue.objects.get(pk=actual.pk)
    return (fresh.status, fresh.value, fresh.version, fresh.note, fresh.return_reason)


def test_the_matrix_covers_every_role_and_action():
    assert len(CASES) == 42


@pytest.mark.parametrize(("role", "action", "allowed"), CASES, ids=[f"{r} {a}" for r, a, _ in CASES])
def test_the_web_allows_exactly_what_the_role_may_do(client, setting, role, action, allowed):
    user = make_user(role)
    client.force_login(user)
    actual = prepare(action, setting)
    row_before = _row(actual)
    records_before = AuditRecord.objects.exclude(action="denied").count()

    response = act(action, client, setting, actual)

    denied = AuditRecord.objects.filter(action="denied", actor=user)
    if allowed:
        assert response.status_code in (200, 302)
        assert done(action, setting, actual, response)
        assert not denied.exists()
    else:
        assert response.status_code in (403, 404)
        assert not done(action, setting, actual, response)
        assert _row(actual) == row_before
        assert _value_of(setting) == (None if actual is None else "60")
        assert AuditRecord.objects.exclude(action="denied").count() == records_before
        assert denied.count() == 1


@pytest.mark.parametrize("role", ["reporter of another unit", "reviewer of another department", "user without a role"])
def test_an_approved_figures_history_with_its_corrected_draft_is_refused_to_readers_without_pending_rights(
    client, setting, role
) -> None:
    draft = actual_enter(
        actor=setting.reporter, indicator=setting.indicator, org_unit=unit("柳南"), period=PERIOD, value="987"
    )
    corrected = actual_enter(
        actor=setting.reporter,
        indicator=setting.indicator,
        org_unit=unit("柳南"),
        period=PERIOD,
        value="60",
        expected_version=draft.version,
    )
    submitted = actual_submit(actor=setting.reporter, actual=corrected, expected_version=corrected.version)
    approved = actual_approve(actor=setting.reviewer, actual=submitted, expected_version=submitted.version)
    client.force_login(make_user(role))

    response = client.get(reverse("web:value_history", args=[approved.pk]))

    assert response.status_code == 403
    assert "987" not in response.content.decode()
