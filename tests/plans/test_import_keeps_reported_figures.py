"""Imports never change a figure a unit reported: the scenario of issue 9, through the import service.

柳南 reports its 2022 figure for 国家级创新平台 (indicator 1, counted in 家) through the workflow, the
市科技局 reviewer approves it, and the administrator imports the table again. The seed's only 实际 row
is for 高新技术企业 in 2018, so the tables that differ from the reported figure are the seed with a
2022 实际 row added under indicator 1.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mubiao.audit.models import AuditRecord, Door
from mubiao.audit.services import Actor
from mubiao.plans.models import Plan
from mubiao.reporting.importing import import_table, preview_actuals, preview_file
from mubiao.reporting.models import ActualOrigin, ActualValue
from tests.plans.reported_figures import (
    AFTER_2022_STRETCH_OF_INDICATOR_1,
    liunan_reports_and_keji_approves,
    seed_with_2022_actuals,
)

pytestmark = pytest.mark.django_db


def administrator() -> Actor:
    return Actor.command_line(Door.IMPORT)


@pytest.fixture
def approved_2022(seed_plan: Plan) -> ActualValue:
    return liunan_reports_and_keji_approves(seed_plan)


def stored_figures() -> list[tuple]:
    return sorted(ActualValue.objects.values_list("indicator_id", "org_unit_id", "period", "value", "version"))


def as_stored(actual: ActualValue) -> tuple[Decimal | None, str, str, int]:
    actual.refresh_from_db()
    return (actual.value, actual.status, actual.origin, actual.version)


def test_reimporting_the_very_same_table_keeps_the_approved_figure_and_changes_nothing(
    approved_2022: ActualValue, seed_bytes: bytes
) -> None:
    records = AuditRecord.objects.count()
    figures = ActualValue.objects.count()

    outcome = import_table(content=seed_bytes, filename="柳州分解表.txt", actor=administrator())

    assert as_stored(approved_2022) == (Decimal(1), "approved", ActualOrigin.REPORTED, 3)
    assert (outcome.counts["created"], outcome.counts["updated"], outcome.counts["cleared"]) == (0, 0, 0)
    assert outcome.counts["conflicts"] == 0 and outcome.conflicts == [] and outcome.actual_changes == []
    assert not outcome.changed_anything
    assert (AuditRecord.objects.count(), ActualValue.objects.count()) == (records, figures)


def test_a_table_that_differs_from_the_reported_figure_lists_a_conflict_and_keeps_the_figure(
    approved_2022: ActualValue,
) -> None:
    table = seed_with_2022_actuals(liudong="2", beibu="1", liunan="2")
    expected = {
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

    previewed = preview_actuals(preview_file(table, "柳州分解表v2.txt")).conflicts
    outcome = import_table(content=table, filename="柳州分解表v2.txt", actor=administrator())

    assert [conflict.as_dict() for conflict in previewed] == [expected]
    assert [conflict.as_dict() for conflict in outcome.conflicts] == [expected]
    assert outcome.counts["conflicts"] == 1
    assert as_stored(approved_2022) == (Decimal(1), "approved", ActualOrigin.REPORTED, 3)
    # The units nobody reported for take the table's figures, as imported ones.
    imported = ActualValue.objects.get(indicator=approved_2022.indicator, org_unit__short_name="柳东", period="2022")
    assert (imported.value, imported.status, imported.origin) == (Decimal(2), "approved", ActualOrigin.IMPORTED)


def test_a_table_that_agrees_with_the_reported_figure_lists_no_conflict(approved_2022: ActualValue) -> None:
    table = seed_with_2022_actuals(liudong="2", beibu="1", liunan="1")

    previewed = preview_actuals(preview_file(table, "柳州分解表v2.txt")).conflicts
    outcome = import_table(content=table, filename="柳州分解表v2.txt", actor=administrator())

    assert previewed == [] and outcome.conflicts == []
    assert as_stored(approved_2022) == (Decimal(1), "approved", ActualOrigin.REPORTED, 3)


def test_a_blank_cell_never_clears_a_reported_figure(approved_2022: ActualValue) -> None:
    table = seed_with_2022_actuals(liudong="2", beibu="1", liunan="")

    previewed = preview_actuals(preview_file(table, "柳州分解表v3.txt")).conflicts
    outcome = import_table(content=table, filename="柳州分解表v3.txt", actor=administrator())

    assert previewed == [] and outcome.conflicts == []
    assert outcome.counts["cleared"] == 0
    assert as_stored(approved_2022) == (Decimal(1), "approved", ActualOrigin.REPORTED, 3)


def test_reimporting_a_table_with_a_conflict_changes_nothing_at_all_the_second_time(
    approved_2022: ActualValue,
) -> None:
    table = seed_with_2022_actuals(liudong="2", beibu="1", liunan="2")
    import_table(content=table, filename="柳州分解表v2.txt", actor=administrator())
    records = AuditRecord.objects.count()
    stored = stored_figures()

    again = import_table(content=table, filename="柳州分解表v2.txt", actor=administrator())

    assert again.file_seen_before
    assert (again.counts["created"], again.counts["updated"], again.counts["cleared"]) == (0, 0, 0)
    assert [conflict.unit for conflict in again.conflicts] == ["柳南"]
    assert AuditRecord.objects.count() == records
    assert (
        sorted(ActualValue.objects.values_list("indicator_id", "org_unit_id", "period", "value", "version")) == stored
    )


def seed_with_actual_row(row: str) -> bytes:
    """The seed with its one 实际 row (高新技术企业 2018: 442 | 162 | 45 | …) replaced."""
    lines = SEED_TEXT.splitlines()
    [index] = [i for i, line in enumerate(lines) if line.strip().startswith("实际\t442")]
    lines[index] = row
    return "\n".join(lines).encode()


SEED_TEXT = (Path(__file__).resolve().parents[2] / "mubiao" / "examples" / "liuzhou_2018_2022_keji.txt").read_text(
    encoding="utf-8"
)


def test_the_preview_lists_the_imported_figures_a_corrected_table_would_change_and_the_commit_changes_them(
    seed_plan: Plan,
) -> None:
    corrected = seed_with_actual_row("\t\t\t\t实际\t443\t163\t45\t29\t57\t33\t31\t18\t8\t45\t6\t5\t\t3\t")

    previewed = preview_actuals(preview_file(corrected, "柳州分解表（更正）.txt"))
    outcome = import_table(content=corrected, filename="柳州分解表（更正）.txt", actor=administrator())

    expected = {("柳州", "2018", Decimal(442), Decimal(443)), ("柳东", "2018", Decimal(162), Decimal(163))}
    assert {(c.unit, c.period, c.before, c.after) for c in previewed.changes} == expected
    assert previewed.conflicts == []
    assert {(c.unit, c.period, c.before, c.after) for c in outcome.actual_changes} == expected
