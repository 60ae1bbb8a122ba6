"""A 通报 as PDF, through WeasyPrint, in the layout of the Word version (see bulletin_docx).

The HTML comes from the template exports/bulletin.html (autoescaped: every name prints as the characters it
is). The fonts are Noto Serif SC, regular and bold, that `make setup` copies from the npm package into
mubiao/exports/fonts/; WeasyPrint embeds the glyphs used, so the file reads the same on a machine with no
Chinese font. Without them the PDF is refused rather than printed in boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string

from mubiao.exports.bulletin_document import Attachment, BulletinDocument, Table
from mubiao.exports.bulletin_docx import (
    KEEP_WHOLE_ROWS,
    column_widths,
    copies_line,
    header_texts,
    issue_text,
    masthead_size,
    title_lines,
)
from mubiao.exports.pdf_parts import merged, render_in_two, render_pdf

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "NotoSerifSC_400Regular.ttf", "NotoSerifSC_700Bold.ttf"


class FontsMissing(RuntimeError):
    """The Chinese fonts the PDF embeds are not installed: the set-up was not run."""


@dataclass(frozen=True)
class Cell:
    text: str
    figure: bool


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    strong: bool


@dataclass(frozen=True)
class TableView:
    """A table as the template walks it: alignment and weight decided here, not in the template."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    compact: bool  # more than ten columns: the smaller type
    whole: bool  # short enough to keep on one page
    widths: tuple[str, ...]  # each column's share of the width, in per cent (as the Word version shares it)


#: The landscape pages' text width in mm (A4 less 20 mm each side) and the cells' padding (4 pt each side).
LANDSCAPE_WIDTH, CELL_PADDING_MM = 257.0, 8 * 25.4 / 72


def _table_view(table: Table) -> TableView:
    width = len(table.header)
    compact = width > 10
    size = 9 if compact else 10
    # Noto Serif's digits are wider than 宋体's: 0.6 of a character.
    shares = column_widths(table, LANDSCAPE_WIDTH, size, latin=0.6, padding=CELL_PADDING_MM)
    # Headers are bold, and bold is wider: measured at 0.65 a digit and a tenth larger.
    header = header_texts(table, shares, size * 1.1, latin=0.65, padding=CELL_PADDING_MM)
    rows = tuple(
        Row(
            cells=tuple(Cell(text, column in table.right_columns) for column, text in enumerate(row[:width])),
            strong=index in table.strong_rows,
        )
        for index, row in enumerate(table.rows)
    )
    widths = tuple(f"{100 * share / LANDSCAPE_WIDTH:.3f}" for share in shares)
    whole = len(table.rows) <= KEEP_WHOLE_ROWS
    return TableView(table.caption, header, rows, compact=compact, whole=whole, widths=widths)


def font_files(fonts_dir: Path = FONTS_DIR) -> tuple[Path, Path]:
    """The regular and bold font files; FontsMissing, naming what is missing and how to get it, without them."""
    files = (fonts_dir / REGULAR, fonts_dir / BOLD)
    missing = [path.name for path in files if not path.is_file()]
    if missing:
        raise FontsMissing(
            f"The bulletin's PDF embeds Noto Serif SC, and {', '.join(missing)} is not in {fonts_dir}. "
            "Run `make setup` to install the fonts (from the npm package @expo-google-fonts/noto-serif-sc)."
        )
    return files


@dataclass(frozen=True)
class AttachmentPart:
    """An attachment, or the tables of it one part of the PDF holds."""

    attachment: Attachment
    tables: tuple[Table, ...]
    show_heading: bool  # its 附件N and title (not on the part that continues it)
    show_note: bool  # the note under its last table


@dataclass(frozen=True)
class Part:
    """What one HTML document of the bulletin holds: the body or not, some attachments' tables, the 版记 or not."""

    with_body: bool
    attachments: tuple[AttachmentPart, ...]
    colophon: bool


def whole(document: BulletinDocument) -> Part:
    return Part(
        with_body=True,
        attachments=tuple(AttachmentPart(a, a.tables, True, True) for a in document.attachments),
        colophon=document.has_colophon,
    )


#: Below this many table cells one process lays the whole bulletin out (about 1.5 s); above it, two share it.
PARALLEL_FROM = 2000
#: The share of the cells the first part takes: less than half, since it lays the body out too (measured on a
#: synthetic city's 50 tables: 0.45 ends both parts together).
FIRST_SHARE = 0.45


def halves(document: BulletinDocument) -> tuple[Part, Part] | None:
    """The bulletin cut between two tables of its attachments, about FIRST_SHARE of the cells before the cut;
    None when it is too small to gain from a second process."""
    cells = [
        (index, position, len(table.rows) * len(table.header))
        for index, attachment in enumerate(document.attachments)
        for position, table in enumerate(attachment.tables)
    ]
    total = sum(count for _, _, count in cells)
    if total < PARALLEL_FROM:
        return None
    running, cut_at = 0, None
    for at, (_, _, count) in enumerate(cells):
        if running >= total * FIRST_SHARE:
            cut_at = at
            break
        running += count
    if cut_at is None:
        return None  # the cut would fall after the last table
    index, position, _ = cells[cut_at]
    attachments = document.attachments
    cut = attachments[index]
    before = [AttachmentPart(a, a.tables, True, True) for a in attachments[:index]]
    if position:
        before.append(AttachmentPart(cut, cut.tables[:position], True, False))
    after = [AttachmentPart(cut, cut.tables[position:], position == 0, True)]
    after += [AttachmentPart(a, a.tables, True, True) for a in attachments[index + 1 :]]
    head = Part(with_body=True, attachments=tuple(before), colophon=False)
    tail = Part(with_body=False, attachments=tuple(after), colophon=document.has_colophon)
    return head, tail


def _fonts_context(fonts_dir: Path) -> dict[str, str]:
    regular, bold = font_files(fonts_dir)
    return {"font_regular": regular.as_uri(), "font_bold": bold.as_uri()}


def bulletin_html(
    document: BulletinDocument, *, fonts_dir: Path = FONTS_DIR, part: Part | None = None, numbered: bool = True
) -> str:
    """The HTML WeasyPrint lays out: the body on portrait pages, each attachment on landscape ones — the whole
    bulletin, or one `part` of it."""
    part = part or whole(document)
    context = {
        "document": document,
        "with_body": part.with_body,
        "numbered": numbered,
        "issue": issue_text(document),
        "title_lines": title_lines(document.title),
        "attachment_items": document.attachment_items,
        "masthead_size": f"{masthead_size(document.issuer):.1f}",
        "attachments": [
            {
                "attachment": entry.attachment,
                "tables": [_table_view(table) for table in entry.tables],
                "show_heading": entry.show_heading,
                "show_note": entry.show_note,
            }
            for entry in part.attachments
        ],
        "colophon": part.colophon,
        "copies_to": copies_line(document),
        "printed_by": document.printed_by or document.issuer,
        **_fonts_context(fonts_dir),
    }
    return render_to_string("exports/bulletin.html", context)


def bulletin_pdf(document: BulletinDocument, *, fonts_dir: Path = FONTS_DIR) -> bytes:
    """The 通报 as PDF with its fonts embedded (subset); FontsMissing when `make setup` has not installed them.

    A long one is laid out in two processes (mubiao.exports.pdf_parts) and merged, its pages numbered as one."""
    base_url = fonts_dir.as_uri() + "/"
    split = halves(document)
    if split is not None:
        head, tail = split
        parts = render_in_two(
            bulletin_html(document, fonts_dir=fonts_dir, part=head, numbered=False),
            bulletin_html(document, fonts_dir=fonts_dir, part=tail, numbered=False),
            base_url,
        )
        if parts is not None:

            def numbers(landscape: list[bool]) -> bytes:
                html = render_to_string("exports/page_numbers.html", {"pages": landscape, **_fonts_context(fonts_dir)})
                return render_pdf(html, base_url)

            pdf = merged(list(parts), numbers, {"/Title": document.title, "/Author": document.issuer})
            if pdf is not None:
                return pdf
    return render_pdf(bulletin_html(document, fonts_dir=fonts_dir), base_url)
