"""Workbooks (.xlsx) in an office's layout: fonts, borders, merged labels, print set-up.

Written with XlsxWriter, which writes a 3,000-unit plan's 720,000 figures in about 3 s (openpyxl
took 8 s, and 70 s with a style set on each cell). Figures are numbers with a display format, never
text; every text cell passes through cell_text, so nothing in it can run as a formula.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from mubiao.domain.spreadsheets import cell_text
from mubiao.exports.official import GROUP, LABELS, LEVEL, RESPONSIBLE, TOTAL, YEAR, OfficialTable

#: Fonts an office's documents use; LibreOffice and WPS substitute what the machine has.
SONG, HEI = "宋体", "黑体"
#: Figures without trailing zeros: 310, 12.5, 0.75, 1,234.5.
NUMBER_FORMAT = "#,##0.####;-#,##0.####;0"
#: A4 (9) for a table of up to 16 units, A3 (8) for a wider one: both landscape, fitted to one page wide.
A4, A3 = 9, 8
WIDE_TABLE_UNITS = 16


def _number(value: Decimal | None) -> int | float | None:
    """A stored figure as the number a spreadsheet holds (a double: 15 significant digits)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class _Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        body = {"font_name": SONG, "font_size": 10, "valign": "vcenter", "text_wrap": True}
        cell = {**body, "border": 1}
        self.attachment = book.add_format({"font_name": HEI, "font_size": 12})
        self.title = book.add_format({"font_name": HEI, "font_size": 16, "bold": True, "align": "center",
                                      "valign": "vcenter"})  # fmt: skip
        self.header = book.add_format({**cell, "font_name": HEI, "bold": True, "align": "center",
                                       "bg_color": "#EDEFF2"})  # fmt: skip
        self.centre = book.add_format({**cell, "align": "center"})
        self.left = book.add_format({**cell, "align": "left"})
        self.year = book.add_format({**cell, "align": "center", "num_format": "0"})
        self.figure = book.add_format({**cell, "align": "center", "num_format": NUMBER_FORMAT})
        self.note = book.add_format({**body, "align": "left"})


def _merge(sheet: Worksheet, rows: tuple[int, int], columns: tuple[int, int], value: Any, style: Format) -> None:
    """Merge a range (0-based, inclusive) holding one value; a single cell is just written."""
    (top, bottom), (left, right) = rows, columns
    if isinstance(value, str):
        value = cell_text(value)
    if (top, left) == (bottom, right):
        sheet.write(top, left, value, style)
    else:
        sheet.merge_range(top, left, bottom, right, value, style)


def official_workbook(table: OfficialTable) -> bytes:
    """The official table as an .xlsx: what a 科技局 attaches to its document."""
    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    formats = _Formats(book)
    sheet = book.add_worksheet("分解表")
    units = len(table.units)
    labels = len(LABELS)
    year_column, level_column, total_column = labels, labels + 1, labels + 2
    last = table.width - 1  # the responsibility column

    for column, size in enumerate([5, 14, 7, 36, 7, 6, 9, *[8] * units, 28]):
        sheet.set_column(column, column, size)
    sheet.set_landscape()
    sheet.set_paper(A3 if units > WIDE_TABLE_UNITS else A4)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()

    if table.attachment:
        sheet.write_string(0, 0, cell_text(table.attachment), formats.attachment)
    sheet.set_row(1, 36)
    _merge(sheet, (1, 1), (0, last), table.title, formats.title)

    top = 2
    for column, label in enumerate(LABELS):
        _merge(sheet, (top, top + 1), (column, column), label, formats.header)
    _merge(sheet, (top, top), (year_column, last - 1), GROUP, formats.header)
    _merge(sheet, (top, top + 1), (last, last), RESPONSIBLE, formats.header)
    sheet.write_row(top + 1, year_column, [YEAR, LEVEL, TOTAL, *map(cell_text, table.units)], formats.header)
    sheet.repeat_rows(top, top + 1)
    sheet.freeze_panes(top + 2, total_column + 1)

    row = top + 2
    for block in table.blocks:
        first = row
        for year, rows in block.years():
            _merge(sheet, (row, row + len(rows) - 1), (year_column, year_column), year, formats.year)
            for line in rows:
                sheet.write_string(row, level_column, line.level_label, formats.centre)
                sheet.write_row(row, total_column, [_number(line.total), *map(_number, line.values)], formats.figure)
                row += 1
        span = (first, max(row - 1, first))
        texts = (block.number, block.name, block.unit_of_measure, block.goal_text)
        for column, text in enumerate(texts):
            _merge(sheet, span, (column, column), text, formats.left if column == 3 else formats.centre)
        _merge(sheet, span, (last, last), block.responsibility, formats.left)

    row += 1
    for note in table.notes:
        _merge(sheet, (row, row), (0, last), note, formats.note)
        row += 1

    book.close()
    return stream.getvalue()
