"""`mubiao actuals import` never changes a figure a unit reported, whatever its status; it updates imported ones.

柳东 reports 高新技术企业 for 2019-Q1 (160) through the workflow; the long table says 165. The import keeps
160 with its status and version, and lists the conflict in its text and JSON summaries.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from mubiao.accounts.models import Role, RoleKind
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualOrigin, ActualValue
from mubiao.reporting.workflow import actual_enter, actual_return, actual_submit
from tests.reporting.actual_tables import ROWS, csv_bytes
from tests.reporting.test_actuals_command import run

pytestmark = pytest.mark.django_db


def person(username: str, kind: str, **scope) -> Actor:
    user = get_user_model().objects.create_user(username=username, password="x-Long-enough-9")
    Role.objects.create(user=user, kind=kind, **scope)
    return Actor.for_user(user, Door.WEB)


def reported(plan: Plan, status: str) -> ActualValue:
    """柳东's 2019-Q1 高新技术企业 figure of 160, brought to `status` through the workflow."""
    liudong = OrgUnit.objects.get(short_name="柳东")
    reporter = person("liudong", RoleKind.REPORTER, org_unit=liudong)
    indicator = Indicator.objects.get(plan=plan, name="高新技术企业")
    actual = actual_enter(actor=reporter, indicator=indicator, org_unit=liudong, period="2019-Q1", value="160")
    if status in ("submitted", "returned"):
        actual = actual_submit(actor=reporter, actual=actual, expected_version=actual.version)
    if status == "returned":
        reviewer = person("keji", RoleKind.REVIEWER, department=Department.objects.get(name="市科技局"))
        actual = actual_return(actor=reviewer, actual=actual, reason="请附认定名单", expected_version=actual.version)
    return actual


def table(tmp_path: Path, rows: list[list[str]] = ROWS, name: str = "2019年一季度实际值.csv") -> str:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return str(path)


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_a_reported_figure_keeps_its_value_and_status_and_the_json_lists_the_conflict(
    seed_plan: Plan, tmp_path: Path, capsys, status: str
) -> None:
    actual = reported(seed_plan, status)
    version = actual.version

    assert run("actuals", "import", table(tmp_path), "--format", "json") == 0

    result = json.loads(capsys.readouterr().out)
    actual.refresh_from_db()
    assert (actual.value, actual.status, actual.origin, actual.version) == (
        Decimal(160),
        status,
        ActualOrigin.REPORTED,
        version,
    )
    assert result["conflicts"] == [
        {
            "indicator_number": "3",
            "indicator": "高新技术企业",
            "unit": "柳东",
            "period": "2019-Q1",
            "table_period": "2019-Q1",
            "table_value": "165",
            "reported_value": "160",
            "status": status,
            "row": 3,
            "column": 4,
        }
    ]
    assert (result["counts"]["conflicts"], result["counts"]["created"], result["counts"]["updated"]) == (1, 8, 0)


def test_the_text_summary_names_the_conflict_with_both_figures_and_the_status(
    seed_plan: Plan, tmp_path: Path, capsys
) -> None:
    reported(seed_plan, "submitted")

    assert run("actuals", "import", table(tmp_path)) == 0

    out = capsys.readouterr().out
    assert "与已填报数据不一致 1（保留填报值）" in out
    assert "柳东 3. 高新技术企业 2019-Q1：表中 165，已填报 160（已提交）" in out


def test_an_imported_figure_is_updated_by_a_later_table(seed_plan: Plan, tmp_path: Path, capsys) -> None:
    assert run("actuals", "import", table(tmp_path), "--format", "json") == 0
    changed = [["高新技术企业", "柳东", "2019-Q1", "166"]] + [row for row in ROWS if row[1:3] != ["柳东", "2019-Q1"]]
    capsys.readouterr()

    assert run("actuals", "import", table(tmp_path, changed, "更正.csv"), "--format", "json") == 0

    result = json.loads(capsys.readouterr().out)
    assert (result["counts"]["updated"], result["counts"]["conflicts"], result["conflicts"]) == (1, 0, [])
    figure = ActualValue.objects.get(indicator__plan=seed_plan, org_unit__short_name="柳东", period="2019-Q1")
    assert (figure.value, figure.status, figure.origin, figure.version) == (
        Decimal(166),
        "approved",
        ActualOrigin.IMPORTED,
        2,
    )
