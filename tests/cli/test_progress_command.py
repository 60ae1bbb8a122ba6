"""`mubiao progress` in a terminal and as JSON: every status prints, and the operator's --pending switch."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from mubiao.accounts.models import Role
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.progress import Status
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator
from mubiao.reporting.management.commands.progress import _STATUS_STYLE
from mubiao.reporting.workflow import actual_enter, actual_submit

pytestmark = pytest.mark.django_db


def progress(capsys, *args: str) -> str:
    call_command("progress", *args)
    return capsys.readouterr().out


def test_every_status_the_core_can_give_has_a_style_in_the_terminal() -> None:
    assert set(_STATUS_STYLE) == set(Status)


def test_progress_of_a_year_where_units_did_not_report_prints_them_as_not_reported(seed_plan, capsys) -> None:
    # 2018 in the seed: 三江 and others left the 实际 cells of some indicators blank → not_reported.
    out = progress(capsys, str(seed_plan.pk), "--year", "2018")

    assert "2018年进度" in out
    assert "尚未填报" in out
    assert "完成确保" in out
    liunan_high_tech = next(line for line in out.splitlines() if "柳南" in line and "57" in line)
    assert "35" in liunan_high_tech  # 柳南's 2018 高新技术企业: actual 57 against committed 35


def test_progress_of_a_year_nobody_reported_prints_every_unit_as_not_reported(seed_plan, capsys) -> None:
    out = progress(capsys, str(seed_plan.pk), "--year", "2021", "--indicator", "3")

    unit_lines = [line for line in out.splitlines() if "柳南" in line or "三江" in line]
    assert len(unit_lines) == 2
    assert all("尚未填报" in line for line in unit_lines)


def submitted_figure(value: str) -> None:
    user = User.objects.create_user(username="liunan", password="x-Very-long-9")
    liunan = OrgUnit.objects.get(short_name="柳南")
    Role.objects.create(user=user, kind="reporter", org_unit=liunan)
    reporter = Actor(door=Door.WEB, label="liunan", user=user)
    indicator = Indicator.objects.get(plan__isnull=False, number="3")
    draft = actual_enter(actor=reporter, indicator=indicator, org_unit=liunan, period="2021-Q1", value=value)
    actual_submit(actor=reporter, actual=draft, expected_version=draft.version)


def liunan_actual(capsys, *args: str) -> object:
    rows = json.loads(progress(capsys, *args, "--format", "json"))["rows"]
    return next(row["actual"] for row in rows if row["unit"] == "柳南" and row["indicator_number"] == "3")


def test_the_operator_sees_pending_figures_only_when_asking_with_pending(seed_plan, capsys) -> None:
    submitted_figure("61")
    plan = str(seed_plan.pk)

    assert liunan_actual(capsys, plan, "--year", "2021", "--period", "2021-Q1") is None
    assert liunan_actual(capsys, plan, "--year", "2021", "--period", "2021-Q1", "--pending") == 61
