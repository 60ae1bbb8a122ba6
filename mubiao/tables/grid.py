"""From bytes to a grid of cells: encodings, line ends, separators; binary files refused."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from mubiao.domain.problems import Problem, TableError

_ENCODINGS = ("utf-8", "gb18030")


#: A merged range, 0-based and inclusive: (top row, left column, bottom row, right column).
Merge = tuple[int, int, int, int]


@dataclass
class Grid:
    """The cells of one table as text, rows and columns 0-based here (messages say them 1-based).

    Numbers from spreadsheets arrive as their text (12, 0.35, 15.5%); a merged range keeps its text
    in its top-left cell only, and is listed in `merges` so each reader decides how to spread it.
    """

    source: str
    rows: list[list[str]]
    sheet: str = ""
    merges: list[Merge] = field(default_factory=list)

    def cell(self, row: int, column: int) -> str:
        if row >= len(self.rows):
            return ""
        cells = self.rows[row]
        return cells[column] if column < len(cells) else ""

    def merge_origins(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Every covered cell of a merged range → the range's top-left cell (which holds the text)."""
        origins: dict[tuple[int, int], tuple[int, int]] = {}
        for top, left, bottom, right in self.merges:
            for row in range(top, bottom + 1):
                for column in range(left, right + 1):
                    if (row, column) != (top, left):
                        origins[(row, column)] = (top, left)
        return origins

    @property
    def width(self) -> int:
        return max((len(cells) for cells in self.rows), default=0)


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 with or without BOM, or GBK/GB18030; anything else is refused, not mangled."""
    if not data.strip():
        raise TableError(source, [Problem("文件为空，没有可导入的表格", expected="目标分解任务表的文本或表格文件")])
    if b"\x00" in data[:8192]:
        raise TableError(source, [Problem("这是二进制文件，不是文本表格", expected="制表符分隔的文本、CSV 或 xlsx")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
        if controls > max(2, len(text) // 100):
            break
        return text
    raise TableError(
        source,
        [Problem("无法识别文件的文字编码，或这是二进制文件", expected="UTF-8 或 GBK/GB18030 编码的文本")],
    )


def _separator(lines: list[str]) -> str:
    sample = lines[:200]
    tabs = sum(line.count("\t") for line in sample)
    if tabs:
        return "\t"
    commas = sum(line.count(",") + line.count("，") for line in sample)
    semicolons = sum(line.count(";") for line in sample)
    return ";" if semicolons > commas else ","


def read_text_grid(data: bytes, source: str) -> Grid:
    """Split text into rows (any line end) and cells (tab, else comma or semicolon)."""
    text = decode_text(data, source)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    separator = _separator(lines)
    if separator == "\t":
        rows = [line.split("\t") for line in lines]
    else:
        rows = [list(cells) for cells in csv.reader(io.StringIO("\n".join(lines)), delimiter=separator)]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return Grid(source=source, rows=rows)
