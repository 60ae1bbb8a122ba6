"""The seed's spreadsheet twin: the same table drawn properly in Excel gives exactly the same plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from mubiao.plans.importing import preview_file
from mubiao.plans.models import Indicator, Plan, PlanUnit
from mubiao.plans.selectors import plan_findings, plan_long_rows
from mubiao.reporting.importing import import_table
from tests.tables.seed_twin import seed_twin_xlsx


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """Everything a plan holds, provenance aside (a row in the text is another row in the workbook)."""
    return {
        "plan": (
            plan.title,
            plan.table_title,
            plan.attachment,
            plan.area.name,
            plan.start_year,
            plan.end_year,
            plan.notes,
        ),
        "units": list(
            PlanUnit.objects.filter(plan=plan).values_list("position", "header_name", "org_unit__name", "part_of")
        ),
        "indicators": [
            (
                i.number,
                i.name,
                i.goal_text,
                i.unit_of_measure,
                i.kind,
                i.direction,
                i.responsible_units,
                i.remarks,
                sorted(i.lead_departments.values_list("name", flat=True)),
                sorted(i.milestones.values_list("year", "level", "value", "comparison")),
            )
            for i in Indicator.objects.filter(plan=plan).order_by("position")
        ],
        "values": plan_long_rows(plan),
        "findings": [f.as_dict() for f in plan_findings(plan)],
    }


def test_the_seed_twin_reads_as_the_block_layout_from_its_xlsx_sheet(liuzhou):
    understanding = preview_file(seed_twin_xlsx(), "柳州科技分解表.xlsx").understanding

    assert (understanding.layout, understanding.grid.sheet, understanding.problems) == ("blocks", "分解表", [])
    assert understanding.reading is not None
    assert len(understanding.reading.values) == 390


@pytest.mark.usefixtures("no_seed_plan")
def test_the_seed_twin_in_xlsx_gives_exactly_the_plan_the_seed_text_gives(liuzhou, seed_bytes, actor):
    with transaction.atomic():
        from_text = plan_snapshot(import_table(content=seed_bytes, filename="seed.txt", actor=actor).plan)
        transaction.set_rollback(True)
    assert not Plan.objects.exists()

    from_xlsx = plan_snapshot(import_table(content=seed_twin_xlsx(), filename="seed.xlsx", actor=actor).plan)

    assert len(from_text["values"]) == 390
    assert len(from_text["findings"]) == 14
    assert from_xlsx == from_text


def test_the_seed_twin_imported_over_the_seed_changes_nothing(seed_plan, actor):
    outcome = import_table(content=seed_twin_xlsx(), filename="seed.xlsx", actor=actor)

    assert outcome.plan == seed_plan
    assert outcome.counts["unchanged"] == 390
    assert (outcome.counts["created"], outcome.counts["updated"], outcome.counts["cleared"]) == (0, 0, 0)
    assert outcome.counts["indicators_changed"] == 0
