"""The seed as the spreadsheet it was before it became a PDF: the official layout, aligned, merged.

The text extracted from the PDF drifts and loses its merges; the original table had one row per
year and level, the 序号 / 指标名称 / 完成目标 / 责任单位 cells merged down each indicator's block,
the year merged over its 确保 and 力争 rows, and every figure in its unit's column. This builds
that workbook from what the reader found in the seed, so both must give the same plan.
"""

from __future__ import annotations

from decimal import Decimal

from mubiao.domain.numbers import looks_numeric
from mubiao.domain.readings import TableReading
from mubiao.tables.grid import Grid, read_text_grid
from mubiao.tables.structure import read_table
from tests.tables.builders import xlsx_bytes
from tests.tables.tables import SEED_PATH

LEVEL_WORDS = {"committed": "确保", "stretch": "力争", "actual": "实际"}


def _figure(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _block_text(grid: Grid, first_row: int, last_row: int) -> str:
    """The responsible-units text of a block as the text reader saw it: the words after the figures."""
    texts = []
    for row in range(first_row - 1, last_row):
        cells = grid.rows[row]
        level = next((c for c, cell in enumerate(cells) if cell.strip() in {"确保", "力争", "实际"}), None)
        if level is None:
            continue
        texts += [cell.strip() for cell in cells[level + 1 :] if cell.strip() and not looks_numeric(cell)]
    return " ".join(texts)


def seed_twin_xlsx() -> bytes:
    grid = read_text_grid(SEED_PATH.read_bytes(), SEED_PATH.name)
    reading: TableReading = read_table(grid)
    units = [unit.name for unit in reading.units]
    width = 5 + 1 + len(units) + 1
    responsible_column = width - 1
    rows: list[list[object]] = [
        [reading.attachment],
        [reading.title],
        ["序号", "指标名称", "完成目标", "年份", "级别", "目标分解", *[None] * len(units), "责任单位"],
        [None, None, None, None, None, "年度目标", *units, None],
    ]
    merges = [
        f"A2:{_column_letter(width - 1)}2",
        *(f"{column}3:{column}4" for column in "ABCDE"),
        f"F3:{_column_letter(5 + len(units))}3",
        f"{_column_letter(responsible_column)}3:{_column_letter(responsible_column)}4",
    ]
    values = {(v.indicator_number, v.unit, v.year, v.level): v.value for v in reading.values}
    for indicator in reading.indicators:
        first = len(rows) + 1
        for year in range(reading.start_year, reading.end_year + 1):
            levels = [
                level
                for level in ("committed", "stretch", "actual")
                if level != "actual" or any(key[0] == indicator.number and key[2:] == (year, level) for key in values)
            ]
            year_first = len(rows) + 1
            for index, level in enumerate(levels):
                row: list[object] = [None] * width
                row[4] = LEVEL_WORDS[level]
                if index == 0:
                    row[3] = year
                for position, unit in enumerate([None, *units]):
                    value = values.get((indicator.number, unit, year, level))
                    if value is not None:
                        row[5 + position] = _figure(value)
                rows.append(row)
            if len(levels) > 1:
                merges.append(f"D{year_first}:D{len(rows)}")
        rows[first - 1][0] = indicator.number
        rows[first - 1][1] = indicator.name
        rows[first - 1][2] = indicator.goal_text
        rows[first - 1][responsible_column] = _block_text(grid, indicator.first_row, indicator.last_row)
        for column in (0, 1, 2, responsible_column):
            letter = _column_letter(column)
            merges.append(f"{letter}{first}:{letter}{len(rows)}")
    for line in SEED_PATH.read_text(encoding="utf-8").split("\n"):
        if line.strip().startswith(("备注", "注：", "说明", "要求")):
            rows.append([line.strip()])
    return xlsx_bytes({"分解表": rows}, merges={"分解表": merges})
