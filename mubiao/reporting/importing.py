"""Committing a decomposition table: the plan through its services, the 实际 rows through the actual-value writer.

A table may hold actual values (实际 rows) beside its targets. The plan, its indicators and targets
are the plans app's to write (`plan_import_table`); the actual values are written by their one
writer, `mubiao.reporting.workflow.actuals_import_write`, in the same transaction — so a figure a
unit reported is never changed by a table, and a difference comes back as a conflict.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

from django.db import transaction

from mubiao.audit.services import Actor
from mubiao.db import retry_once_if_raced
from mubiao.domain.periods import Period
from mubiao.domain.readings import TableReading
from mubiao.memory import bulk_allocation
from mubiao.plans.importing import ImportPreview, area_named, preview_file, read_file
from mubiao.plans.models import Indicator, Plan
from mubiao.plans.selectors import plan_table_files
from mubiao.plans.services import ActualFigure, ImportOutcome, plan_import_table
from mubiao.reporting.workflow import (
    FiguresOutcome,
    ImportedFigure,
    actuals_import_preview,
    actuals_import_write,
)
from mubiao.tables.mapping import LayoutMapping

#: A decomposition table's 实际 rows are whole-year figures; those a new version of the table no
#: longer gives are cleared, as its targets are (only imported ones: reported figures are kept).
TABLE_ACTUAL_KINDS = frozenset({"year"})


class _TableClears(TypedDict):
    blank_clears: bool
    clear_missing_kinds: frozenset[str]
    clearable_sources: frozenset[int] | None


def _table_clears(plan: Plan, *, has_actuals: bool, plan_is_new: bool) -> _TableClears:
    """What a table's 实际 rows may clear, the one rule for the preview and the commit: a blank cell or
    a missing year clears an imported figure an earlier table gave — none when the table has no 实际
    rows at all (it says nothing of them), nothing in a new plan, never a long table's or a unit's."""
    return {
        "blank_clears": True,
        "clear_missing_kinds": TABLE_ACTUAL_KINDS if has_actuals else frozenset(),
        "clearable_sources": None if plan_is_new else plan_table_files(plan),
    }


def _figures(actuals: list[ActualFigure]) -> list[ImportedFigure]:
    return [
        ImportedFigure(a.indicator_id, a.org_unit_id, Period.year_of(a.year), a.value, a.row, a.column) for a in actuals
    ]


def import_reading(
    *,
    reading: TableReading,
    content: bytes,
    filename: str,
    actor: Actor,
    area_name: str | None = None,
    create_units: bool = False,
) -> ImportOutcome:
    """Bring an understood table into its plan in one transaction; nothing is written on error.

    The outcome's counts add the actual values to the targets; `conflicts` lists each reported
    figure the table differs from (kept as it is).
    """
    area = area_named(area_name, filename)
    name = Path(filename).name

    def attempt() -> ImportOutcome:
        with bulk_allocation(), transaction.atomic():
            outcome = plan_import_table(
                reading=reading, content=content, filename=name, actor=actor, area=area, create_units=create_units
            )
            written = actuals_import_write(
                actor=actor,
                plan=outcome.plan,
                figures=_figures(outcome.actual_figures),
                source=outcome.source_file,
                sheet=reading.sheet,
                reason=f"导入 {name}",
                plan_is_new=outcome.plan_created,
                **_table_clears(
                    outcome.plan, has_actuals=bool(outcome.actual_figures), plan_is_new=outcome.plan_created
                ),
            )
        for key in ("created", "updated", "cleared", "unchanged"):
            outcome.counts[key] = outcome.counts.get(key, 0) + written.counts[key]
        outcome.counts["conflicts"] = written.counts["conflicts"]
        outcome.actual_changes = written.changes
        outcome.conflicts = written.conflicts
        return outcome

    return retry_once_if_raced(attempt)


def import_table(
    *,
    content: bytes,
    filename: str,
    actor: Actor,
    area_name: str | None = None,
    create_units: bool = False,
    mapping: LayoutMapping | None = None,
) -> ImportOutcome:
    """Read a table file and bring it into its plan; nothing is written on error."""
    return import_reading(
        reading=read_file(content, filename, mapping),
        content=content,
        filename=filename,
        actor=actor,
        area_name=area_name or (mapping.area if mapping else None),
        create_units=create_units,
    )


def preview_actuals(preview: ImportPreview) -> FiguresOutcome:
    """What committing the table would do to the plan's actual values, decided as the commit decides it:
    the reported figures its 实际 rows differ from (each kept, listed as a conflict) and the imported
    figures it would change or clear (ones an earlier table gave).

    Only a table whose area and plan exist can touch stored figures; the plan is found as the import
    would find it (its area and span of years).
    """
    nothing = FiguresOutcome()
    reading = preview.reading
    if reading is None or not preview.area_exists:
        return nothing
    actual_cells = [cell for cell in reading.values if cell.level == "actual"]
    if not actual_cells:
        return nothing
    plan = preview.plan
    if plan is None:
        return nothing
    indicators = {i.number: i.pk for i in Indicator.objects.filter(plan=plan)}
    figures = []
    for cell in actual_cells:
        unit_id = preview.unit_ids.get(cell.unit)
        indicator_id = indicators.get(cell.indicator_number)
        if unit_id is None or indicator_id is None:
            continue  # a new unit or indicator holds no stored figure
        figures.append(
            ImportedFigure(indicator_id, unit_id, Period.year_of(cell.year), cell.value, cell.row, cell.column)
        )
    return actuals_import_preview(
        plan=plan, figures=figures, **_table_clears(plan, has_actuals=True, plan_is_new=False)
    )


__all__ = ["ImportPreview", "import_reading", "import_table", "preview_actuals", "preview_file"]
