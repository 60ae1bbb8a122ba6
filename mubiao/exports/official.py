"""The plan in its official layout (附件): the decomposition table as it is published.

序号 | 指标名称 | 计量单位 | 完成目标 | 年份 | 级别 | 合计 | one column per unit | 责任单位, one block of
rows per indicator (确保, 力争 and, where approved year-end figures exist, 实际 for each year), the
attachment number and the title above, the table's notes below.

Only what everyone may see goes in: the targets, and in the 实际 rows the approved year-end figures
(plan_facts reads ActualValue.objects.official). The layout is also an input: the blocks reader reads
it back into the same plan (tests/exports/test_official.py), so an office can edit the export and
import it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from mubiao.domain.values import LEVEL_LABELS
from mubiao.domain.vocabulary import NOTE_LINE
from mubiao.plans.models import Plan, Target
from mubiao.plans.selectors import PlanColumn, plan_columns, plan_indicators, year_end_actuals

#: The header words the blocks reader knows (mubiao.tables.structure.LABEL_ROLES).
LABELS = ("序号", "指标名称", "计量单位", "完成目标")
GROUP = "目标分解"
YEAR, LEVEL, TOTAL, RESPONSIBLE = "年份", "级别", "合计", "责任单位"
ROW_LEVELS = ("committed", "stretch", "actual")


@dataclass(frozen=True)
class OfficialRow:
    year: int
    level: str  # committed, stretch or actual
    total: Decimal | None  # the city's own figure
    values: list[Decimal | None]  # one per unit column, in table order

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class OfficialBlock:
    number: str
    name: str
    unit_of_measure: str
    goal_text: str
    responsibility: str  # 牵头部门：…；责任单位：…
    rows: list[OfficialRow]

    def years(self) -> Iterator[tuple[int, list[OfficialRow]]]:
        """The block's rows year by year (a year's rows share its merged year cell)."""
        rows: list[OfficialRow] = []
        for row in self.rows:
            if rows and rows[0].year != row.year:
                yield rows[0].year, rows
                rows = []
            rows.append(row)
        if rows:
            yield rows[0].year, rows


@dataclass(frozen=True)
class OfficialTable:
    attachment: str
    title: str
    units: list[str]  # the table's names of the unit columns
    blocks: list[OfficialBlock]
    notes: list[str]  # the lines below the table: 备注：…

    @property
    def width(self) -> int:
        """Columns: the four labels, year, level, total, the units, responsibility."""
        return len(LABELS) + 3 + len(self.units) + 1


def official_title(plan: Plan) -> str:
    """The table's title as published, or one made of the plan's title and years."""
    return plan.table_title or f"{plan.title}目标分解任务表（{plan.start_year}-{plan.end_year}年）"


def responsibility_text(lead_departments: list[str], responsible_units: str) -> str:
    """牵头部门：A、B；责任单位：C — the words the blocks reader splits again."""
    parts = []
    if lead_departments:
        parts.append(f"牵头部门：{'、'.join(lead_departments)}")
    if responsible_units:
        parts.append(f"责任单位：{responsible_units}")
    return "；".join(parts)


def _figure_rows(plan: Plan, columns: list[PlanColumn]) -> dict[tuple[int, int, str], list[Decimal | None]]:
    """(indicator id, year, level) → the city's figure, then one per unit column: every stored target
    and approved year-end figure, read once (a 3,000-unit plan has 720,000) into lists, not one key each."""
    slot = {column.org_unit_id: position for position, column in enumerate(columns, start=1)}
    slot[plan.area_id] = 0
    rows: dict[tuple[int, int, str], list[Decimal | None]] = {}

    def put(indicator_id: int, unit_id: int, year: int, level: str, value: Decimal | None) -> None:
        position = slot.get(unit_id)
        if position is None:
            return  # a unit no longer among the plan's columns
        row = rows.get((indicator_id, year, level))
        if row is None:
            row = rows[(indicator_id, year, level)] = [None] * len(slot)
        row[position] = value

    targets = Target.objects.filter(indicator__plan=plan, value__isnull=False).values_list(
        "indicator_id", "org_unit_id", "year", "level", "value"
    )
    for indicator_id, unit_id, year, level, value in targets.iterator(chunk_size=20_000):
        put(indicator_id, unit_id, year, level, value)
    for (indicator_id, unit_id, year), value in year_end_actuals(plan, unit_ids=list(slot)).items():
        put(indicator_id, unit_id, year, "actual", value)
    return rows


def official_table(plan: Plan) -> OfficialTable:
    """The plan as its official table holds it: every stored target and approved year-end figure."""
    columns = plan_columns(plan)
    figures = _figure_rows(plan, columns)
    blocks = []
    # The plan's notes hold the table's own (备注：…) and what the reader noted; only the table's are written.
    notes = [line for line in plan.notes.splitlines() if NOTE_LINE.match(line.strip())]
    for indicator in plan_indicators(plan):
        rows = []
        for year in plan.years:
            for level in ROW_LEVELS:
                cells = figures.get((indicator.pk, year, level))
                # A year's 确保 row is written even when blank, so that every year of the plan has a row.
                if cells is None and level != "committed":
                    continue
                cells = cells or [None] * (len(columns) + 1)
                rows.append(OfficialRow(year, level, cells[0], cells[1:]))
        departments = [department.name for department in indicator.lead_departments.all()]
        blocks.append(
            OfficialBlock(
                number=indicator.number,
                name=indicator.name,
                unit_of_measure=indicator.unit_of_measure,
                goal_text=indicator.goal_text,
                responsibility=responsibility_text(departments, indicator.responsible_units),
                rows=rows,
            )
        )
        notes.extend(f"备注：{line}" for line in indicator.remarks.splitlines() if line.strip())
    return OfficialTable(
        attachment=plan.attachment,
        title=official_title(plan),
        units=[column.name for column in columns],
        blocks=blocks,
        notes=notes,
    )
