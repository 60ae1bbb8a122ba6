"""Real .xlsx, .docx and ZIP files built in memory for tests, and ways to bend them afterwards.

The files are written by the same libraries people's files are read with (openpyxl, python-docx),
so a test exercises real Office XML. What those libraries never write — cached formula results,
a DTD, a lying central directory — is added by rewriting the finished bytes:

    xlsx_bytes([["指标", "2021"], ["专利", 12]])                      # one sheet, "Sheet1"
    xlsx_bytes({"表一": rows, "隐藏": rows}, hidden=["隐藏"], merges={"表一": ["A1:C1"]})
    with_cached_values(xlsx_bytes([[1], [2], ["=SUM(A1:A2)"]]), {"A3": 3})
    with_shared_strings(xlsx_bytes([["指标", "2021"], ["专利", 12]]))   # text as Excel stores it
    docx_bytes("××市任务分解表", "单位：万元", [["序号", "指标"], ["1", "专利"]], "备注：…")
    docx_bytes(WordTable([["合计", ""], ["1", "2"]], merges=[(0, 0, 0, 1)]))
    with_member(data, "xl/sharedStrings.xml", lambda xml: with_doctype(xml, BILLION_LAUGHS))
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import docx
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

Rows = Sequence[Sequence[object]]
#: A merged range as Grid has it: 0-based and inclusive (top row, left column, bottom row, right column).
Merge = tuple[int, int, int, int]

#: The classic entity-expansion attack: ten levels of ten, a billion "lol"s from a few hundred bytes.
BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%s;" % (b"" if level == 1 else str(level - 1).encode())) * 10)
        for level in range(1, 10)
    )
    + b"]>"
)


def xlsx_bytes(
    sheets: Mapping[str, Rows] | Rows,
    *,
    merges: Mapping[str, Sequence[str]] | Sequence[str] = (),
    number_formats: Mapping[str, Mapping[str, str]] | Mapping[str, str] | None = None,
    hidden: Collection[str] = (),
    chartsheets: Sequence[str] = (),
) -> bytes:
    """A workbook written by openpyxl.

    sheets: the rows of a single sheet called "Sheet1", or {title: rows} in workbook order. Row i,
        item j goes to the cell at row i + 1, column j + 1. A value is anything openpyxl writes:
        text, int, float, bool, date or datetime; None leaves the cell out; text starting with
        "=" is written as a formula, with no cached result (openpyxl never computes one); "#REF!"
        and the other error codes are written as error cells (t="e").
    merges: ranges such as "A1:C1" — a list for the single sheet, or {title: [ranges]}. openpyxl
        empties every cell of a range but the top-left one.
    number_formats: {"B3": "0.0%"} for the single sheet, or {title: {"B3": "0.0%"}}; a listed cell
        with no value is written as a styled empty cell.
    hidden: titles of sheets to hide. chartsheets: titles of chart sheets (each with a small bar
        chart of the first sheet's A1) added after the worksheets.
    """
    named: Mapping[str, Rows] = sheets if isinstance(sheets, Mapping) else {"Sheet1": sheets}
    single = not isinstance(sheets, Mapping)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in named.items():
        sheet = workbook.create_sheet(title)
        for row_index, row in enumerate(rows, start=1):
            for column_index, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=row_index, column=column_index, value=value)
        for coordinate, number_format in _for_sheet(number_formats or {}, title, single, {}).items():
            sheet[coordinate].number_format = number_format
        for cell_range in _for_sheet(merges, title, single, ()):
            sheet.merge_cells(cell_range)
        if title in hidden:
            sheet.sheet_state = "hidden"
    for title in chartsheets:
        # openpyxl cannot read back a chart sheet without a chart, and Excel never writes one.
        chart = BarChart()
        chart.add_data(Reference(workbook.worksheets[0], min_col=1, min_row=1, max_row=1))
        workbook.create_chartsheet(title).add_chart(chart)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _for_sheet(setting: Any, title: str, single: bool, empty: Any) -> Any:
    """A per-sheet setting: as given for a single sheet, looked up by title for several."""
    if single:
        return setting
    return setting.get(title, empty) if isinstance(setting, Mapping) else empty


def sheet_part(sheet: int = 1) -> str:
    """The member holding openpyxl's n-th worksheet (1-based, chart sheets not counted)."""
    return f"xl/worksheets/sheet{sheet}.xml"


def with_cached_values(data: bytes, values: Mapping[str, object], *, sheet: int = 1) -> bytes:
    """The workbook with computed results stored in formula cells, as Excel stores them on save.

    values: {"B3": 12} — a number, a bool, text, or an error code such as "#DIV/0!". Each listed
    cell must hold a formula written by openpyxl.
    """

    def cache(xml: bytes) -> bytes:
        for coordinate, value in values.items():
            if isinstance(value, bool):
                kind, text = "b", str(int(value))
            elif isinstance(value, int | float):
                kind, text = "n", repr(value)
            elif isinstance(value, str) and value.startswith("#"):
                kind, text = "e", value
            else:
                kind, text = "str", str(value)
            pattern = re.compile(
                rb'<c r="' + coordinate.encode() + rb'"([^>]*)>(<f[^>]*>.*?</f>|<f[^>]*/>)(?:<v>[^<]*</v>|<v\s*/>)?</c>'
            )

            def cached(
                match: re.Match[bytes], coordinate: str = coordinate, kind: str = kind, text: str = text
            ) -> bytes:
                attributes = re.sub(rb'\s+t="[^"]*"', b"", match.group(1))
                return b'<c r="%s"%s t="%s">%s<v>%s</v></c>' % (
                    coordinate.encode(),
                    attributes,
                    kind.encode(),
                    match.group(2),
                    text.encode(),
                )

            xml, count = pattern.subn(cached, xml)
            assert count == 1, f"no formula cell {coordinate} in the sheet"
        return xml

    return with_member(data, sheet_part(sheet), cache)


def with_shared_strings(data: bytes, *, sheet: int = 1) -> bytes:
    """The workbook with the sheet's text moved into a shared-string table, as Excel stores text.

    openpyxl writes text inline (t="inlineStr"); Excel writes each distinct text once, in
    xl/sharedStrings.xml, and the cell holds its index (t="s"). The part is declared as Excel
    declares it: in the content types and in the workbook's relationships.
    """
    strings: list[bytes] = []

    def shared(match: re.Match[bytes]) -> bytes:
        if match.group(2) not in strings:
            strings.append(match.group(2))
        return b'<c%s t="s"><v>%d</v></c>' % (match.group(1), strings.index(match.group(2)))

    def move(xml: bytes) -> bytes:
        return re.sub(rb'<c([^>]*?) t="inlineStr"><is>(.*?)</is></c>', shared, xml, flags=re.S)

    data = with_member(data, sheet_part(sheet), move)
    table = b"".join(b"<si>%s</si>" % text for text in strings)
    data = with_member(
        data,
        "xl/sharedStrings.xml",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
        % (len(strings), len(strings), table),
    )
    data = with_member(
        data,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType='
            b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    return with_member(
        data,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type='
            b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
        ),
    )


def with_member(data: bytes, name: str, content: bytes | Callable[[bytes], bytes]) -> bytes:
    """The ZIP with one member replaced (content, or a function of the old content) or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    replaced = False
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info)
            if info.filename == name:
                member = content(member) if callable(content) else content
                replaced = True
            target.writestr(info, member, compress_type=info.compress_type)
        if not replaced:
            assert not callable(content), f"{name} is not in the archive"
            target.writestr(name, content)
    return out.getvalue()


def with_doctype(xml: bytes, doctype: bytes = BILLION_LAUGHS) -> bytes:
    """The XML with a DTD inserted after its XML declaration (or at its start)."""
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        return xml[:end] + doctype + xml[end:]
    return doctype + xml


def zip_bytes(members: Mapping[str, bytes], *, compresslevel: int = 9) -> bytes:
    """A ZIP holding the given members, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def patch_central_directory(
    data: bytes, name: str, *, declared_size: int | None = None, encrypted: bool = False
) -> bytes:
    """The ZIP with one member's central-directory entry changed, as a hostile file would have it.

    declared_size: the uncompressed size the entry claims. encrypted: set the "encrypted" flag.
    Only the central directory is touched, which is all that zipfile's infolist() reads.
    """
    patched = bytearray(data)
    wanted = name.encode()
    position = patched.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", patched, position + 28)[0]
        if patched[position + 46 : position + 46 + name_length] == wanted:
            if declared_size is not None:
                struct.pack_into("<I", patched, position + 24, declared_size)
            if encrypted:
                flags = struct.unpack_from("<H", patched, position + 8)[0]
                struct.pack_into("<H", patched, position + 8, flags | 0x1)
            return bytes(patched)
        position = patched.find(b"PK\x01\x02", position + 4)
    raise AssertionError(f"{name} is not in the central directory")


@dataclass
class WordTable:
    """A table for docx_bytes: rows of cell text, and merged ranges as Grid has them.

    A merged range keeps the text of its top-left cell; the other cells of the range should be "".
    A "\\n" in a cell's text is written as a line break inside the cell.
    """

    rows: Sequence[Sequence[str]]
    merges: Sequence[Merge] = field(default_factory=list)


def docx_bytes(*blocks: str | Rows | WordTable) -> bytes:
    """A Word document written by python-docx, its body the given blocks in order.

    A str is a paragraph; rows (a list of lists of text) or a WordTable is a table, as wide as its
    widest row. Merges use python-docx's own cell.merge, so a horizontal range becomes one cell
    with w:gridSpan and a vertical one a column of cells with w:vMerge, as Word writes them.
    """
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table_spec = block if isinstance(block, WordTable) else WordTable(rows=block)  # type: ignore[arg-type]
        rows = table_spec.rows
        width = max((len(row) for row in rows), default=1)
        table = document.add_table(rows=len(rows), cols=width)
        # Row by row: table.cell(r, c) walks the whole table each time.
        for row, texts in zip(table.rows, rows, strict=True):
            for cell, text in zip(row.cells, texts, strict=False):
                if text:
                    cell.text = str(text)
        for top, left, bottom, right in table_spec.merges:
            table.cell(top, left).merge(table.cell(bottom, right))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
