"""`mubiao import FILE` (with and without --dry-run) lists the reported figures a table differs from.

柳南 has reported (and had approved) 1 国家级创新平台 for 2022; a table that says 2 is a conflict: the
preview names it, the commit keeps the reported figure and names it again, in text and in JSON.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from mubiao.reporting.models import ActualValue
from tests.cli.test_commands import run
from tests.plans.reported_figures import (
    AFTER_2022_STRETCH_OF_INDICATOR_1,
    liunan_reports_and_keji_approves,
    seed_with_2022_actuals,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_2022(seed_plan):
    """柳南's 2022 figure for 国家级创新平台, approved: 1."""
    return liunan_reports_and_keji_approves(seed_plan)


CONFLICT = {
    "indicator_number": "1",
    "indicator": "国家级创新平台",
    "unit": "柳南",
    "period": "2022",
    "table_period": "2022",
    "table_value": "2",
    "reported_value": "1",
    "status": "approved",
    "row": AFTER_2022_STRETCH_OF_INDICATOR_1 + 1,
    "column": 10,
}


@pytest.fixture
def differing_table(tmp_path: Path) -> str:
    path = tmp_path / "柳州分解表v2.txt"
    path.write_bytes(seed_with_2022_actuals(liudong="2", beibu="1", liunan="2"))
    return str(path)


def test_a_dry_run_in_json_lists_the_conflict_and_writes_nothing(approved_2022, differing_table, capsys) -> None:
    figures = ActualValue.objects.count()

    assert run("import", differing_table, "--dry-run", "--format", "json") == 0

    assert json.loads(capsys.readouterr().out)["conflicts"] == [CONFLICT]
    assert ActualValue.objects.count() == figures


def test_a_dry_run_in_text_names_the_unit_period_both_figures_and_the_status(
    approved_2022, differing_table, capsys
) -> None:
    assert run("import", differing_table, "--dry-run") == 0

    out = capsys.readouterr().out
    assert "与已填报数据不一致 1 处" in out
    assert "柳南 1. 国家级创新平台 2022：表中 2，已填报 1（已通过）（第19行第10列）" in out


def test_the_commit_keeps_the_reported_figure_and_lists_the_conflict(approved_2022, differing_table, capsys) -> None:
    assert run("import", differing_table, "--format", "json") == 0

    result = json.loads(capsys.readouterr().out)
    assert result["conflicts"] == [CONFLICT]
    assert result["counts"]["conflicts"] == 1
    approved_2022.refresh_from_db()
    assert (approved_2022.value, approved_2022.status, approved_2022.version) == (Decimal(1), "approved", 3)


def test_the_commits_text_summary_lists_the_conflict(approved_2022, differing_table, capsys) -> None:
    assert run("import", differing_table) == 0

    out = capsys.readouterr().out
    assert "与已填报数据不一致 1 处（保留填报值）" in out
    assert "柳南 1. 国家级创新平台 2022：表中 2，已填报 1（已通过）" in out
