"""What mubiao understood of a table, before anything is written: the preview's and --dry-run's subject.

`understand()` picks the sheet and the layout (or takes them from the mapping), reads the table,
and describes every row, column and value cell: which indicator, unit, year and level a value
became, which rows are headers, totals, 'of which' parts or notes, whether each total reconciles,
and the findings the validation rules would raise. Problems that stop a commit are listed with
their row and column; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from mubiao.domain.findings import Finding
from mubiao.domain.milestones import infer_direction, infer_kind, infer_unit_of_measure, parse_milestones
from mubiao.domain.names import squash
from mubiao.domain.numbers import looks_numeric
from mubiao.domain.problems import Problem, TableError
from mubiao.domain.readings import TableReading
from mubiao.domain.validation import IndicatorFacts, PlanFacts, validate_plan
from mubiao.domain.vocabulary import BLOCK_MARKS, YEAR
from mubiao.memory import bulk_allocation
from mubiao.tables.crosstab import read_crosstab
from mubiao.tables.grid import Grid
from mubiao.tables.mapping import LayoutMapping, MappingError
from mubiao.tables.results import LayoutResult, Reconciliation, reconcile
from mubiao.tables.structure import read_blocks

ROW_ROLE_LABELS = {
    "title": "标题",
    "units_line": "单位行",
    "header": "表头",
    "data": "数据",
    "total": "合计",
    "part": "其中项",
    "note": "备注",
    "text": "文字",
    "blank": "空行",
    "ignored": "忽略",
}
COLUMN_ROLE_LABELS = {
    "number": "序号",
    "label": "名称",
    "unit_of_measure": "计量单位",
    "year": "年份",
    "level": "级别",
    "value": "数值",
    "total": "合计",
    "part": "其中项",
    "goal": "完成目标",
    "responsible": "责任单位",
    "remark": "备注",
    "text": "文字",
    "ignored": "忽略",
}


@dataclass(frozen=True)
class CellTag:
    """What one value cell became."""

    indicator_number: str
    indicator_name: str
    unit: str  # the unit's table name, or the total's label
    year: int
    level: str
    is_total: bool = False
    is_part: bool = False


@dataclass
class Understanding:
    """A table as understood: the effective mapping, the reading, and a description of every cell."""

    filename: str
    grid: Grid
    sheets: list[str]
    layout: str
    mapping: LayoutMapping
    reading: TableReading | None
    problems: list[Problem] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    row_roles: dict[int, str] = field(default_factory=dict)
    column_roles: dict[int, str] = field(default_factory=dict)
    reconciliations: list[Reconciliation] = field(default_factory=list)

    @cached_property
    def tags(self) -> dict[tuple[int, int], CellTag]:
        """Each value cell (1-based row, column) → what it became; built on first use (a large table has
        hundreds of thousands, and the command line's summary does not need them)."""
        return _tags(self.reading) if self.reading is not None else {}

    @cached_property
    def findings(self) -> list[Finding]:
        """What the validation rules say of the reading — computed when shown, not when only committed."""
        if self.reading is None:
            return []
        with bulk_allocation():
            return validate_plan(reading_facts(self.reading))

    @property
    def can_commit(self) -> bool:
        return self.reading is not None and not self.problems

    @property
    def unreconciled(self) -> list[Reconciliation]:
        return [r for r in self.reconciliations if not r.reconciles]

    def error(self) -> TableError:
        return TableError(self.filename, self.problems)


KnownUnit = Callable[[str], bool]


def understand(
    grids: list[Grid],
    filename: str,
    mapping: LayoutMapping | None = None,
    known_unit: KnownUnit | None = None,
) -> Understanding:
    """Read the right sheet in the right layout and describe the result; never raises for a bad table."""
    wanted = mapping or LayoutMapping()
    is_known = known_unit or (lambda name: False)
    sheets = [grid.sheet for grid in grids]
    if wanted.sheet is not None:
        chosen = [grid for grid in grids if grid.sheet == wanted.sheet]
        if not chosen:
            raise TableError(
                filename,
                [Problem(f"找不到工作表“{wanted.sheet}”", expected=f"以下之一：{'、'.join(sheets) or '（无）'}")],
            )
        candidates = chosen
    else:
        candidates = grids

    results: list[tuple[Grid, LayoutResult]] = []
    for grid in candidates:
        layout = wanted.layout or guess_layout(grid)
        result = read_blocks(grid, wanted) if layout == "blocks" else read_crosstab(grid, wanted, is_known)
        results.append((grid, result))
        if result.reading is not None and not result.problems:
            break
    readable = [(g, r) for g, r in results if r.reading is not None and not r.problems]
    if readable:
        grid, result = readable[0]
    else:  # none reads: show the sheet most like a table, with its problems
        grid, result = max(results, key=lambda pair: _numeric_cells(pair[0])) if len(results) > 1 else results[0]
    result.mapping.sheet = grid.sheet or None
    understanding = Understanding(
        filename=filename,
        grid=grid,
        sheets=sheets,
        layout=result.layout,
        mapping=result.mapping,
        reading=result.reading,
        problems=result.problems,
        proposals=result.proposals,
        row_roles=result.row_roles,
        column_roles=result.column_roles,
    )
    if result.reading is not None:
        understanding.reconciliations = (
            result.reconciliations if result.reconciliations is not None else reconcile(result.reading)
        )
    return understanding


def parse_mapping(text: str, source: str) -> LayoutMapping:
    try:
        return LayoutMapping.from_json(text)
    except MappingError as exc:
        raise TableError(
            source, [Problem(str(exc), expected="mubiao import --dry-run --save-mapping 写出的映射文件")]
        ) from exc


def guess_layout(grid: Grid) -> str:
    """Blocks when rows are marked by a level word beside a year (the seed's layout); else a cross-tab."""
    marked = 0
    for cells in grid.rows[:500]:  # the first indicator's rows are enough to tell
        for column, cell in enumerate(cells):
            text = cell.strip()
            if 0 < len(text) <= 8 and squash(text) in BLOCK_MARKS:
                if any(YEAR.match(squash(left)) for left in cells[:column]):
                    marked += 1
                break
        if marked >= 2:
            return "blocks"
    return "crosstab"


def _numeric_cells(grid: Grid) -> int:
    return sum(1 for cells in grid.rows for cell in cells if looks_numeric(cell))


def _tags(reading: TableReading) -> dict[tuple[int, int], CellTag]:
    names = {indicator.number: indicator.name for indicator in reading.indicators}
    part_units = {unit.name for unit in reading.units if unit.part_of}
    part_indicators = {indicator.number for indicator in reading.indicators if indicator.parent_number}
    tags: dict[tuple[int, int], CellTag] = {}
    for value in reading.values:
        tags[(value.row, value.column)] = CellTag(
            indicator_number=value.indicator_number,
            indicator_name=names.get(value.indicator_number, value.indicator_number),
            unit=value.unit if value.unit is not None else "合计",
            year=value.year,
            level=value.level,
            is_total=value.unit is None,
            is_part=value.unit in part_units or value.indicator_number in part_indicators,
        )
    return tags


def reading_facts(reading: TableReading, city: str = "合计") -> PlanFacts:
    """A reading as the plain facts the validation rules take, so the preview shows their findings.

    `city` names the total's cell in the findings (the area's name, once it is known).
    """
    names = {unit.name for unit in reading.units}
    while city in names:  # a unit a person has renamed 合计 must not stand in for the total
        city = f"（{city}）"
    facts = PlanFacts(
        start_year=reading.start_year,
        end_year=reading.end_year,
        city=city,
        units=[unit.name for unit in reading.units],
        unit_parts={
            unit.name: (unit.part_of if _is_unit(reading, unit.part_of) else city)
            for unit in reading.units
            if unit.part_of
        },
        indicators=[
            IndicatorFacts(
                key=indicator.number,
                number=indicator.number,
                name=indicator.name,
                kind=infer_kind(indicator.goal_text, indicator.name),
                direction=infer_direction(indicator.goal_text, indicator.name),
                unit_of_measure=indicator.unit_of_measure or infer_unit_of_measure(indicator.goal_text),
                parent_key=indicator.parent_number,
                milestones=tuple(parse_milestones(indicator.goal_text)),
            )
            for indicator in reading.indicators
        ],
    )
    for value in reading.values:
        facts.cells[
            (value.indicator_number, value.unit if value.unit is not None else city, value.year, value.level)
        ] = value.value
    return facts


def _is_unit(reading: TableReading, name: str | None) -> bool:
    return any(unit.name == name for unit in reading.units)
