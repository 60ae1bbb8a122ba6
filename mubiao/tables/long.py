"""Reading long tables (one value a row): text (tab, comma or semicolon; UTF-8 or GBK) and .xlsx.

A long table has a header row naming its columns — the indicator (序号 and/or 指标名称), the unit
(单位), the period (期间) and the value (实际值) — in any order, with any other columns beside them,
which are ignored. This module only finds the columns and the cells, with their places; what the
cells mean is checked by the service that imports them, so every door checks the same way.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from mubiao.domain.names import squash
from mubiao.domain.problems import Problem, TableError
from mubiao.reporting.services import ActualRow, ActualsFile, Cell
from mubiao.tables.grid import read_text_grid

MAX_FILE_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".tsv", ".csv", ".tab", ""}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
#: How far down the header row may stand (below a title and a blank line or two).
HEADER_SEARCH_ROWS = 20

#: The words a header may use for each column, compared without spaces, case or a bracketed unit
#: of measure (实际值（家） = 实际值).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "指标序号", "指标编号"),
    "name": ("指标", "指标名称", "indicator"),
    "unit": ("单位", "单位名称", "地区", "县区", "unit"),
    "period": ("期间", "时间", "时期", "报告期", "统计期", "period"),
    "value": ("实际值", "完成值", "数值", "实际完成", "完成数", "实际", "value"),
}
_ROLE_OF = {name.lower(): role for role, names in COLUMN_NAMES.items() for name in names}
_ROLE_LABELS = {"unit": "单位", "period": "期间", "value": "实际值"}
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]$")


@dataclass(frozen=True)
class LongTable:
    """The rows of a long table and the file (and sheet) they came from."""

    file: ActualsFile
    rows: list[ActualRow]


def column_role(header: str) -> str | None:
    """Which column a header names (实际值（家） → value), or None for a column to ignore."""
    folded = _BRACKETED.sub("", squash(header)).lower()
    return _ROLE_OF.get(folded)


def _expected_header() -> str:
    return "表头一行，含 指标（或 序号/指标名称）、单位、期间、实际值 各一列"


def _header(rows: list[list[str]], source: str) -> tuple[int, dict[str, int]]:
    """The header row's index and each role's column index; every problem with it at once."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles = [(column, column_role(text)) for column, text in enumerate(cells)]
        found = [(column, role) for column, role in roles if role is not None]
        if len({role for _, role in found}) < 2:
            continue
        problems: list[Problem] = []
        columns: dict[str, int] = {}
        for column, role in found:
            if role in columns:
                problems.append(
                    Problem(
                        f"表头“{cells[column].strip()}”与第{columns[role] + 1}列重复",
                        row=index + 1,
                        column=column + 1,
                        expected="每种列只出现一次",
                    )
                )
                continue
            columns[role] = column
        if "number" not in columns and "name" not in columns:
            problems.append(
                Problem("表头缺少指标列", row=index + 1, expected="“指标”“指标名称”或“序号”列（也可两者都有）")
            )
        for role, label in _ROLE_LABELS.items():
            if role not in columns:
                names = "”“".join(COLUMN_NAMES[role])
                problems.append(Problem(f"表头缺少{label}列", row=index + 1, expected=f"“{names}”之一"))
        if problems:
            raise TableError(source, problems)
        return index, columns
    raise TableError(source, [Problem("找不到表头行", expected=_expected_header())])


def rows_from_grid(rows: list[list[str]], source: str) -> list[ActualRow]:
    """The data rows under the header, blank rows left out; places are 1-based as people count."""
    header, columns = _header(rows, source)
    indicator_columns = [columns[role] for role in ("number", "name") if role in columns]

    def cell(cells: list[str], row: int, column: int) -> Cell:
        return Cell(cells[column] if column < len(cells) else "", row, column + 1)

    found = []
    for index in range(header + 1, len(rows)):
        cells = rows[index]
        if not any(text.strip() for text in cells):
            continue
        row = index + 1
        found.append(
            ActualRow(
                row=row,
                indicator=tuple(cell(cells, row, column) for column in indicator_columns),
                unit=cell(cells, row, columns["unit"]),
                period=cell(cells, row, columns["period"]),
                value=cell(cells, row, columns["value"]),
            )
        )
    return found


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person would have typed: 12 not 12.0, a month for 2019-07-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # The shortest text that reads back as this float: what was typed, for any ordinary number.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime | date):
        # Excel turns a typed 2019-07 into the date 2019-07-01: that is a month.
        return f"{value.year}-{value.month:02d}" if value.day == 1 else value.isoformat()[:10]
    return str(value)


def _rows(sheet: Any) -> Iterator[tuple[object, ...]]:
    # From A1, so that list positions are the sheet's own rows and columns even when it starts lower.
    return sheet.iter_rows(min_row=1, min_col=1, values_only=True)


def _xlsx_sheets(content: bytes, source: str) -> list[tuple[str, list[list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike for a damaged file
        raise TableError(
            source,
            [Problem(f"无法读取 xlsx 文件（{type(error).__name__}）", expected="Excel 2007 及以后的 .xlsx 文件")],
        ) from error
    try:
        return [
            (
                sheet.title,
                [
                    [cell_text(value) for value in row]
                    for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True)
                ],
            )
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def read_long_table(content: bytes, filename: str) -> LongTable:
    """Read a long table file without writing anything; a TableError names every problem found."""
    name = Path(filename).name
    if len(content) > MAX_FILE_BYTES:
        raise TableError(
            name,
            [
                Problem(
                    f"文件过大（{len(content) // 1024 // 1024} MB）",
                    expected=f"不超过{MAX_FILE_BYTES // 1024 // 1024} MB",
                )
            ],
        )
    suffix = Path(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        grid = read_text_grid(content, name)
        return LongTable(ActualsFile(name, content), rows_from_grid(grid.rows, name))
    if suffix in XLSX_SUFFIXES:
        sheets = _xlsx_sheets(content, name)
        first_error: TableError | None = None
        for title, rows in sheets:
            # The first sheet with a header is the table; notes and charts may sit on other sheets.
            file = ActualsFile(name, content, sheet=title)
            try:
                return LongTable(file, rows_from_grid(rows, file.label))
            except TableError as error:
                # Report the first sheet that has a header, however faulty, before one that has none.
                has_header = any(problem.row is not None for problem in error.problems)
                if first_error is None or (has_header and all(p.row is None for p in first_error.problems)):
                    first_error = error
        raise first_error or TableError(name, [Problem("工作簿中没有工作表", expected=_expected_header())])
    hint = "请在 Excel 中另存为 .xlsx" if suffix == ".xls" else "CSV、制表符分隔的文本或 .xlsx"
    raise TableError(name, [Problem(f"暂不支持“{suffix}”格式", expected=hint)])
