"""Reading long tables (one value a row): text (tab, comma or semicolon; UTF-8 or GBK) and .xlsx.

A long table has a header row naming its columns — the indicator (序号 and/or 指标名称), the unit
(单位), the period (期间) and the value (实际值) — in any order, with any other columns beside them,
which are ignored. This module only finds the columns and the cells, with their places; what the
cells mean is checked by the service that imports them, so every door checks the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mubiao.domain.names import squash
from mubiao.domain.problems import Problem, TableError
from mubiao.tables.grid import read_text_grid
from mubiao.tables.sources import read_grids

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
class Cell:
    """The text of one cell and where it stands (1-based row and column, as a person counts)."""

    text: str
    row: int
    column: int


@dataclass(frozen=True)
class ActualRow:
    """One row of a long table: which indicator (by 序号 and/or 指标名称), which unit, period and value."""

    row: int
    indicator: tuple[Cell, ...]
    unit: Cell
    period: Cell
    value: Cell


@dataclass(frozen=True)
class ActualsFile:
    """The file a long table came from: kept whole, with its hash, as the values' provenance."""

    filename: str
    content: bytes
    sheet: str = ""

    @property
    def label(self) -> str:
        """How problems name the file: with its sheet, for a workbook."""
        return f"{self.filename} 工作表{self.sheet}" if self.sheet else self.filename


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


def rows_from_grid(rows: list[list[str]], source: str, *, dates_as_months: bool = False) -> list[ActualRow]:
    """The data rows under the header, blank rows left out; places are 1-based as people count.

    With `dates_as_months` (a workbook), a period cell holding the 1st of a month is that month.
    """
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
        period = cell(cells, row, columns["period"])
        if dates_as_months:
            period = Cell(period_text(period.text), period.row, period.column)
        found.append(
            ActualRow(
                row=row,
                indicator=tuple(cell(cells, row, column) for column in indicator_columns),
                unit=cell(cells, row, columns["unit"]),
                period=period,
                value=cell(cells, row, columns["value"]),
            )
        )
    return found


#: How the safe sheet reader writes a date cell at midnight (2019-07-01), and a typed month.
_FIRST_OF_MONTH = re.compile(r"(\d{4})-(\d{2})-01")


def period_text(text: str) -> str:
    """A period cell as the person typed it: Excel turns a typed 2019-07 into the date 2019-07-01.

    A date on the 1st of a month is that month; any other text is left as it is.
    """
    found = _FIRST_OF_MONTH.fullmatch(text.strip())
    return f"{found[1]}-{found[2]}" if found else text


def read_long_table(content: bytes, filename: str) -> LongTable:
    """Read a long table file without writing anything; a TableError names every problem found."""
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
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
        grid = read_text_grid(content, name)
        return LongTable(ActualsFile(name, content), rows_from_grid(grid.rows, name))
    if suffix in XLSX_SUFFIXES:
        # The same safe reader as a decomposition table's: its size, ZIP-directory (zip bomb), DTD
        # and cell-budget checks, and its words when it refuses a file.
        grids = read_grids(content, name)
        first_error: TableError | None = None
        for grid in grids:
            # The first sheet with a header is the table; notes and charts may sit on other sheets.
            file = ActualsFile(name, content, sheet=grid.sheet)
            try:
                return LongTable(file, rows_from_grid(grid.rows, file.label, dates_as_months=True))
            except TableError as error:
                # Report the first sheet that has a header, however faulty, before one that has none.
                has_header = any(problem.row is not None for problem in error.problems)
                if first_error is None or (has_header and all(p.row is None for p in first_error.problems)):
                    first_error = error
        raise first_error or TableError(name, [Problem("工作簿中没有工作表", expected=_expected_header())])
    hint = "请在 Excel 中另存为 .xlsx" if suffix == ".xls" else "CSV、制表符分隔的文本或 .xlsx"
    raise TableError(name, [Problem(f"暂不支持“{suffix}”格式", expected=hint)])
