"""Importing a decomposition table into its plan: understanding and previewing a file, its area.

`mubiao.tables` only reads the file into plain values; here the reading meets the register (known
units, the area, the plan). The commit, which also writes the table's 实际 rows through the one
writer of actual values, is `mubiao.reporting.importing` (actual values sit a layer above plans).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mubiao.domain.findings import Finding
from mubiao.domain.names import squash, stem
from mubiao.domain.problems import Problem, TableError
from mubiao.domain.readings import TableReading
from mubiao.domain.validation import validate_plan
from mubiao.memory import bulk_allocation
from mubiao.orgunits.models import OrgUnit
from mubiao.orgunits.selectors import area_find, known_unit_names, unit_resolver
from mubiao.plans.models import Plan
from mubiao.plans.selectors import plan_columns, plan_findings, plan_of_reading
from mubiao.plans.services import (
    ImportOutcome,
    IndicatorChange,
    ValueChange,
    indicators_changed_by,
    reading_fit_problems,
    targets_changed_by,
)
from mubiao.tables.mapping import LayoutMapping
from mubiao.tables.sources import read_grids
from mubiao.tables.understanding import Understanding, reading_facts, understand


@dataclass
class ImportPreview:
    """A table as understood, and what committing it would do to the register: the area, new units."""

    understanding: Understanding
    area_name: str
    area_exists: bool
    new_units: list[str] = field(default_factory=list)
    suggestions: dict[str, list[str]] = field(default_factory=dict)  # new unit → known names like it
    #: The stored plan the table goes into (None: a new plan), and the plan's org units by the table's
    #: names (None: the total, the area itself); what the commit would change is decided with these.
    plan: Plan | None = None
    unit_ids: dict[str | None, int] = field(default_factory=dict)
    #: What the table would change of the stored plan's indicators (a new name, unit, goal).
    indicator_changes: list[IndicatorChange] = field(default_factory=list)
    #: The stored targets the table would change or clear (after None), as the commit decides it.
    target_changes: list[ValueChange] = field(default_factory=list)
    #: How many targets the commit would create, update, clear and leave; None: every one is new.
    target_counts: dict[str, int] | None = None

    @property
    def reading(self) -> TableReading | None:
        return self.understanding.reading


def understand_file(content: bytes, filename: str, mapping: LayoutMapping | None = None) -> Understanding:
    """Understand a table file without writing anything; a file that cannot be opened raises TableError."""
    known = known_unit_names()

    def is_known(name: str) -> bool:
        folded = squash(name)
        return folded in known or stem(folded) in known

    with bulk_allocation():
        return understand(read_grids(content, filename), Path(filename).name, mapping, is_known)


def preview_file(content: bytes, filename: str, mapping: LayoutMapping | None = None) -> ImportPreview:
    """What importing the file would do, for the preview page and `mubiao import --dry-run`."""
    understanding = understand_file(content, filename, mapping)
    reading = understanding.reading
    area_name = (mapping.area if mapping and mapping.area else "") or (reading.area_name if reading else "")
    area = area_find(area_name) if area_name else None
    preview = ImportPreview(
        understanding=understanding, area_name=area.name if area else area_name, area_exists=bool(area)
    )
    if mapping and mapping.area and area is None:
        # A named area must exist (a typo must not found a new city); a new area comes from the title.
        understanding.problems.append(
            Problem(
                f"找不到地区“{mapping.area}”",
                expected="已有单位的名称、简称或别名；新地区请不填地区，由表格标题识别",
            )
        )
    if reading is None:
        return preview
    understanding.problems.extend(reading_fit_problems(reading))
    if area is None:
        preview.new_units = [unit.name for unit in reading.units]
        if not area_name:
            understanding.problems.append(
                Problem("无法从表格标题判断所属地区", expected="在映射中填写地区（area），如 柳州市")
            )
        return preview
    resolver = unit_resolver(area)
    plan = preview.plan = plan_of_reading(area, reading)
    in_plan = {column.org_unit_id for column in plan_columns(plan)} if plan is not None else set()
    preview.unit_ids[None] = area.pk
    for unit in reading.units:
        found = resolver.match(unit.name)
        if found is None:
            preview.new_units.append(unit.name)
            preview.suggestions[unit.name] = resolver.suggestions(unit.name)
        elif found.pk in in_plan:
            preview.unit_ids[unit.name] = found.pk
    if plan is not None:
        preview.indicator_changes = indicators_changed_by(plan, reading)
        decided = targets_changed_by(plan, reading, preview.unit_ids)
        preview.target_changes, preview.target_counts = decided.changes, decided.counts
    return preview


def read_file(content: bytes, filename: str, mapping: LayoutMapping | None = None) -> TableReading:
    """Understand a table file, or raise TableError naming every problem with its row and column."""
    understanding = understand_file(content, filename, mapping)
    if understanding.reading is None or understanding.problems:
        raise understanding.error()
    return understanding.reading


def area_named(name: str | None, filename: str) -> OrgUnit | None:
    """The area a user named for an import, or None when none was named; a name that finds none is refused."""
    if not name:
        return None
    area = area_find(name)
    if area is None:
        raise TableError(filename, [Problem(f"找不到地区“{name}”", expected="已有单位的名称、简称或别名")])
    return area


def findings_after_import(outcome: ImportOutcome, reading: TableReading) -> list[Finding]:
    """The plan's findings once imported.

    A new plan holds exactly what was read, so they come from the reading in memory (the same
    findings, tested) rather than from reading every stored value back; a plan that existed before
    is checked as stored.
    """
    if outcome.plan_created:
        with bulk_allocation():
            return validate_plan(reading_facts(reading, city=outcome.plan.area.name))
    return plan_findings(outcome.plan)
