"""Word documents (.docx) in an office's layout: the official table as an attachment to a document.

Landscape, the attachment number and title above the table, the two header rows repeated on every
page, labels merged down their block, figures right as the workbook shows them. Word holds at most 63
columns in a table, so a plan of more than 56 units is refused with a clear word: its table goes out
as a workbook.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from mubiao.domain.numbers import format_decimal
from mubiao.domain.refusals import Refusal, Refused
from mubiao.exports.official import GROUP, LABELS, LEVEL, RESPONSIBLE, TOTAL, YEAR, OfficialTable

#: Word's limit on a table's columns.
WORD_MAX_COLUMNS = 63
SONG, HEI = "宋体", "黑体"
#: Column widths in millimetres: the labels, year, level and responsibility; the total and the units
#: share what is left of the page (at most 12 mm each).
_WIDTHS = {"序号": 8, "指标名称": 18, "计量单位": 10, "完成目标": 40, "year": 11, "level": 10, "last": 30}
_MARGIN_MM = 15
#: The cells' inner margin on the left and right, in twentieths of a point (57 ≈ 1 mm).
_CELL_PADDING = 57


def _font(run: Any, name: str, size: float, *, bold: bool = False) -> None:
    """A run's font for Latin and East Asian text alike (Word keeps them apart)."""
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _write(cell: Any, text: str, *, bold: bool = False, centre: bool = True, size: float = 9) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        _font(paragraph.add_run(text), HEI if bold else SONG, size, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _repeat_as_header(row: Any) -> None:
    """Word repeats a table's header rows at the top of every page they are marked on."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def official_document(table: OfficialTable) -> bytes:
    """The official table as a Word attachment; refused (Refused, `too_wide_for_word`) beyond 63 columns."""
    if table.width > WORD_MAX_COLUMNS:
        raise Refused(Refusal("too_wide_for_word", "format", {"units": len(table.units), "most": WORD_MAX_COLUMNS - 7}))
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    wide = len(table.units) > 16
    page_width, page_height = (420, 297) if wide else (297, 210)
    section.page_width, section.page_height = Mm(page_width), Mm(page_height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(_MARGIN_MM))

    if table.attachment:
        _font(document.add_paragraph().add_run(table.attachment), HEI, 12)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(table.title), HEI, 16, bold=True)

    body_rows = sum(len(block.rows) for block in table.blocks)
    grid = document.add_table(rows=2 + body_rows, cols=table.width)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    rows = [row.cells for row in grid.rows]  # read once: python-docx walks the XML on every cell()
    labels, last = len(LABELS), table.width - 1
    fixed = [*[_WIDTHS[label] for label in LABELS], _WIDTHS["year"], _WIDTHS["level"]]
    room = page_width - 2 * _MARGIN_MM - sum(fixed) - _WIDTHS["last"]
    figure = min(12.0, room / (len(table.units) + 1))
    widths = [*fixed, *[figure] * (len(table.units) + 1), _WIDTHS["last"]]
    # Word reads the cells' widths, LibreOffice the table grid's: both are set, and the layout fixed.
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Mm(width)
    for cells in rows:
        for cell, width in zip(cells, widths, strict=True):
            cell.width = Mm(width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    padding = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(_CELL_PADDING))
        margin.set(qn("w:type"), "dxa")
        padding.append(margin)
    grid._tbl.tblPr.append(layout)
    grid._tbl.tblPr.append(padding)

    for column, label in enumerate(LABELS):
        _write(rows[0][column], label, bold=True)
        rows[0][column].merge(rows[1][column])
    _write(rows[0][labels], GROUP, bold=True)
    rows[0][labels].merge(rows[0][last - 1])
    _write(rows[0][last], RESPONSIBLE, bold=True)
    rows[0][last].merge(rows[1][last])
    for column, text in enumerate([YEAR, LEVEL, TOTAL, *table.units], start=labels):
        _write(rows[1][column], text, bold=True)
    _repeat_as_header(grid.rows[0])
    _repeat_as_header(grid.rows[1])

    at = 2
    for block in table.blocks:
        first = at
        for year, year_rows in block.years():
            _write(rows[at][labels], str(year))
            if len(year_rows) > 1:
                rows[at][labels].merge(rows[at + len(year_rows) - 1][labels])
            for line in year_rows:
                cells = rows[at]
                _write(cells[labels + 1], line.level_label)
                for column, value in enumerate([line.total, *line.values], start=labels + 2):
                    _write(cells[column], format_decimal(value))
                at += 1
        texts = [block.number, block.name, block.unit_of_measure, block.goal_text]
        for column, text in enumerate(texts):
            _write(rows[first][column], text, centre=column != 3)
        _write(rows[first][last], block.responsibility, centre=False)
        if at - 1 > first:
            for column in [*range(labels), last]:
                rows[first][column].merge(rows[at - 1][column])

    for note in table.notes:
        _font(document.add_paragraph().add_run(note), SONG, 10)

    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()
