"""A 通报 as a Word document (.docx), laid out after GB/T 9704-2012.

The body on A4 portrait (版心 156 × 225 mm: 天头 37 mm, 订口 28 mm): the issuer's red masthead, the issue
number, the red rule, the title, 主送机关, the sections (headings in 黑体, paragraphs in 仿宋 3号 with a
two-character indent, 22 lines a page), the 附件 list, signature and date. Then each attachment on its own
landscape A4 section, its tables' header rows repeated on every page; then the 版记 at the foot of a last
portrait page. Page numbers "— 1 —" sit right on odd pages and left on even ones.

The attachments' tables are built as XML directly: python-docx's cell objects cost a walk of the table
on every access, and a bulletin of fifty tables would spend seconds on them.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from mubiao.exports.bulletin_document import Attachment, BulletinDocument, Table

SONG, HEI, FANGSONG = "宋体", "黑体", "仿宋"
RED = "FF0000"
#: Chinese type sizes in points: 二号, 三号, 四号.
SIZE_2, SIZE_3, SIZE_4 = 22.0, 16.0, 14.0
#: The body's exact line pitch: 22 lines to the 225 mm of the 版心.
LINE_PITCH = 29.0
PORTRAIT = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26, "footer": 22}
LANDSCAPE = {"width": 297, "height": 210, "top": 20, "bottom": 22, "left": 20, "right": 20, "footer": 10}
#: Twentieths of a point per millimetre.
TWIPS_PER_MM = 1440 / 25.4
#: Cells' inner margin left and right (57 twips ≈ 1 mm).
CELL_PADDING = 57
#: The room for an attachment's number (1. to 10.) in the 附件 list, in characters.
NUMBER_WIDTH = 1.6
#: Tables of at most this many rows are kept on one page (a landscape page holds about 28 of 9 pt).
KEEP_WHOLE_ROWS = 24
#: Characters XML 1.0 cannot hold: a stray control character in a name must not make the file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text_width(text: str, *, latin: float = 0.5) -> float:
    """Width in full-width characters: Latin letters and digits take `latin` of one (half in 宋体)."""
    return sum(latin if ord(char) < 0x2000 else 1.0 for char in text)


#: Where a two-line title breaks well: before these words, or after these characters.
_BREAK_BEFORE = ("关于", "转发", "印发", "完成", "情况", "工作", "进展", "执行")
_BREAK_AFTER = "年、和与及"
_NO_LINE_START = "，。、；：？！）》」』”’%"
_NO_LINE_END = "（《「『“‘"


def title_lines(title: str, capacity: float = 20.0) -> tuple[str, ...]:
    """The title's lines: as written when it has line breaks; one line when it fits `capacity` characters;
    else two, broken before a word such as 完成 or 情况 (the one nearest the middle), or at the middle when
    there is none (a 2号 title holds 20 characters to the 156 mm line). Longer titles are left to wrap.
    """
    if "\n" in title:
        return tuple(title.split("\n"))
    # Digits are measured wide (0.6): a title that only just fits in 宋体 may not in the PDF's font.
    whole = text_width(title, latin=0.6)
    if whole <= capacity or whole > 2 * capacity:
        return (title,)
    best: tuple[bool, float, int] | None = None
    for at in range(1, len(title)):
        before, after = title[:at], title[at:]
        first, second = text_width(before, latin=0.6), text_width(after, latin=0.6)
        joined = before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum()
        if first > capacity or second > capacity or joined or after[0] in _NO_LINE_START or before[-1] in _NO_LINE_END:
            continue
        good = after.startswith(_BREAK_BEFORE) or before[-1] in _BREAK_AFTER
        # A break before a word beats any other; then the most even lines, the upper one the longer.
        score = (not good, abs(first - second) + (0.5 if first < second else 0), at)
        if best is None or score < best:
            best = score
    return (title,) if best is None else (title[: best[2]], title[best[2] :])


def _plain(text: str) -> str:
    return _NOT_XML.sub("", text)


def _font(run: Any, name: str, size: float, *, bold: bool = False, color: str | None = None) -> None:
    """A run's font for Latin and East Asian text alike (Word keeps them apart)."""
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _paragraph(
    container: Any,
    text: str,
    *,
    font: str = FANGSONG,
    size: float = SIZE_3,
    bold: bool = False,
    color: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line: float = 0,
    left: float = 0,
    right: float = 0,
    before: float = 0,
    line: float | None = LINE_PITCH,
) -> Paragraph:
    """A paragraph of one run; indents and spacing in points, line the exact pitch (None: single)."""
    paragraph: Paragraph = container.add_paragraph()
    layout = paragraph.paragraph_format
    layout.space_before, layout.space_after = Pt(before), Pt(0)
    if line is not None:
        layout.line_spacing = Pt(line)
    if align is not None:
        paragraph.alignment = align
    if first_line:
        layout.first_line_indent = Pt(first_line)
    if left:
        layout.left_indent = Pt(left)
    if right:
        layout.right_indent = Pt(right)
    if text:
        _font(paragraph.add_run(_plain(text)), font, size, bold=bold, color=color)
    return paragraph


def _border(paragraph: Paragraph, *sides: tuple[str, int, str, int]) -> None:
    """Rules drawn with the paragraph: (side, width in eighths of a point, colour, space above in points)."""
    borders = OxmlElement("w:pBdr")
    for side, width, color, space in sides:
        rule = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", str(width)), ("space", str(space)), ("color", color)):
            rule.set(qn(f"w:{key}"), value)
        borders.append(rule)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_BORDERS)


#: What follows w:pBdr in a paragraph's properties, and w:vAlign in a section's: the schema fixes the order,
#: and Word holds to it.
_AFTER_BORDERS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_VALIGN = (
    "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
    "w:sectPrChange",
)  # fmt: skip


def _page(section: Any, geometry: dict[str, int], *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(geometry["width"]), Mm(geometry["height"])
    section.top_margin, section.bottom_margin = Mm(geometry["top"]), Mm(geometry["bottom"])
    section.left_margin, section.right_margin = Mm(geometry["left"]), Mm(geometry["right"])
    section.header_distance, section.footer_distance = Mm(12), Mm(geometry["footer"])


def _page_number(paragraph: Paragraph) -> None:
    """— 1 —: the PAGE field between two dashes, in 4号 宋体."""

    def run(text: str = "") -> Any:
        made = paragraph.add_run(text)
        _font(made, SONG, SIZE_4)
        return made

    def field(kind: str) -> None:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        run()._r.append(mark)

    run("— ")
    field("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = " PAGE "
    run()._r.append(code)
    field("separate")
    run("1")  # shown until the field is updated; Word and LibreOffice update it on opening
    field("end")
    run(" —")


def _footers(document: Any, section: Any) -> None:
    """Odd pages carry the number on the right, even pages on the left, one character in from the edge."""
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(SIZE_4)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(SIZE_4)
    _page_number(even)


def masthead_size(issuer: str) -> float:
    """The masthead's size in points: as large as the name fits the 版心 (at most about 18 mm a character)."""
    room = (PORTRAIT["width"] - PORTRAIT["left"] - PORTRAIT["right"]) / 25.4 * 72
    return max(26.0, min(52.0, room * 0.92 / max(text_width(issuer), 1)))


def issue_text(document: BulletinDocument) -> str:
    """第3期, and for a re-issue 第3期（第2版）."""
    return document.issue_label + (f"（第{document.version}版）" if document.version > 1 else "")


def copies_line(document: BulletinDocument) -> str:
    """The 抄送 list as the 版记 prints it, closed by a full stop; empty when there is none."""
    copies = document.copies_to
    return copies if not copies or copies.endswith("。") else copies + "。"


def _masthead(document: Any, bulletin: BulletinDocument) -> None:
    _paragraph(document, bulletin.issuer, font=SONG, size=masthead_size(bulletin.issuer), bold=True, color=RED,
               align=WD_ALIGN_PARAGRAPH.CENTER, line=None)  # fmt: skip
    label = _paragraph(document, issue_text(bulletin), align=WD_ALIGN_PARAGRAPH.CENTER, before=8, line=None)
    _border(label, ("bottom", 18, RED, 10))


def _title_block(document: Any, bulletin: BulletinDocument) -> None:
    title = _paragraph(document, "", align=WD_ALIGN_PARAGRAPH.CENTER, before=2 * LINE_PITCH, line=36)
    for index, line in enumerate(title_lines(bulletin.title)):
        run = title.add_run()
        if index:
            run.add_break()
        run.add_text(_plain(line))
        _font(run, SONG, SIZE_2, bold=True)
    if bulletin.notice:
        _paragraph(document, bulletin.notice, size=12, color="595959", align=WD_ALIGN_PARAGRAPH.CENTER, before=4,
                   line=None)  # fmt: skip
    _paragraph(document, bulletin.recipients, before=LINE_PITCH)


def _body(document: Any, bulletin: BulletinDocument) -> None:
    last = None
    for section in bulletin.sections:
        heading = _paragraph(document, section.heading, font=HEI, first_line=2 * SIZE_3)
        heading.paragraph_format.keep_with_next = True
        for text in section.paragraphs:
            last = _paragraph(document, text, first_line=2 * SIZE_3)
    if last is not None:
        # The 附件 list and the signature never open a page alone: the body's last paragraph comes with them.
        last.paragraph_format.keep_with_next = True


def _attachment_list(document: Any, bulletin: BulletinDocument) -> None:
    """附件：1.… two characters in; the later numbers under the first, and a long name's next line under its
    first character (GB/T 9704 7.3.3.4).
    """
    number = NUMBER_WIDTH * SIZE_3
    left = 5 * SIZE_3 + number
    for index, (label, name) in enumerate(bulletin.attachment_items):
        first = index == 0
        # Tabs rather than the characters' widths place the numbers and the names, whatever the font.
        text = ("附件：\t" if first else "") + label + "\t" + name
        item = _paragraph(document, text, left=left, first_line=-(3 * SIZE_3 + number if first else number),
                          before=LINE_PITCH if first else 0)  # fmt: skip
        item.paragraph_format.tab_stops.add_tab_stop(Pt(left - number))
        item.paragraph_format.tab_stops.add_tab_stop(Pt(left))
        item.paragraph_format.keep_with_next = True


def _signature(document: Any, bulletin: BulletinDocument) -> None:
    """The date four characters in from the right, the signature centred over it (or the reverse when longer)."""
    widest = max(text_width(bulletin.signature), text_width(bulletin.date_text))
    for index, text in enumerate((bulletin.signature, bulletin.date_text)):
        right = (4 + (widest - text_width(text)) / 2) * SIZE_3
        line = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT, right=right,
                          before=2 * LINE_PITCH if index == 0 else 0)  # fmt: skip
        line.paragraph_format.keep_with_next = index == 0


def _colophon(document: Any, bulletin: BulletinDocument) -> None:
    """版记 at the foot of a last portrait page: 抄送 and 印发 between rules, the outer ones heavier."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, PORTRAIT, landscape=False)
    alignment = OxmlElement("w:vAlign")
    alignment.set(qn("w:val"), "bottom")
    section._sectPr.insert_element_before(alignment, *_AFTER_VALIGN)
    room = (PORTRAIT["width"] - PORTRAIT["left"] - PORTRAIT["right"]) / 25.4 * 72
    height = (PORTRAIT["height"] - PORTRAIT["top"] - PORTRAIT["bottom"]) / 25.4 * 72
    copies = "抄送：" + copies_line(bulletin) if bulletin.copies_to else ""
    lines = 1 + (math.ceil(text_width(copies) / (room / SIZE_4 - 2)) if copies else 0)
    # Word sets the section's content at the foot of the page (vAlign); LibreOffice does not, so the 版记
    # is also pushed down by the room above it, less a line to spare.
    above = max(0.0, height - (lines + 1) * LINE_PITCH - 16)
    heavy, light = 8, 6
    if copies:
        line = _paragraph(document, copies, size=SIZE_4, left=SIZE_4, right=SIZE_4, before=above)
        _border(line, ("top", heavy, "000000", 4), ("bottom", light, "000000", 4))
        above = 0
    printed = _paragraph(document, bulletin.printed_by or bulletin.issuer, size=SIZE_4, left=SIZE_4, right=SIZE_4,
                         before=above)  # fmt: skip
    printed.paragraph_format.tab_stops.add_tab_stop(Pt(room - SIZE_4), WD_TAB_ALIGNMENT.RIGHT)
    _font(printed.add_run("\t" + bulletin.date_text + "印发"), FANGSONG, SIZE_4)
    _border(printed, *([] if bulletin.copies_to else [("top", heavy, "000000", 4)]), ("bottom", heavy, "000000", 4))


def _attachment(document: Any, attachment: Attachment) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, LANDSCAPE, landscape=True)
    width = LANDSCAPE["width"] - LANDSCAPE["left"] - LANDSCAPE["right"]
    _paragraph(document, attachment.label, font=HEI, size=SIZE_3, line=None)
    _paragraph(document, attachment.title, font=SONG, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6,
               line=30)  # fmt: skip
    body = document.element.body
    for number, table in enumerate(attachment.tables, start=1):
        caption = _paragraph(document, table.caption, font=HEI, size=12, before=10, line=None)
        caption.paragraph_format.space_after = Pt(4)
        caption.paragraph_format.keep_with_next = True
        last = number == len(attachment.tables)
        body.sectPr.addprevious(_table(table, width, keep_with_next=last and bool(attachment.note)))
    if attachment.note:
        _paragraph(document, attachment.note, size=10.5, before=6, line=None)


def _header_need(header: str, latin: float) -> float:
    """What a header needs, in characters: its longest line; a long one wraps before its bracket, or at its
    middle.
    """
    if "\n" in header:
        return max(text_width(line, latin=latin) for line in header.split("\n"))
    for bracket in ("(", "（"):
        if bracket in header.strip(bracket):
            head, _, tail = header.partition(bracket)
            return max(text_width(head, latin=latin), text_width(bracket + tail, latin=latin))
    width = text_width(header, latin=latin)
    return width if width <= 6 else width / 2


def header_texts(
    table: Table,
    widths: list[float],
    size: float,
    *,
    latin: float = 0.5,
    padding: float = 2 * CELL_PADDING / TWIPS_PER_MM,
) -> tuple[str, ...]:
    """The header as printed: a header too wide for its column breaks before its bracket, 与序时差 / (百分点),
    rather than wherever the line runs out.
    """
    char_mm = size * 25.4 / 72
    texts = []
    for header, width in zip(table.header, widths, strict=True):
        bracket = next((mark for mark in ("(", "（") if mark in header.strip(mark)), None)
        too_wide = text_width(header, latin=latin) * char_mm + padding + 1.0 > width
        texts.append(
            header.replace(bracket, "\n" + bracket, 1) if bracket and too_wide and "\n" not in header else header
        )
    return tuple(texts)


def column_widths(
    table: Table, width: float, size: float, *, latin: float = 0.5, padding: float = 2 * CELL_PADDING / TWIPS_PER_MM
) -> list[float]:
    """Each column's width in mm: what its longest cell needs at `size` points (a long header may wrap once),
    plus `padding` mm; the room left over is shared out evenly, and a table too wide for `width` is narrowed
    in proportion (its cells wrap). `latin`: the width of a digit or Latin letter, in characters.
    """
    columns = len(table.header)
    needs = [max(2.0, _header_need(header, latin)) for header in table.header]
    for row in table.rows:
        for column, text in enumerate(row[:columns]):
            needs[column] = max(needs[column], max(text_width(line, latin=latin) for line in text.split("\n")))
    char_mm = size * 25.4 / 72
    wanted = [need * char_mm + padding + 1.0 for need in needs]
    spare = width - sum(wanted)
    if spare >= 0:
        return [want + spare / columns for want in wanted]
    return [want * width / sum(wanted) for want in wanted]


def _w(parent: Any, tag: str, **attributes: str) -> Any:
    element = etree.SubElement(parent, qn(f"w:{tag}"))
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _table(table: Table, width: float, *, keep_with_next: bool = False) -> Any:
    """The table as a w:tbl: fixed widths, every border, the header row repeated, figures right.

    `keep_with_next`: the last row stays on the page of what follows (the attachment's note).
    """
    columns = len(table.header)
    size = 10.0 if columns <= 10 else 9.0
    millimetres = column_widths(table, width, size)
    widths = [round(mm * TWIPS_PER_MM) for mm in millimetres]
    half_points = str(round(size * 2))
    grid = etree.Element(qn("w:tbl"))
    properties = _w(grid, "tblPr")
    _w(properties, "tblW", w=str(sum(widths)), type="dxa")
    _w(properties, "jc", val="center")
    borders = _w(properties, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _w(borders, side, val="single", sz="4", space="0", color="000000")
    _w(properties, "tblLayout", type="fixed")
    margins = _w(properties, "tblCellMar")
    _w(margins, "top", w="20", type="dxa")
    _w(margins, "left", w=str(CELL_PADDING), type="dxa")
    _w(margins, "bottom", w="20", type="dxa")
    _w(margins, "right", w=str(CELL_PADDING), type="dxa")
    _w(properties, "tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0", noHBand="1",
       noVBand="1")  # fmt: skip
    columns_element = _w(grid, "tblGrid")
    for twips in widths:
        _w(columns_element, "gridCol", w=str(twips))

    def row(cells: tuple[str, ...], *, header: bool, strong: bool, keep: bool) -> None:
        line = _w(grid, "tr")
        row_properties = _w(line, "trPr")
        _w(row_properties, "cantSplit")
        if header:
            _w(row_properties, "tblHeader")
        for column in range(columns):
            text = cells[column] if column < len(cells) else ""
            cell = _w(line, "tc")
            cell_properties = _w(cell, "tcPr")
            _w(cell_properties, "tcW", w=str(widths[column]), type="dxa")
            _w(cell_properties, "vAlign", val="center")
            paragraph = _w(cell, "p")
            paragraph_properties = _w(paragraph, "pPr")
            if keep:
                _w(paragraph_properties, "keepNext")
            _w(paragraph_properties, "spacing", before="0", after="0", line="240", lineRule="auto")
            right = not header and column in table.right_columns
            _w(paragraph_properties, "jc", val="right" if right else "center")
            if text:
                run = _w(paragraph, "r")
                run_properties = _w(run, "rPr")
                font = HEI if header else SONG
                _w(run_properties, "rFonts", ascii=font, hAnsi=font, eastAsia=font)
                if strong and not header:
                    _w(run_properties, "b")
                _w(run_properties, "sz", val=half_points)
                _w(run_properties, "szCs", val=half_points)
                for index, part in enumerate(_plain(text).split("\n")):
                    if index:
                        _w(run, "br")
                    written = _w(run, "t")
                    written.text = part
                    written.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    # A table that fits a page stays whole: every row but the last keeps with the next (Word's way).
    whole = len(table.rows) <= KEEP_WHOLE_ROWS
    row(header_texts(table, millimetres, size), header=True, strong=True, keep=whole)
    for index, cells in enumerate(table.rows):
        last = index == len(table.rows) - 1
        row(cells, header=False, strong=index in table.strong_rows, keep=keep_with_next if last else whole)
    return grid


def bulletin_docx(document: BulletinDocument) -> bytes:
    """The 通报 as a .docx: the body on portrait A4, each attachment on landscape pages, the 版记 last."""
    word = Document()
    body_section = word.sections[0]
    _page(body_section, PORTRAIT, landscape=False)
    _footers(word, body_section)
    word.core_properties.title = _plain(document.title)
    word.core_properties.author = _plain(document.issuer)

    _masthead(word, document)
    _title_block(word, document)
    _body(word, document)
    _attachment_list(word, document)
    _signature(word, document)
    for attachment in document.attachments:
        _attachment(word, attachment)
    if document.has_colophon:
        _colophon(word, document)

    stream = io.BytesIO()
    word.save(stream)
    return stream.getvalue()
