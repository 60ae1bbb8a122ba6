"""Workbooks (.xlsx) in an office's layout: fonts, borders, merged labels, print set-up.

Written with XlsxWriter, which writes a 3,000-unit plan's 720,000 figures in about 3 s (openpyxl
took 8 s, and 70 s with a style set on each cell). Figures are numbers with a display format, never
text. A text that begins like a formula (=, +, -, @ …) is written as it is, in a cell marked
quote-prefixed: shown without a ', never evaluated, and read back unchanged by the importer.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from mubiao.domain.spreadsheets import begins_like_formula
from mubiao.exports.official import GROUP, LABELS, LEVEL, RESPONSIBLE, TOTAL, YEAR, OfficialTable
from mubiao.exports.progress import ProgressSheet

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
    """The workbook's cell formats by name, made on first use. `formats(name, text)` gives the
    quote-prefixed variant for a text that begins like a formula; further keywords (num_format,
    bg_color …) a variant of the named format."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        body = {"font_name": SONG, "font_size": 10, "valign": "vcenter", "text_wrap": True}
        cell = {**body, "border": 1}
        self.book = book
        self.specs: dict[str, dict[str, Any]] = {
            "attachment": {"font_name": HEI, "font_size": 12},
            "title": {"font_name": HEI, "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"},
            "header": {**cell, "font_name": HEI, "bold": True, "align": "center", "bg_color": "#EDEFF2"},
            "centre": {**cell, "align": "center"},
            "left": {**cell, "align": "left"},
            "year": {**cell, "align": "center", "num_format": "0"},
            "figure": {**cell, "align": "center", "num_format": NUMBER_FORMAT},
            "note": {**body, "align": "left"},
            "heading": {"font_name": HEI, "font_size": 11, "bold": True, "valign": "vcenter"},
        }
        self.made: dict[tuple[str, bool, frozenset[tuple[str, Any]]], Format] = {}

    def __call__(self, name: str, value: object = None, **variant: Any) -> Format:
        quoted = isinstance(value, str) and begins_like_formula(value)
        key = (name, quoted, frozenset(variant.items()))
        if key not in self.made:
            self.made[key] = self.book.add_format({**self.specs[name], **variant, "quote_prefix": quoted})
        return self.made[key]


def _workbook(stream: io.BytesIO) -> xlsxwriter.Workbook:
    # Text stays text: never turned into a formula or a link, whatever it begins with.
    return xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})


def _landscape(sheet: Worksheet, paper: int) -> None:
    """Printed landscape, fitted to one page wide, centred: how an office prints its attachments."""
    sheet.set_landscape()
    sheet.set_paper(paper)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()


def _merge(sheet: Worksheet, rows: tuple[int, int], columns: tuple[int, int], value: Any, style: Format) -> None:
    """Merge a range (0-based, inclusive) holding one value; a single cell is just written (as text,
    if it is text: never read as a formula or a number)."""
    (top, bottom), (left, right) = rows, columns
    if (top, left) == (bottom, right):
        if isinstance(value, str):
            sheet.write_string(top, left, value, style)
            return
        sheet.write(top, left, value, style)
    else:
        sheet.merge_range(top, left, bottom, right, value, style)


def official_workbook(table: OfficialTable) -> bytes:
    """The official table as an .xlsx: what a 科技局 attaches to its document."""
    stream = io.BytesIO()
    book = _workbook(stream)
    formats = _Formats(book)
    sheet = book.add_worksheet("分解表")
    units = len(table.units)
    labels = len(LABELS)
    year_column, level_column, total_column = labels, labels + 1, labels + 2
    last = table.width - 1  # the responsibility column

    for column, size in enumerate([5, 14, 7, 36, 7, 6, 9, *[8] * units, 28]):
        sheet.set_column(column, column, size)
    _landscape(sheet, A3 if units > WIDE_TABLE_UNITS else A4)

    if table.attachment:
        sheet.write_string(0, 0, table.attachment, formats("attachment", table.attachment))
    sheet.set_row(1, 36)
    _merge(sheet, (1, 1), (0, last), table.title, formats("title", table.title))

    top = 2
    for column, label in enumerate(LABELS):
        _merge(sheet, (top, top + 1), (column, column), label, formats("header"))
    _merge(sheet, (top, top), (year_column, last - 1), GROUP, formats("header"))
    _merge(sheet, (top, top + 1), (last, last), RESPONSIBLE, formats("header"))
    for column, name in enumerate([YEAR, LEVEL, TOTAL, *table.units], start=year_column):
        sheet.write_string(top + 1, column, name, formats("header", name))
    sheet.repeat_rows(top, top + 1)
    sheet.freeze_panes(top + 2, total_column + 1)

    row = top + 2
    for block in table.blocks:
        first = row
        for year, rows in block.years():
            _merge(sheet, (row, row + len(rows) - 1), (year_column, year_column), year, formats("year"))
            for line in rows:
                sheet.write_string(row, level_column, line.level_label, formats("centre"))
                figures = [_number(line.total), *map(_number, line.values)]
                sheet.write_row(row, total_column, figures, formats("figure"))
                row += 1
        span = (first, max(row - 1, first))
        texts = (block.number, block.name, block.unit_of_measure, block.goal_text)
        for column, text in enumerate(texts):
            _merge(sheet, span, (column, column), text, formats("left" if column == 3 else "centre", text))
        _merge(sheet, span, (last, last), block.responsibility, formats("left", block.responsibility))

    row += 1
    for note in table.notes:
        _merge(sheet, (row, row), (0, last), note, formats("note", note))
        row += 1

    book.close()
    return stream.getvalue()


# -- the progress sheet (附件1) ------------------------------------------------------------------------

#: Excel's own good / neutral / bad colours, which every office reads the same way.
FLAG_COLOURS = {"green": ("#C6EFCE", "#006100"), "yellow": ("#FFEB9C", "#9C5700"), "red": ("#FFC7CE", "#9C0006")}
PERCENT, POINTS, CHANGE = "0.0%", "+0.0;-0.0;0.0", "+0.0%;-0.0%;0.0%"
NO_FIGURE = "-"


def _figure_or_dash(sheet: Worksheet, row: int, column: int, value: Decimal | int | None, style: Format,
                    dash: Format) -> None:  # fmt: skip
    """A number as a number; nothing to show (no target, no figure, nothing to compare) as "-"."""
    if value is None:
        sheet.write_string(row, column, NO_FIGURE, dash)
    else:
        sheet.write_number(row, column, float(value), style)


def progress_workbook(progress: ProgressSheet) -> bytes:
    """The progress sheet (附件1) as an .xlsx: one section per indicator, the city's row first."""
    stream = io.BytesIO()
    book = _workbook(stream)
    formats = _Formats(book)

    def cell(number_format: str = "", flag: str = "", *, bold: bool = False, value: object = None) -> Format:
        """A body cell: centred, a number format, a colour flag, bold for the city's row."""
        variant: dict[str, Any] = {"bold": bold, "text_wrap": False}
        if number_format:
            variant["num_format"] = number_format
        if flag:
            variant["bg_color"], variant["font_color"] = FLAG_COLOURS[flag]
        return formats("centre", value, **variant)

    sheet = book.add_worksheet("完成情况")
    headers = progress.headers
    last = len(headers) - 1
    for column, size in enumerate([6, 14, 11, 11, 12, 11, 11, 11, 14, 10, 6, 11]):
        sheet.set_column(column, column, size)
    _landscape(sheet, A4)

    sheet.write_string(0, 0, "附件1", formats("attachment"))
    sheet.set_row(1, 30)
    _merge(sheet, (1, 1), (0, last), progress.title, formats("title", progress.title))
    info = (
        f"统计期间：{progress.period_label}　　制表日期：{progress.made_on:%Y年%m月%d日}　　仅含已审核数据"
        f"　　标色：绿—达到或超过序时进度；黄—落后序时{progress.warning_points}—{progress.alarm_points}个百分点；"
        f"红—落后{progress.alarm_points}个百分点以上"
    )
    _merge(sheet, (2, 2), (0, last), info, formats("note"))

    dash, plain = cell(), cell(NUMBER_FORMAT)
    row = 4
    for section in progress.sections:
        _merge(sheet, (row, row), (0, last), section.title, formats("heading", section.title))
        sheet.write_row(row + 1, 0, headers, formats("header"))
        row += 2
        position = 0
        for line in section.rows:
            strong = line.is_city  # the city's row stands out
            if not line.is_city:
                position += 1
            sheet.write(row, 0, "" if line.is_city else position, cell(bold=strong))
            sheet.write_string(row, 1, line.unit, cell(bold=strong, value=line.unit))
            for column, value in ((2, line.committed), (3, line.stretch), (4, line.actual)):
                _figure_or_dash(sheet, row, column, value, cell(NUMBER_FORMAT, bold=strong), dash)
            _figure_or_dash(sheet, row, 5, line.rate_committed, cell(PERCENT), dash)
            _figure_or_dash(sheet, row, 6, line.rate_stretch, cell(PERCENT), dash)
            _figure_or_dash(sheet, row, 7, line.expected_rate, cell(PERCENT), dash)
            _figure_or_dash(sheet, row, 8, line.gap_points, cell(POINTS, line.flag), cell("", line.flag))
            _figure_or_dash(sheet, row, 9, line.year_on_year, cell(CHANGE), dash)
            _figure_or_dash(sheet, row, 10, line.rank, plain, dash)
            sheet.write_string(row, 11, line.status, cell("", line.flag))
            row += 1
        row += 1

    book.close()
    return stream.getvalue()
