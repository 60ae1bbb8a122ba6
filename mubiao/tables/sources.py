"""From an uploaded file's bytes to grids of text cells: .xlsx, .docx, or text (.csv/.tsv/.txt).

Uploads come from outside, so each step runs only once the steps before it have made it safe, and a
refusal always says, in Chinese, what was found and what was expected:

1. Size. Anything over MAX_UPLOAD_BYTES is refused before a byte of it is looked at.
2. Type, by content and never by the name: a ZIP (workbook or document), an old binary Office file,
   a PDF, or else text. A ".xlsx" that is really tab-separated text is read as text, and the other
   way round; people rename files.
3. The ZIP's central directory only: too many members, too many declared bytes, a member that
   claims to unpack a thousand times over (a zip bomb posing as a workbook), or encrypted members
   are refused before anything is decompressed. zipfile never unpacks past a member's declared
   size, so what the directory declares is what any later reader can be made to unpack.
4. The XML prolog of every member that is XML text, whatever its name: a DTD can be declared only
   before the root element, so refusing any <!DOCTYPE> there shuts out entity expansion (billion
   laughs) and external entities for every parser that later reads the part, lxml included.
5. Only then openpyxl (read-only, which uses defusedxml because it is installed) for a workbook's
   sheets and styles, lxml (no DTD, no entities, no network) for its cells, or python-docx.
   Whatever they raise on a damaged file becomes a TableError, never a traceback.

Spreadsheet cells become the text a person would type: 0.1+0.2 stored as 0.30000000000000004 reads
"0.3", a percentage-formatted 0.155 reads "15.5%", a date reads 2021-03-04. A formula whose result
was never computed (files written by scripts rather than by Excel) reads as its formula text, such
as "=SUM(B3:B5)", so that the structure reader can refuse it instead of taking it for a blank.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from docx import Document
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from lxml import etree
from openpyxl.formula.translate import Translator, TranslatorError
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from mubiao.domain.problems import Problem, TableError
from mubiao.domain.vocabulary import NOTE_LINE
from mubiao.tables.grid import Grid, Merge, read_text_grid

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

#: Limits read from a ZIP's central directory before anything is unpacked. Real workbooks and
#: documents have tens of members, unpack to a few times their size, and compress XML about ten
#: to one; a zip bomb compresses a thousand to one.
MAX_ZIP_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024

#: A prolog (XML declaration, comments) longer than this is not something any Office program
#: writes, and cannot be shown to be free of a DTD without reading further.
PROLOG_BYTES = 64 * 1024

#: Cells a file may spread over, counting the empty ones before the last cell of each row: enough
#: for any real decomposition table, and it stops a workbook that sets one cell in column XFD of
#: a million rows from filling memory.
MAX_CELLS = 5_000_000
#: Grid columns a Word table may span (Word itself stops at 63).
MAX_WORD_COLUMNS = 1000
#: Cells covered by merged ranges, all ranges together: tables merge headers and unit names.
MAX_MERGED_CELLS = 1_000_000

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_EXPECTED_FILE = "xlsx 工作簿、docx 文档，或制表符/逗号分隔的文本"

#: What openpyxl, python-docx, zipfile and the XML parsers raise on a damaged file. Every one of
#: them becomes a TableError that says the file cannot be read.
_UNREADABLE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    NotImplementedError,
    RuntimeError,
    SyntaxError,  # xml.etree.ElementTree.ParseError, which defusedxml's parsers raise
    AssertionError,
    etree.LxmlError,
    InvalidFileException,
    OpcError,
)


def read_grids(content: bytes, filename: str) -> list[Grid]:
    """The tables in a file, as grids: one per non-empty worksheet, one per Word table, or the text.

    Worksheets come in workbook order with hidden ones last; Word tables in document order. Raises
    TableError, naming the file, for anything that cannot or must not be read, and when the file
    holds no table at all.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise _refused(
            filename,
            f"文件有{len(content):,}字节，超过导入上限{MAX_UPLOAD_BYTES:,}字节（20 MB）",
            "不超过 20 MB 的" + _EXPECTED_FILE,
        )
    if content.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_PACKAGE in content:
            raise _refused(
                filename,
                "文件设置了打开密码（加密的 Office 文件），无法读取；"
                "请在 Excel/Word 中取消密码并另存为 .xlsx/.docx 后再导入",
                "未加密的 .xlsx 或 .docx",
            )
        raise _refused(
            filename,
            "旧版 .xls/.doc 格式，请在 Excel/Word 中另存为 .xlsx/.docx 后再导入",
            ".xlsx 或 .docx（Office 2007 及以后的格式）",
        )
    if b"%PDF-" in content[:1024]:
        raise _refused(filename, "PDF 文件，请先复制或导出表格为文本/Excel", _EXPECTED_FILE)
    found = _read_package(content, filename) if content.startswith(_ZIP_MAGIC) else [read_text_grid(content, filename)]
    grids = [grid for grid in found if any(cell.strip() for row in grid.rows for cell in row)]
    if not grids:
        raise _refused(filename, "文件中没有表格", "至少一个有内容的工作表或表格")
    return grids


def _refused(filename: str, message: str, expected: str = "") -> TableError:
    return TableError(filename, [Problem(message, expected=expected)])


# --- ZIP containers ---------------------------------------------------------------------------


def _read_package(content: bytes, filename: str) -> list[Grid]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except _UNREADABLE as exc:
        raise _refused(filename, "文件已损坏，无法作为压缩包（xlsx/docx）打开", _EXPECTED_FILE) from exc
    with archive:
        members = archive.infolist()
        _check_directory(members, filename)
        names = {member.filename for member in members}
        reader: Callable[[bytes, zipfile.ZipFile, str], list[Grid]]
        if "xl/workbook.xml" in names:
            reader, kind = _read_xlsx, "Excel 工作簿"
        elif "word/document.xml" in names:
            reader, kind = _read_docx, "Word 文档"
        else:
            raise _refused(filename, "压缩包（ZIP）文件，不是 Excel 工作簿或 Word 文档", _EXPECTED_FILE)
        try:
            _check_prologs(archive, members, filename)
            return reader(content, archive, filename)
        except TableError:
            raise
        except _UNREADABLE as exc:
            logger.info("cannot read %s as %s", filename, kind, exc_info=True)
            raise _refused(
                filename,
                f"文件已损坏或内容不完整，无法作为{kind}读取（{_reason(exc)}）",
                "能在 Excel/Word 中正常打开并保存过的文件",
            ) from exc


def _reason(exc: BaseException) -> str:
    detail = str(exc).strip()
    text = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _check_directory(members: list[zipfile.ZipInfo], filename: str) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refused(
            filename,
            f"压缩包内有{len(members):,}个文件，超过上限{MAX_ZIP_MEMBERS:,}个，疑似恶意文件，已拒绝",
            _EXPECTED_FILE,
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refused(
            filename,
            f"文件解压后共{unpacked:,}字节，超过上限{MAX_UNPACKED_BYTES:,}字节（200 MB），疑似压缩炸弹，已拒绝",
            _EXPECTED_FILE,
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise _refused(filename, f"文件内的“{member.filename}”已加密，无法读取", "未加密的 .xlsx 或 .docx")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise _refused(
                filename,
                f"文件内的“{member.filename}”解压后{member.file_size:,}字节，压缩比约{ratio:,.0f}:1，"
                f"超过{MAX_COMPRESSION_RATIO}:1，疑似压缩炸弹，已拒绝",
                _EXPECTED_FILE,
            )


# --- XML prologs ------------------------------------------------------------------------------

# UTF-32 first: its little-endian byte order mark begins with UTF-16's.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_EBCDIC_XML_DECLARATION = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC, which libxml2 would decode
_DECLARED_ENCODING = re.compile(r"""^<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_MARKUP = "<!DOCTYPE ENTITY -?>"


#: What a member's start shows: no DTD (or not XML at all), a DTD, or nothing that can be proven.
_Verdict = Literal["safe", "dtd", "unproven"]


def _check_prologs(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], filename: str) -> None:
    # Every member is looked at, not only *.xml and *.rels: a relationship may name any part as a
    # worksheet, and the parser reading it does not care what it is called.
    for member in members:
        if member.is_dir():
            continue
        with archive.open(member) as stream:
            head = stream.read(PROLOG_BYTES)
        verdict = _prolog(head, complete=member.file_size <= PROLOG_BYTES)
        if verdict == "dtd":
            raise _refused(
                filename,
                f"XML 中含有 DTD/实体声明，出于安全原因拒绝（文件内的“{member.filename}”）",
                "由 Excel/Word 保存的、不含 DTD 的 xlsx/docx",
            )
        if verdict == "unproven":
            raise _refused(
                filename,
                f"文件内的“{member.filename}”开头无法识别（编码不受支持，或 XML 声明前置内容过长），出于安全原因拒绝",
                "由 Excel/Word 保存的 xlsx/docx",
            )


def _prolog(head: bytes, *, complete: bool) -> _Verdict:
    """Judge the bytes before a member's root element, decoded as an XML parser would decode them."""
    text = _decoded_head(head)
    if text is None:
        return "unproven"
    stripped = text.lstrip(" \t\r\n")
    if not stripped.startswith("<"):
        return "safe"  # an image or other binary part: no XML parser accepts it
    position = len(text) - len(stripped)
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if text.startswith("<?", position):
            end, closing = text.find("?>", position + 2), 2
        elif text.startswith("<!--", position):
            end, closing = text.find("-->", position + 4), 3
        elif text.startswith("<!", position):
            return "dtd"  # <!DOCTYPE, or <!ENTITY outside one: refused alike
        elif text.startswith("<", position) and position + 1 < len(text):
            return "safe"  # the root element: nothing after it can declare a DTD
        elif complete and position == len(text):
            return "safe"  # a member with no root element: every parser rejects it
        else:
            # Stray text before the root, which no parser reads either, or a prolog longer than
            # the head (64 KB), which cannot be shown to be free of a DTD.
            return "unproven"
        if end < 0:
            return "unproven"
        position = end + closing


def _decoded_head(head: bytes) -> str | None:
    """The head as text in the encoding an XML parser would detect, or None for EBCDIC, UTF-7 and the like."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return head[len(mark) :].decode(encoding, errors="replace")
    if head.startswith(_EBCDIC_XML_DECLARATION):
        return None
    start = head[:4]
    if b"\x00" not in start:
        # Every ASCII-compatible encoding spells markup in ASCII, so Latin-1 shows it as the parser
        # will see it, unless the declaration names an encoding that spells it otherwise.
        text = head.decode("latin-1")
        declared = _DECLARED_ENCODING.match(text.lstrip(" \t\r\n"))
        return None if declared and not _keeps_markup_ascii(declared.group(1)) else text
    if start[:3] == b"\x00\x00\x00":
        return head.decode("utf-32-be", errors="replace")
    if start[1:4] == b"\x00\x00\x00":
        return head.decode("utf-32-le", errors="replace")
    if start[:1] == b"\x00" and start[1:2] != b"\x00":
        return head.decode("utf-16-be", errors="replace")
    if start[:1] != b"\x00" and start[1:2] == b"\x00":
        return head.decode("utf-16-le", errors="replace")
    return ""  # some other binary: not XML


def _keeps_markup_ascii(encoding: str) -> bool:
    """Whether a declared encoding writes markup as ASCII does, throughout.

    UTF-7 and EBCDIC spell '<!DOCTYPE' otherwise; the ISO-2022 family and HZ shift into modes where
    the bytes of '<!' are halves of Chinese or Japanese characters.
    """
    try:
        codec = codecs.lookup(encoding)
        if codec.name.startswith(("iso2022", "hz", "utf-7")):
            return False
        return _MARKUP.encode(codec.name) == _MARKUP.encode("ascii")
    except (LookupError, UnicodeError, TypeError, ValueError):
        return False


# --- Workbooks --------------------------------------------------------------------------------
#
# openpyxl reads what the workbook says about itself: its sheets, their order, visibility and
# parts, the styles and the date system. The cells, which are nearly all of a large workbook, are
# read here, streaming each sheet's XML with lxml and keeping one row in memory at a time: openpyxl's
# own row parsing takes four times as long. Each cell reads as openpyxl's read-only mode (data_only)
# would give it, in the same place, turned into the text a person would type.

_SHEET_NS = "{" + SHEET_MAIN_NS + "}"
_ROW, _VALUE, _FORMULA, _INLINE_STRING, _MERGE_CELL, _STRING_ITEM = (
    _SHEET_NS + tag for tag in ("row", "v", "f", "is", "mergeCell", "si")
)
#: How every workbook part is parsed: no DTD loaded, no entity resolved, nothing fetched, no text
#: node over 10 MB. Comments and processing instructions are dropped, as the ElementTree parser
#: openpyxl reads with drops them (text on both sides of a comment reads as one).
_PARSING: dict[str, Any] = {
    "events": ("end",),
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_DIGITS = "0123456789"

# How a number cell reads, decided once per style: as a number, a percentage, a date or time, or
# a duration ([h]:mm).
_PLAIN, _PERCENT, _DATE, _DURATION = range(4)

#: The text of a number cell that is already what _number_text makes of it: an integer of up to 15
#: digits without leading zeros, or a decimal of up to 15 digits without leading or trailing zeros
#: and at least 0.0001. Fifteen significant digits survive the trip through a float (DBL_DIG), and
#: %.15g writes numbers of that size without an exponent, so it would give back the same text.
_AS_TYPED = re.compile(r"0|-?[1-9][0-9]{0,14}|-?(?=[0-9.]{3,16}\Z)(?:0\.(?!0000)|[1-9][0-9]*\.)[0-9]*[1-9]").fullmatch


@dataclass
class _CellBudget:
    filename: str
    used: int = 0

    def spend(self, cells: int) -> None:
        self.used += cells
        if self.used > MAX_CELLS:
            raise _refused(
                self.filename,
                f"表格过大：单元格超过{MAX_CELLS:,}个（含各行最后一个单元格之前的空单元格）",
                "一个目标分解表大小的文件",
            )


class _WorkbookReader(ExcelReader):
    """openpyxl's read-only reader, leaving out the shared strings: _shared_strings reads them faster."""

    strings_part: str | None = None

    def read_strings(self) -> None:
        # The part openpyxl would read: the one the content types declare as the shared strings.
        declared = self.package.find(SHARED_STRINGS)
        self.strings_part = declared.PartName[1:] if declared is not None else None


def _read_xlsx(content: bytes, archive: zipfile.ZipFile, filename: str) -> list[Grid]:
    reader = _WorkbookReader(io.BytesIO(content), read_only=True, data_only=True)
    try:
        reader.read()
        workbook = reader.wb
        cells = _CellText(workbook, _shared_strings(archive, reader.strings_part))
        budget = _CellBudget(filename)
        visible: list[Grid] = []
        hidden: list[Grid] = []
        for sheet in workbook.worksheets:  # worksheets only: chart sheets hold no cells
            # The part openpyxl itself would read; read-only sheets expose no other.
            grid = _read_sheet(archive, sheet._worksheet_path, sheet.title, cells, filename, budget)
            if grid is not None:
                (visible if sheet.sheet_state == "visible" else hidden).append(grid)
        return visible + hidden
    finally:
        reader.archive.close()


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None:
        return []
    strings: list[str] = []
    with archive.open(part) as stream:
        for _, item in etree.iterparse(stream, tag=_STRING_ITEM, **_PARSING):
            # openpyxl drops "x005F_" from shared strings (half unescaping "_x005F_"); so does this.
            strings.append(_rich_text(item).replace("x005F_", ""))
            _discard(item)
    return strings


def _rich_text(element: Any) -> str:
    """The text of a string item (<si>, <is>): its <t>, then the <t> of each run, as openpyxl joins them.

    Phonetic runs (<rPh>, the furigana over Japanese text) are not part of it. Like openpyxl, this
    goes by local names, and where an element repeats a <t> the last one counts.
    """
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        name = _local_name(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            run: str | None = None
            for part in child:
                if _local_name(part.tag) == "t":
                    run = part.text
            if run is not None:
                runs.append(run)
    return (plain or "") + "".join(runs)


def _local_name(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _discard(element: Any) -> None:
    """Free an element read by iterparse, and the siblings before it, so that memory stays flat."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


class _CellText:
    """Cell values as text, with what each needs from the workbook: shared strings, styles, date system."""

    def __init__(self, workbook: Any, strings: list[str]) -> None:
        self.strings = strings
        self._workbook = workbook
        self._epoch = workbook.epoch
        self._date_formats = workbook._date_formats  # style indices, as openpyxl decides them
        self._duration_formats = workbook._timedelta_formats
        self._style_ids: dict[str | None, int | str] = {None: 0}
        self._kinds: dict[str | None, int] = {}
        #: The styles (values of s, None for none) seen to show numbers plainly.
        self.plain_styles: set[str | None] = set()

    def check_style(self, style: str | None) -> None:
        """Refuse a style that is not a number as openpyxl does, whatever the cell holds."""
        if style not in self._style_ids:
            self._style_ids[style] = int(style) if style else ""  # openpyxl keeps s="" as ""

    def number(self, value: str, style: str | None) -> str:
        kind = self._kinds.get(style)
        if kind is None:
            kind = self._kind(style)
        number = _cast_number(value)
        if kind == _PLAIN:
            return _number_text(number)
        if kind == _PERCENT:
            return _percent_text(_number_text(number))
        try:
            moment = from_excel(number, self._epoch, timedelta=kind == _DURATION)
        except (OverflowError, ValueError):
            return "#VALUE!"  # a date outside the calendar, which openpyxl reads as this error
        return _value_text(moment)

    def _kind(self, style: str | None) -> int:
        self.check_style(style)
        style_id = self._style_ids[style]
        if style_id in self._date_formats:
            kind = _DURATION if style_id in self._duration_formats else _DATE
        elif _is_percent_format(self._number_format(style_id)):
            kind = _PERCENT
        else:
            kind = _PLAIN
            self.plain_styles.add(style)
        self._kinds[style] = kind
        return kind

    def _number_format(self, style_id: Any) -> str:
        # As openpyxl's ReadOnlyCell.number_format finds it, raising as it raises for a style
        # the workbook does not have.
        format_id = self._workbook._cell_styles[style_id].numFmtId
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            return str(BUILTIN_FORMATS.get(format_id, "General"))
        return str(self._workbook._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE])


def _read_sheet(
    archive: zipfile.ZipFile, part: str, title: str, cells: _CellText, filename: str, budget: _CellBudget
) -> Grid | None:
    reader = _SheetReader(cells)
    rows: list[list[str]] = []
    ranges: list[str] = []
    row_number = 0
    with archive.open(part) as stream:
        for _, element in etree.iterparse(stream, tag=(_ROW, _MERGE_CELL), **_PARSING):
            if element.tag == _MERGE_CELL:
                ref = element.get("ref")
                if ref is not None:
                    ranges.append(ref)
            else:
                number = element.get("r")
                row_number = _row_number(number) if number is not None else row_number + 1
                texts = reader.row(element, row_number)
                # A row numbered at or before one already read is skipped, as openpyxl skips it.
                if row_number > len(rows):
                    budget.spend(len(texts))
                    _trim(texts)
                    rows.extend([] for _ in range(row_number - 1 - len(rows)))
                    rows.append(texts)
            _discard(element)
    merges: list[Merge] = []
    for ref in ranges:
        left, top, right, bottom = range_boundaries(ref)
        if left is None or top is None or right is None or bottom is None:
            raise ValueError(f"merged range {ref!r} is not a cell range")
        merges.append((top - 1, left - 1, bottom - 1, right - 1))
    merges = _settle_merges(rows, merges, filename)
    if not rows:
        return None
    return Grid(source=filename, rows=rows, sheet=title, merges=merges)


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if number.is_integer():
            return int(number)
        raise ValueError(f"{text} is not a valid row number") from None


class _SheetReader:
    """One sheet's rows as text, each cell in its column, as openpyxl places them."""

    def __init__(self, cells: _CellText) -> None:
        self._cells = cells
        self._shared_formulas: dict[str, tuple[str, str]] = {}  # index → (formula, cell it is written in)

    def row(self, row: Any, number: int) -> list[str]:
        """The texts of a row's cells, from column A to its last cell, placed as openpyxl places them.

        A cell without a reference is in the column after the cell before it; a later cell in a
        column replaces an earlier one; the row ends at its last cell's column, whatever cells
        before it claim.
        """
        columns = _columns()
        cells = self._cells
        plain_styles = cells.plain_styles
        texts: list[str] = []
        column = 0
        for cell in row:
            # This loop runs for every cell of the workbook: the common cases are written out here.
            reference = cell.get("r")
            if reference:
                letters = reference.rstrip(_DIGITS)
                found = columns.get(letters)
                column = coordinate_to_tuple(reference)[1] if found is None or letters == reference else found
            else:
                column += 1
            text = None
            kind = cell.get("t")
            if (kind is None or kind == "n") and len(cell) == 1:
                child = cell[0]
                if child.tag == _VALUE:
                    value = child.text
                    if value:
                        style = cell.get("s")
                        if style in plain_styles:
                            text = value if _AS_TYPED(value) else _number_text(_cast_number(value))
                        else:
                            text = cells.number(value, style)
            if text is None:
                text = self._text(cell, column, number)
            if column == len(texts) + 1:
                texts.append(text)
            elif column > len(texts):
                texts.extend([""] * (column - 1 - len(texts)))
                texts.append(text)
            elif column >= 1:
                texts[column - 1] = text
        del texts[max(column, 0) :]
        return texts

    def _text(self, cell: Any, column: int, number: int) -> str:
        """A cell's text, whatever it holds."""
        cells = self._cells
        kind = cell.get("t")
        style = cell.get("s")
        cells.check_style(style)
        value_element = formula = inline = None
        for child in cell:
            tag = child.tag
            if tag == _VALUE:
                value_element = child if value_element is None else value_element
            elif tag == _FORMULA:
                formula = child if formula is None else formula
            elif tag == _INLINE_STRING:
                inline = child if inline is None else inline
        if kind == "inlineStr":
            text = "" if inline is None else _rich_text(inline)
        else:
            value = None if value_element is None else value_element.text
            if not value:
                text = ""
            elif kind is None or kind == "n":
                text = cells.number(value, style)
            elif kind == "s":
                text = cells.strings[int(value)]
            elif kind == "b":
                text = "TRUE" if int(value) else "FALSE"
            elif kind == "d":
                text = _value_text(from_ISO8601(value))
            else:
                text = value  # a formula's text result (str), an error such as #REF! (e), as stored
        if formula is not None:
            return self._formula(formula, column, number, text, value_element, kind)
        return text

    def _formula(self, formula: Any, column: int, number: int, text: str, value: Any, kind: str | None) -> str:
        """The text of a formula cell: its result, or its formula ("=SUM(B3:B5)") if it has none.

        openpyxl's data_only mode reads a formula without a result as a blank. Excel always stores a
        result; a program that writes formulas (openpyxl among them) stores none, or an empty <v></v>
        on a number cell. An empty result is a real one only on a text-typed cell (t="str"), where it
        means "".
        """
        source = "=" + (formula.text or "")
        shared = formula.get("t") == "shared"
        index = formula.get("si", "")
        if shared and formula.text:
            self._shared_formulas[index] = (source, f"{get_column_letter(column)}{number}")
        if text or not (value is None or (not value.text and kind != "str")):
            return text
        if shared and not formula.text and index in self._shared_formulas:
            return _translated(*self._shared_formulas[index], f"{get_column_letter(column)}{number}")
        return source


@lru_cache(maxsize=1)
def _columns() -> dict[str, int]:
    """Column letters, A to XFD, and their numbers."""
    return {get_column_letter(column): column for column in range(1, 16385)}


def _cast_number(value: str) -> int | float:
    # As openpyxl reads a number cell.
    return float(value) if "." in value or "E" in value or "e" in value else int(value)


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)  # a duration, as Python writes it: "1 day, 2:30:00"


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"  # not "-0"
    # 15 significant digits is what Excel shows and keeps; the 16th and 17th are binary noise.
    text = format(value, ".15g")
    return format(Decimal(text), "f") if "e" in text else text  # 1e-07 → 0.0000001, 1e+30 → 1 and 30 zeros


def _percent_text(number: str) -> str:
    """A number's text as a percentage, "0.155" → "15.5%": the decimal point moved, so nothing is rounded."""
    if not number[-1:].isdigit():
        return number + "%"  # inf
    negative = number.startswith("-")
    whole, _, fraction = number.lstrip("-").partition(".")
    fraction += "00"
    whole = (whole + fraction[:2]).lstrip("0") or "0"
    fraction = fraction[2:].rstrip("0")
    return ("-" if negative else "") + whole + ("." + fraction if fraction else "") + "%"


@lru_cache(maxsize=512)
def _is_percent_format(number_format: str) -> bool:
    # A % in quotes or after a backslash is shown literally; only a bare one multiplies by 100.
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def _trim(row: list[str]) -> None:
    while row and not row[-1].strip():
        row.pop()


def _translated(formula: str, origin: str, coordinate: str) -> str:
    try:
        return str(Translator(formula, origin=origin).translate_formula(coordinate))
    except TranslatorError:
        return formula


def _settle_merges(rows: list[list[str]], merges: list[Merge], filename: str) -> list[Merge]:
    """Trim trailing empty cells and rows, keep text only in each range's top-left cell, and clip
    the ranges to what is left.

    Clipping loses nothing a reader could use: the cells cut off are empty in every row or column.
    It matters beyond tidiness: a range may claim the whole sheet (A1:XFD1048576), and whoever
    walks a range's cells later (Grid.merge_origins) must not walk seventeen billion of them.
    """
    for row in rows:
        _trim(row)
    clipped = _clipped(rows, merges)
    area = sum((bottom - top + 1) * (right - left + 1) for top, left, bottom, right in clipped)
    if area > MAX_MERGED_CELLS:
        # Sound ranges never overlap, and a table merges headers and unit names, not whole sheets.
        raise _refused(
            filename,
            f"合并单元格区域共{area:,}个单元格，超过上限{MAX_MERGED_CELLS:,}个（区域过大或相互重叠），文件可能已损坏",
            "能在 Excel/Word 中正常打开的文件",
        )
    for top, left, bottom, right in clipped:
        for row_index in range(top, bottom + 1):
            row = rows[row_index]
            for column in range(left, min(right, len(row) - 1) + 1):
                if (row_index, column) != (top, left):
                    row[column] = ""
            _trim(row)
    while rows and not rows[-1]:
        rows.pop()
    return [merge for merge in _clipped(rows, clipped) if merge[2] > merge[0] or merge[3] > merge[1]]


def _clipped(rows: list[list[str]], merges: list[Merge]) -> list[Merge]:
    height = len(rows)
    width = max((len(row) for row in rows), default=0)
    return [
        (top, left, min(bottom, height - 1), min(right, width - 1))
        for top, left, bottom, right in merges
        if top < height and left < width
    ]


# --- Word documents ---------------------------------------------------------------------------

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
#: Elements that only wrap blocks, rows or cells (content controls, custom XML, smart tags).
_WRAPPERS = frozenset({qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag")})
#: Text a reader of the page does not see as this paragraph's: tracked deletions and the source of
#: tracked moves, field codes, text boxes, and the fallback copy of alternate content.
_HIDDEN_TEXT = frozenset(
    {
        qn("w:del"),
        qn("w:moveFrom"),
        qn("w:delText"),
        qn("w:instrText"),
        qn("w:txbxContent"),
        qn("w:pPr"),
        qn("w:rPr"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    }
)
#: "注：", "备注:", "说明：", "要求：" — a note under a table belongs to that table.
#: "1.", "2、", "（3）", "①" — the further lines of a note.
_ENUMERATED = re.compile(r"^([（(]\s*[0-9一二三四五六七八九十]+\s*[)）]|[0-9一二三四五六七八九十]+\s*[.．、)）]|[①-⑳])")


@dataclass
class _WordTable:
    number: int
    titles: list[str]
    rows: list[list[str]]
    merges: list[Merge]
    notes: list[str] = field(default_factory=list)

    def grid(self, filename: str) -> Grid:
        offset = len(self.titles)
        return Grid(
            source=filename,
            rows=[[text] for text in self.titles] + self.rows + [[text] for text in self.notes],
            sheet=f"表{self.number}",
            merges=[(top + offset, left, bottom + offset, right) for top, left, bottom, right in self.merges],
        )


def _read_docx(content: bytes, archive: zipfile.ZipFile, filename: str) -> list[Grid]:
    body = Document(io.BytesIO(content)).element.body
    tables: list[_WordTable] = []
    waiting: list[str] = []  # paragraphs since the last table that are not its notes
    number = 0
    budget = _CellBudget(filename)
    for block in _blocks(body, {_P, _TBL}):
        if block.tag == _P:
            text = _paragraph_text(block).strip()
            if not text:
                continue
            last = tables[-1] if tables else None
            continues_notes = last is not None and bool(last.notes) and _ENUMERATED.match(text) is not None
            if last is not None and not waiting and (NOTE_LINE.match(text) or continues_notes):
                last.notes.append(text)
            else:
                waiting.append(text)
            continue
        number += 1
        rows, merges = _table_cells(block, budget)
        merges = _settle_merges(rows, merges, filename)
        if rows:  # an empty layout table: its heading paragraphs wait for the next table
            tables.append(_WordTable(number, waiting, rows, merges))
            waiting = []
    # Paragraphs after the last table that are not notes (signatures, dates, 抄送) belong to no table.
    return [table.grid(filename) for table in tables]


def _blocks(parent: Any, tags: set[str]) -> Iterator[Any]:
    """Children of `parent` with one of `tags`, in order, looking inside wrappers but not inside tables."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _blocks(child, tags)


def _paragraph_text(paragraph: Any) -> str:
    # python-docx's Paragraph.text reads only runs and hyperlinks directly under the paragraph, so a
    # figure typed with track changes on (w:ins), inside a content control or a field would be lost.
    parts: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append(" ")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _NO_BREAK_HYPHEN:
                parts.append("-")
            elif isinstance(tag, str) and tag not in _HIDDEN_TEXT:
                walk(child)

    walk(paragraph)
    return "".join(parts)


def _cell_text_of(tc: Any) -> str:
    # A name too long for its column is broken over lines or paragraphs; it is one name.
    return "".join(line.strip() for paragraph in _blocks(tc, {_P}) for line in _paragraph_text(paragraph).split("\n"))


def _table_cells(table: Any, budget: _CellBudget) -> tuple[list[list[str]], list[Merge]]:
    """Text by layout-grid position, and the merged ranges.

    Positions are counted in the table's grid columns (w:gridBefore, w:gridSpan), not in <w:tc>
    elements, so columns line up under merged headers. A cell continuing a vertical merge
    (w:vMerge without "restart") extends the range of the cell above it and adds no text.
    """
    rows: list[list[str]] = []
    ranges: list[list[int]] = []  # [top, left, bottom, right], grown as continuing rows are met
    open_below: dict[int, int] = {}  # left column → index in ranges of a vertical merge still open
    for tr in _blocks(table, {_TR}):
        if _property(tr, "w:trPr", "w:del") is not None:
            continue  # a row deleted with track changes on
        row_index = len(rows)
        row: list[str] = []
        still_open: dict[int, int] = {}
        column = _int_property(tr, "w:trPr", "w:gridBefore", default=0)
        for tc in _blocks(tr, {_TC}):
            span = max(1, _int_property(tc, "w:tcPr", "w:gridSpan", default=1))
            vertical = _property(tc, "w:tcPr", "w:vMerge")
            restart = vertical is not None and vertical.get(qn("w:val")) == "restart"
            above = open_below.get(column)
            if vertical is not None and not restart and above is not None and ranges[above][3] == column + span - 1:
                ranges[above][2] = row_index
                still_open[column] = above
            else:
                text = _cell_text_of(tc)
                if text:
                    row.extend([""] * (column + 1 - len(row)))
                    row[column] = text
                if span > 1 or restart:
                    ranges.append([row_index, column, row_index, column + span - 1])
                    if restart:
                        still_open[column] = len(ranges) - 1
            column += span
            if column > MAX_WORD_COLUMNS:
                # Word allows 63 columns; a span of millions would only make the row fill memory.
                raise ValueError(f"table row {row_index + 1} spans {column} grid columns")
        open_below = still_open
        budget.spend(len(row) + 1)
        rows.append(row)
    merges = [(top, left, bottom, right) for top, left, bottom, right in ranges if bottom > top or right > left]
    return rows, merges


def _property(element: Any, holder: str, name: str) -> Any:
    properties = element.find(qn(holder))
    return None if properties is None else properties.find(qn(name))


def _int_property(element: Any, holder: str, name: str, *, default: int) -> int:
    found = _property(element, holder, name)
    value = None if found is None else found.get(qn("w:val"))
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
