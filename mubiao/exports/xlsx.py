"""Workbooks (.xlsx) in an office's layout: fonts, borders, merged labels, print set-up.

Written with openpyxl's write-only mode, row by row, so a 3,000-unit plan (720,000 figures) streams
out without holding a cell object per figure. Figures are numbers with a display format, never
text; every text cell passes through cell_text, so nothing in it can run as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from mubiao.domain.spreadsheets import cell_text
from mubiao.exports.official import GROUP, LABELS, LEVEL, RESPONSIBLE, TOTAL, YEAR, OfficialTable

#: Fonts an office's documents use; LibreOffice and WPS substitute what the machine has.
SONG, HEI = "宋体", "黑体"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="EDEFF2")
#: Figures without trailing zeros: 310, 12.5, 0.75.
NUMBER_FORMAT = "#,##0.####;-#,##0.####;0"
#: A4 (9) for a table of up to 16 units, A3 (8) for a wider one: both landscape, fitted to one page wide.
A4, A3 = 9, 8
WIDE_TABLE_UNITS = 16


def _number(value: Decimal | None) -> Any:
    # int for whole figures: 310 stays 310 in every viewer, and 12.5 a decimal.
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value


class _Sheet:
    """One write-only sheet and its merged ranges, written top to bottom."""

    def __init__(self, workbook: Workbook, title: str) -> None:
        self.sheet = workbook.create_sheet(title)
        self.row = 0

    def cell(
        self,
        value: Any,
        *,
        font: Font,
        alignment: Alignment,
        border: bool = True,
        fill: Any = None,
        number_format: str = NUMBER_FORMAT,
    ) -> Any:
        if isinstance(value, str):
            value = cell_text(value)
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.font, cell.alignment = font, alignment
        if border:
            cell.border = _BORDER
        if fill is not None:
            cell.fill = fill
        if isinstance(value, int | Decimal):
            cell.number_format = number_format
        return cell

    def append(self, cells: Sequence[Any], height: float | None = None) -> None:
        self.row += 1
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(list(cells))

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        if (first_row, first_column) != (last_row, last_column):
            self.sheet.merged_cells.add(
                f"{get_column_letter(first_column)}{first_row}:{get_column_letter(last_column)}{last_row}"
            )


def official_workbook(table: OfficialTable) -> bytes:
    """The official table as an .xlsx: what a 科技局 attaches to its document."""
    workbook = Workbook(write_only=True)
    out = _Sheet(workbook, "分解表")
    sheet = out.sheet
    width = table.width
    units = len(table.units)
    first_unit = len(LABELS) + 4  # 1-based: after the labels, year, level and total
    body, bold = Font(name=SONG, size=10), Font(name=HEI, size=10, bold=True)

    widths = [5, 14, 7, 36, 7, 6, 9, *[8] * units, 28]
    for column, size in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A3 if units > WIDE_TABLE_UNITS else A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.print_options.horizontalCentered = True

    plain = {"font": Font(name=HEI, size=12), "alignment": _LEFT, "border": False}
    out.append([out.cell(table.attachment, **plain)] if table.attachment else [])
    out.append([out.cell(table.title, font=Font(name=HEI, size=16, bold=True), alignment=_CENTRE, border=False)], 36)
    out.merge(out.row, 1, out.row, width)

    header = {"font": bold, "alignment": _CENTRE, "fill": _HEADER_FILL}
    top = out.row + 1
    out.append(
        [
            *[out.cell(label, **header) for label in LABELS],
            out.cell(GROUP, **header),
            *[out.cell(None, **header) for _ in range(2 + units)],
            out.cell(RESPONSIBLE, **header),
        ]
    )
    out.append(
        [
            *[out.cell(None, **header) for _ in LABELS],
            out.cell(YEAR, **header),
            out.cell(LEVEL, **header),
            out.cell(TOTAL, **header),
            *[out.cell(name, **header) for name in table.units],
            out.cell(None, **header),
        ]
    )
    for column in range(1, len(LABELS) + 1):
        out.merge(top, column, top + 1, column)
    out.merge(top, len(LABELS) + 1, top, width - 1)
    out.merge(top, width, top + 1, width)
    sheet.print_title_rows = f"{top}:{top + 1}"
    sheet.freeze_panes = f"{get_column_letter(first_unit)}{top + 2}"

    figure = {"font": body, "alignment": _CENTRE}
    for block in table.blocks:
        first = out.row + 1
        labels = [block.number, block.name, block.unit_of_measure, block.goal_text]
        for year, rows in block.years():
            year_first = out.row + 1
            for row in rows:
                leading = first == out.row + 1
                out.append(
                    [
                        *[
                            out.cell(text if leading else None, font=body, alignment=_LEFT if i == 3 else _CENTRE)
                            for i, text in enumerate(labels)
                        ],
                        out.cell(year if year_first == out.row + 1 else None, number_format="0", **figure),
                        out.cell(row.level_label, **figure),
                        out.cell(_number(row.total), **figure),
                        *[out.cell(_number(value), **figure) for value in row.values],
                        out.cell(block.responsibility if leading else None, font=body, alignment=_LEFT),
                    ]
                )
            out.merge(year_first, len(LABELS) + 1, out.row, len(LABELS) + 1)
        for column in [*range(1, len(LABELS) + 1), width]:
            out.merge(first, column, out.row, column)

    if table.notes:
        out.append([])
    for note in table.notes:
        out.append([out.cell(note, font=body, alignment=_LEFT, border=False)])
        out.merge(out.row, 1, out.row, width)

    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
