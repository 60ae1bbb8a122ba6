"""Cross-tab decomposition tables: label columns on the left, a header band of one to three rows on top.

Offices draw these two ways. Units down the rows (a row per county, a column per indicator, often
under a grouped header: indicator › year › 确保/力争) or units across the columns (a row per
indicator, a column per county). Either way every value cell sits at the crossing of a row and a
column, and each carries part of the cell's meaning: the indicator, the unit, the year, the level,
the unit of measure. So the reader describes every column by its header path (merged group cells
spread over the columns they cover) and every row by its label cells, decides which axis holds
the units — the one whose labels look like places (known names, 县/区/镇 endings, a 合计 among
them) — and reads each cell as the union of its row's and its column's labels.

A total (合计 / 总计 / 全市 / 全区) on the unit axis becomes the area's own target and the checksum
of the others; an 'of which' (其中) label makes a child unit or a child indicator, never an addend.
Where two cells would become the same figure, or a label cannot be read, the reader says where and
proposes a mapping correction; it does not guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from mubiao.domain.names import squash
from mubiao.domain.numbers import NumberFormatError, is_blank, normalise_text, parse_quantity
from mubiao.domain.problems import Problem
from mubiao.domain.readings import CellValue, HeaderUnit, IndicatorReading, TableReading
from mubiao.domain.vocabulary import (
    LEVEL_LABELS,
    LEVEL_WORDS,
    NOTE_LINE,
    ONE_YEAR,
    PART_LABEL,
    TOTAL_WORDS,
    YEAR_LABEL,
    YEAR_SPAN,
    YEAR_VALUE,
)
from mubiao.tables.grid import Grid
from mubiao.tables.mapping import LayoutMapping
from mubiao.tables.results import LayoutResult, Reconciliation, reconcile
from mubiao.tables.structure import area_of, plan_title_of

STUB_ROLES = {
    "序号": "number",
    "编号": "number",
    "指标": "indicator",
    "指标名称": "indicator",
    "主要指标": "indicator",
    "考核指标": "indicator",
    "项目": "indicator",
    "指标项目": "indicator",
    "名称": "indicator",
    "地区": "unit",
    "地区名称": "unit",
    "单位名称": "unit",
    "县区": "unit",
    "区县": "unit",
    "县市区": "unit",
    "县(市、区)": "unit",
    "县(市,区)": "unit",
    "县(区)": "unit",
    "各县区": "unit",
    "各县(市、区)": "unit",
    "乡镇": "unit",
    "乡镇(街道)": "unit",
    "镇(街道)": "unit",
    "责任主体": "unit",
    "计量单位": "unit_of_measure",
    "年份": "year",
    "年度": "year",
    "级别": "level",
    "类别": "level",
    "目标级别": "level",
    "牵头部门": "responsible",
    "牵头单位": "responsible",
    "责任单位": "responsible",
    "责任部门": "responsible",
    "配合单位": "responsible",
    "配合部门": "responsible",
    "备注": "remark",
    "说明": "remark",
    "完成目标": "goal",
    "总体目标": "goal",
}
MEASURES = (
    "万元|亿元|元|万美元|亿美元|美元|万亩|亩|公顷|平方公里|平方千米|万平方米|平方米|万吨标准煤|吨标准煤|万吨|吨|"
    "千米|公里|米|万千瓦时|亿千瓦时|千瓦时|万千瓦|千瓦|兆瓦|万人次|人次|万人|人|万户|户|个百分点|百分点|%|‰|"
    "个|家|项|件|所|座|台|套|辆|张|床|次|天|小时|立方米|万立方米|标箱|万标箱"
)
_MEASURE = re.compile(rf"^({MEASURES})$")
_MEASURE_IN_LABEL = re.compile(rf"[(（]\s*(?:(?:计量)?单位\s*[:：])?\s*({MEASURES})\s*[)）]")
_UNITS_LINE = re.compile(rf"(?:计量)?单位\s*[:：]\s*((?:(?:{MEASURES})\s*[、,，/]?\s*)+)")
_PLACE = re.compile(r"(省|市|县|区|旗|镇|乡|街道|办事处|开发区|新区|园区|管委会|示范区|自治州|盟|林场|农场|社区|本级)$")
_INDICATOR_WORDS = re.compile(r"(率|额|值|量|收入|投资|总值|产值|增长|面积|人口|企业|项目|专利|数|比重|产量|规模)")
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*$")
_INDICATOR_NUMBER = re.compile(r"^[(（]?[0-9一二三四五六七八九十]+[)）.、]?$")
MAX_HEADER_ROWS = 4


@dataclass
class Labels:
    """What the labels of one row or one column say."""

    year: int | None = None
    level: str | None = None
    measure: str = ""
    part: bool = False
    total: bool = False
    names: list[str] = field(default_factory=list)
    number: str = ""

    @property
    def name(self) -> str:
        return self.names[-1] if self.names else ""


def read_label(text: str, labels: Labels) -> None:
    """Fold one label's meaning into `labels`: 2021年确保 → year and level; 其中：X → a part named X."""
    folded = squash(text)
    if not folded:
        return
    measure = _MEASURE_IN_LABEL.search(folded)
    if measure:
        labels.measure = measure.group(1)
        folded = (folded[: measure.start()] + folded[measure.end() :]).strip()
    if _MEASURE.match(folded):
        labels.measure = folded
        return
    part = PART_LABEL.match(folded)
    if part:
        labels.part = True
        folded = part.group(1)
    year = YEAR_LABEL.match(folded)
    if year and (not year.group(2) or squash(year.group(2)) in LEVEL_WORDS):
        labels.year = int(year.group(1))
        folded = squash(year.group(2))
    if folded in LEVEL_WORDS:
        labels.level = LEVEL_WORDS[folded]
        return
    if TOTAL_WORDS.match(folded):
        labels.total = True
        labels.names.append(folded)
        return
    if folded and folded not in labels.names:
        labels.names.append(folded)


_FIGURE = re.compile(r"^[+-]?[\d.,]+(%|万|亿)?$")
_PLAIN_ASCII = re.compile(r"\A-?\d+(\.\d+)?\Z")
#: What a cell holds, found once per cell: nothing, a figure to read by the rules, text, or a plain
#: decimal ("1234.5", the bulk of a large table) that Decimal() reads as it stands.
BLANK, FIGURE, TEXT, PLAIN = 0, 1, 2, 3
FIGURES = (FIGURE, PLAIN)


def _class_of(text: str) -> int:
    if _PLAIN_ASCII.match(text):
        return PLAIN
    if not text or text.isspace():
        return BLANK
    if text.isascii():
        stripped = text.strip()
        if _FIGURE.match(stripped) or stripped.startswith(("#", "=")):
            return FIGURE
        return BLANK if stripped in {"-", "/"} else TEXT
    if is_blank(text):
        return BLANK
    return FIGURE if is_value_text(text) else TEXT


def is_value_text(text: str) -> bool:
    """A cell meant as a figure — a number, or a figure written in a form to read or refuse."""
    folded = text.strip() if text.isascii() else normalise_text(text).replace(" ", "")
    if not folded or is_blank(folded):
        return False
    return bool(_FIGURE.match(folded)) or folded.startswith(("#", "="))


def is_year_value(text: str) -> bool:
    folded = normalise_text(text).replace(" ", "")
    return bool(YEAR_VALUE.match(folded))


class CrosstabReader:
    """Reads one grid; collects problems and proposals instead of stopping at the first."""

    def __init__(self, grid: Grid, mapping: LayoutMapping, is_known: Callable[[str], bool]) -> None:
        self.grid = grid
        self.mapping = mapping
        self.is_known = is_known
        self.problems: list[Problem] = []
        self.proposals: list[str] = []
        self.notes: list[str] = []
        self.row_roles: dict[int, str] = {}
        self.column_roles: dict[int, str] = {}
        origins = grid.merge_origins()
        self.width = grid.width
        # The grid with every merged range's text spread over the range, rows padded to full width.
        self.cells = [cells + [""] * (self.width - len(cells)) for cells in grid.rows]
        for (row, column), (top, left) in origins.items():
            self.cells[row][column] = grid.cell(top, left)
        self.merged = set(origins)
        self.header_last = 0
        # Each cell once: 0 blank, 1 a figure, 2 text. Every later pass over the body reads this.
        self.classes = [[_class_of(text) for text in cells] for cells in grid.rows]

    # -- the frame: title, header band, body, notes --------------------------------------------

    def _text(self, row: int) -> str:
        return squash("".join(self.grid.rows[row]))

    def _value_cells(self, row: int) -> list[int]:
        return [c for c, kind in enumerate(self.classes[row]) if kind in FIGURES]

    def _is_data_row(self, row: int) -> bool:
        values = self._value_cells(row)
        if not values or NOTE_LINE.match(self._text(row)):
            return False
        if all(is_year_value(self.grid.cell(row, c)) for c in values) and len(values) > 1:
            return False  # a row of year labels
        return any(_class_of(text) == TEXT for text in self.cells[row])

    def frame(self) -> tuple[int, int, list[int], list[int]]:
        """(first header row, last header row, body rows, note rows), 0-based."""
        rows = range(len(self.grid.rows))
        ignored = {r - 1 for r in self.mapping.ignore_rows}
        if self.mapping.header_rows:
            first, last = self.mapping.header_rows[0] - 1, self.mapping.header_rows[1] - 1
            if last >= len(self.grid.rows):
                self.problems.append(
                    Problem(
                        f"表头末行第{last + 1}行超出了表格（共{len(self.grid.rows)}行）",
                        expected=f"1至{len(self.grid.rows)}之间的行号",
                    )
                )
                return 0, -1, [], []
        else:
            data = next((r for r in rows if r not in ignored and self._is_data_row(r)), None)
            if data is None:
                self.problems.append(Problem("表格中找不到数据行", expected="左侧有名称、右侧有数值的行"))
                return 0, -1, [], []
            last = data - 1
            while last >= 0 and not self._text(last):
                last -= 1
            first = last
            while first - 1 >= 0 and last - first + 1 < MAX_HEADER_ROWS and self._is_header_row(first - 1):
                first -= 1
        body: list[int] = []
        notes: list[int] = []
        in_notes = False
        for r in rows:
            if r in ignored:
                self.row_roles[r + 1] = "ignored"
            elif r < first:
                self.row_roles[r + 1] = "blank" if not self._text(r) else "title"
            elif r <= last:
                self.row_roles[r + 1] = "header"
            elif not self._text(r):
                self.row_roles[r + 1] = "blank"
            elif NOTE_LINE.match(self._text(r)) or (in_notes and not self._value_cells(r)):
                in_notes = True
                self.row_roles[r + 1] = "note"
                notes.append(r)
            elif self._repeats_header(r, first, last):
                self.row_roles[r + 1] = "header"
            else:
                in_notes = False
                body.append(r)
        return first, last, body, notes

    def _is_header_row(self, row: int) -> bool:
        filled = [c for c in range(self.width) if self.grid.cell(row, c).strip() or (row, c) in self.merged]
        if len(filled) < 2 or NOTE_LINE.match(self._text(row)) or _UNITS_LINE.search(self._text(row)):
            return False
        spans = [m for m in self.grid.merges if m[0] <= row <= m[2] and m[1] == 0 and m[3] + 1 >= self.width - 1]
        return not spans  # a title merged across the whole width is not a header

    def _repeats_header(self, row: int, first: int, last: int) -> bool:
        """A header repeated at a page break. Cheap first: a data row's first cell rarely opens a header."""
        cells = self.grid.rows[row]
        opening = next((cell for cell in cells if cell.strip()), "")
        for header in range(first, last + 1):
            header_cells = self.grid.rows[header]
            if opening.strip() != next((cell for cell in header_cells if cell.strip()), "").strip():
                continue
            if [squash(c) for c in cells if c.strip()] == [squash(c) for c in header_cells if c.strip()]:
                return True
        return False

    # -- columns --------------------------------------------------------------------------------

    def header_path(self, column: int, first: int, last: int) -> list[str]:
        """The labels over a column, top to bottom; a group label written once spreads over its group."""
        path: list[str] = []
        for row in range(first, last + 1):
            text = self.cells[row][column].strip()
            if not text and not self.grid.merges and row < last:
                text = self._group_label_left(row, column, last)
            if text and (not path or squash(path[-1]) != squash(text)):
                path.append(text)
        return path

    def _group_label_left(self, row: int, column: int, last: int) -> str:
        """Text without merges: a group label stands over its first column and covers the blanks after it,
        as long as the row below has sub-labels there."""
        if not self.cells[row + 1][column].strip():
            return ""
        for left in range(column - 1, -1, -1):
            if self.cells[row][left].strip():
                return self.cells[row][left] if self.cells[row + 1][left].strip() else ""
            if not self.cells[row + 1][left].strip():
                return ""
        return ""

    def column_kinds(self, body: list[int], paths: list[list[str]]) -> dict[int, str]:
        kinds: dict[int, str] = {}
        for column in range(self.width):
            if column + 1 in self.mapping.ignore_columns:
                kinds[column] = "ignored"
                continue
            role = STUB_ROLES.get(squash(paths[column][-1])) if paths[column] else None
            if role is None and paths[column]:
                role = STUB_ROLES.get(squash(paths[column][0]))
            classes = [self.classes[r][column] if column < len(self.classes[r]) else BLANK for r in body]
            values, texts = classes.count(FIGURE) + classes.count(PLAIN), classes.count(TEXT)
            if role is None and (texts or not paths[column]):
                filled = [squash(self.cells[r][column]) for r in body if self.cells[r][column].strip()]
                if filled and all(text in LEVEL_WORDS for text in filled):
                    role = "level"  # a column of 确保 / 力争 words, whatever its header says
                elif filled and all(_MEASURE.match(text) for text in filled):
                    role = "unit_of_measure"  # 万元, 家, % … under a header that says only 单位
                elif filled and all(is_year_value(text) for text in filled) and not paths[column]:
                    role = "year"
            if role == "number" or (role is None and column == 0 and values and self._is_counter(body, column)):
                kinds[column] = "number"
            elif role in {"year", "level", "unit_of_measure", "responsible", "remark", "goal"}:
                kinds[column] = role
            elif role in {"indicator", "unit"}:
                kinds[column] = "label"
            elif values and values >= texts:
                kinds[column] = "value"
            elif texts:
                kinds[column] = "text"
            else:
                kinds[column] = "empty"
        value_columns = [c for c, kind in kinds.items() if kind == "value"]
        if value_columns:
            # Blank columns among the figures are value columns nobody filled in (a unit with no target).
            for column in range(value_columns[0], value_columns[-1] + 1):
                if kinds[column] == "empty" and paths[column]:
                    kinds[column] = "value"
        text_columns = [c for c, kind in kinds.items() if kind == "text"]
        if "label" not in kinds.values() and text_columns:
            if self.mapping.label_column is not None:
                kinds[self.mapping.label_column - 1] = "label"
            else:
                left = [c for c in text_columns if not value_columns or c < value_columns[0]]
                if left:
                    kinds[left[0]] = "label"
        elif self.mapping.label_column is not None:
            for column, kind in list(kinds.items()):
                if kind == "label":
                    kinds[column] = "text"
            kinds[self.mapping.label_column - 1] = "label"
        for column, kind in kinds.items():
            if kind == "text" and value_columns and column > value_columns[-1]:
                kinds[column] = "remark"
        return kinds

    def _is_counter(self, body: list[int], column: int) -> bool:
        numbers = [squash(self.grid.cell(r, column)) for r in body if self.grid.cell(r, column).strip()]
        return bool(numbers) and all(_INDICATOR_NUMBER.match(n) for n in numbers) and len(numbers) >= 2

    # -- reading ---------------------------------------------------------------------------------

    def read(self) -> LayoutResult:
        first, last, body, note_rows = self.frame()
        effective = LayoutMapping(**vars(self.mapping))
        if not body:
            return self._result(effective, None)
        effective.header_rows = [first + 1, last + 1] if last >= first else None
        self.header_last = max(last, 0)
        title, attachment, measures_line = self._title(first)
        paths = [self.header_path(c, first, last) if last >= first else [] for c in range(self.width)]
        kinds = self.column_kinds(body, paths)
        label_columns = [c for c, kind in kinds.items() if kind == "label"]
        value_columns = [c for c, kind in kinds.items() if kind == "value"]
        if not label_columns or not value_columns:
            self.problems.append(
                Problem(
                    "找不到名称列或数值列",
                    row=(last + 2) if last >= 0 else None,
                    expected="左侧一列单位或指标名称，右侧若干数值列",
                )
            )
            return self._result(effective, None)
        label = label_columns[0]
        if label >= self.width:
            self.problems.append(
                Problem(f"名称列第{label + 1}列超出了表格（共{self.width}列）", expected=f"1至{self.width}之间的列号")
            )
            return self._result(effective, None)
        effective.label_column = label + 1
        columns = {c: self._column_labels(paths[c], measures_line) for c in value_columns}
        rows = {r: self._row_labels(r, kinds, label) for r in body}
        units_in_rows = self._units_in_rows(rows, columns, kinds, paths, label)
        if units_in_rows is None:
            return self._result(effective, None)
        effective.layout = "units_in_rows" if units_in_rows else "units_in_columns"
        self._apply_marks(rows, columns, units_in_rows, effective)
        for column, kind in kinds.items():
            self.column_roles[column + 1] = {"empty": "text"}.get(kind, kind)
        for column, labels in columns.items():
            if labels.total:
                self.column_roles[column + 1] = "total"
            elif labels.part:
                self.column_roles[column + 1] = "part"
        for row, labels in rows.items():
            self.row_roles[row + 1] = "total" if labels.total else ("part" if labels.part else "data")
        reading = self._reading(
            rows, columns, units_in_rows, title, attachment, kinds, label, [self._note_text(r) for r in note_rows]
        )
        checked = None
        if reading is not None:
            checked = reconcile(reading)
            self._propose_parts(reading, [r for r in checked if not r.reconciles], units_in_rows)
        result = self._result(effective, reading)
        result.reconciliations = checked
        return result

    def _result(self, mapping: LayoutMapping, reading: TableReading | None) -> LayoutResult:
        return LayoutResult(
            layout=mapping.layout or "units_in_rows",
            mapping=mapping,
            reading=reading if not self.problems else None,
            problems=self.problems,
            proposals=self.proposals,
            row_roles=self.row_roles,
            column_roles=self.column_roles,
        )

    def _title(self, first: int) -> tuple[str, str, list[str]]:
        title, attachment, measures = "", "", []
        for row in range(first):
            text = " ".join(cell.strip() for cell in self.grid.rows[row] if cell.strip())
            folded = squash(text)
            if not folded:
                continue
            line = _UNITS_LINE.search(folded)
            if line:
                measures = [m for m in re.split(r"[、,，/]", line.group(1)) if m]
                self.row_roles[row + 1] = "units_line"
                folded = squash(folded[: line.start()].rstrip("(（"))
                text = text[: text.find("单位")].rstrip(" (（") if "单位" in text else text
                if not folded:
                    continue
            if _ATTACHMENT.match(folded):
                attachment = folded
            elif len(folded) > len(squash(title)):
                title = text
        return title, attachment, measures

    def _column_labels(self, path: list[str], measures_line: list[str]) -> Labels:
        labels = Labels()
        for text in path:
            read_label(text, labels)
        if not labels.measure and len(measures_line) == 1:
            labels.measure = measures_line[0]
        return labels

    def _row_labels(self, row: int, kinds: dict[int, str], label: int) -> Labels:
        labels = Labels()
        for column, kind in kinds.items():
            text = self.cells[row][column]
            if not text.strip():
                continue
            if kind == "number":
                labels.number = squash(text)
            elif kind == "year" and is_year_value(text):
                labels.year = int(squash(text)[:4])
            elif kind == "level" and squash(text) in LEVEL_WORDS:
                labels.level = LEVEL_WORDS[squash(text)]
            elif kind == "unit_of_measure":
                labels.measure = squash(text)
        read_label(self.cells[row][label], labels)
        if labels.part and not labels.names and self.cells[row][label].strip():
            labels.names.append(squash(self.cells[row][label]))
        return labels

    def _units_in_rows(
        self,
        rows: dict[int, Labels],
        columns: dict[int, Labels],
        kinds: dict[int, str],
        paths: list[list[str]],
        label: int,
    ) -> bool | None:
        if self.mapping.layout in {"units_in_rows", "units_in_columns"}:
            return self.mapping.layout == "units_in_rows"
        role = STUB_ROLES.get(squash(paths[label][-1])) if paths[label] else None
        if role == "unit":
            return True
        if role == "indicator":
            return False
        row_score = self._place_score(
            [labels.name for labels in rows.values()], [labels.total for labels in rows.values()]
        )
        column_score = self._place_score(
            [labels.name for labels in columns.values()], [labels.total for labels in columns.values()]
        )
        if max(row_score, column_score) >= 0.5 and abs(row_score - column_score) >= 0.2:
            return row_score > column_score
        self.problems.append(
            Problem(
                f"无法判断单位在行还是在列（行名称像单位的占{row_score:.0%}，列名称像单位的占{column_score:.0%}）",
                row=None,
                column=label + 1,
                expected="在映射中指明 layout：units_in_rows（每行一个单位）或 units_in_columns（每列一个单位）",
            )
        )
        self.proposals.append("在“表格方向”中选择“单位在行”或“单位在列”")
        return None

    def _place_score(self, names: list[str], totals: list[bool]) -> float:
        named = [(name, total) for name, total in zip(names, totals, strict=True) if name]
        if not named:
            return 0.0
        places = sum(
            1
            for name, total in named
            if total or self.is_known(name) or (_PLACE.search(name) and not _INDICATOR_WORDS.search(name))
        )
        return places / len(named)

    def _apply_marks(
        self, rows: dict[int, Labels], columns: dict[int, Labels], units_in_rows: bool, mapping: LayoutMapping
    ) -> None:
        """The person's corrections: rows or columns marked as totals or parts (or unmarked)."""
        for given, items in ((mapping.total_rows, rows), (mapping.total_columns, columns)):
            if given is not None:
                for index, labels in items.items():
                    labels.total = index + 1 in given
        for given, items in ((mapping.part_rows, rows), (mapping.part_columns, columns)):
            if given is not None:
                for index, labels in items.items():
                    labels.part = index + 1 in given
        mapping.total_rows = [r + 1 for r, labels in rows.items() if labels.total] if units_in_rows else []
        mapping.total_columns = [] if units_in_rows else [c + 1 for c, labels in columns.items() if labels.total]
        mapping.part_rows = [r + 1 for r, labels in rows.items() if labels.part]
        mapping.part_columns = [c + 1 for c, labels in columns.items() if labels.part]

    def _note_text(self, row: int) -> str:
        return " ".join(cell.strip() for cell in self.grid.rows[row] if cell.strip())

    def _reading(
        self,
        rows: dict[int, Labels],
        columns: dict[int, Labels],
        units_in_rows: bool,
        title: str,
        attachment: str,
        kinds: dict[int, str],
        label: int,
        notes: list[str],
    ) -> TableReading | None:
        unit_axis, indicator_axis = (rows, columns) if units_in_rows else (columns, rows)
        units, unit_of = self._units(unit_axis, units_in_rows, label)
        indicators, indicator_of = self._indicators(indicator_axis, units_in_rows, kinds)
        if not units and not any(labels.total for labels in unit_axis.values()):
            self.problems.append(Problem("表格中找不到单位", expected="各县（区）的名称"))
        start_year, end_year, default_year = self._years(title, rows, columns)
        values: list[CellValue] = []
        seen: dict[tuple[str, str | None, int, str], tuple[int, int]] = {}
        levels_seen: set[str] = set()
        # What each row and each column contributes, resolved once: (index, number, unit, year, level);
        # a row or column naming no indicator (or no unit) on its axis contributes nothing.
        row_parts = [
            (
                row,
                None if units_in_rows else indicator_of[row],
                unit_of[row] if units_in_rows else None,
                labels.year,
                labels.level,
            )
            for row, labels in rows.items()
            if row in (unit_of if units_in_rows else indicator_of)
        ]
        column_parts = [
            (
                column,
                indicator_of[column] if units_in_rows else None,
                None if units_in_rows else unit_of[column],
                labels.year,
                labels.level,
            )
            for column, labels in columns.items()
            if column in (indicator_of if units_in_rows else unit_of)
        ]
        # Two cells can become the same figure only if two rows or two columns say the same, or rows and
        # columns both carry a year or both a level; otherwise the check per cell is skipped (it costs a
        # key per figure, hundreds of megabytes for a large table).
        row_keys = [part[1:] for part in row_parts]
        column_keys = [part[1:] for part in column_parts]
        may_collide = (
            len(set(row_keys)) < len(row_keys)
            or len(set(column_keys)) < len(column_keys)
            or (any(part[3] for part in row_parts) and any(part[3] for part in column_parts))
            or (any(part[4] for part in row_parts) and any(part[4] for part in column_parts))
        )
        for row, row_number, row_unit, row_year, row_level in row_parts:
            cells = self.grid.rows[row]
            classes = self.classes[row]
            width = len(cells)
            for column, column_number, column_unit, column_year, column_level in column_parts:
                if column >= width or classes[column] == BLANK:
                    continue
                number = row_number if column_number is None else column_number
                assert number is not None  # one axis names the indicator
                unit = row_unit if units_in_rows else column_unit
                text = cells[column]
                try:
                    # A plain figure (the bulk of a large table) directly; anything else by the rules.
                    value = (
                        Decimal(text)
                        if classes[column] == PLAIN
                        else parse_quantity(text, indicators[number].unit_of_measure)
                    )
                except NumberFormatError as exc:
                    self.problems.append(Problem(str(exc), row=row + 1, column=column + 1, expected="数值或空白"))
                    continue
                year = row_year or column_year or default_year
                if value is None or year is None:  # a year is missing only when _years has reported it
                    continue
                level = row_level or column_level or "committed"
                levels_seen.add(level)
                if not start_year <= year <= end_year:
                    self.problems.append(
                        Problem(
                            f"年份{year}不在规划期{start_year}—{end_year}年内",
                            row=row + 1,
                            column=column + 1,
                            expected=f"{start_year}至{end_year}之间的年份",
                        )
                    )
                    continue
                if may_collide:
                    key = (number, unit, year, level)
                    if key in seen:
                        self._cannot_tell_apart(
                            seen[key], row, column, indicators[number].name, unit, year, level, units_in_rows
                        )
                        continue
                    seen[key] = (row + 1, column + 1)
                values.append(CellValue(number, unit, year, level, value, row + 1, column + 1))
        if levels_seen == {"committed"} and not any(labels.level for labels in [*rows.values(), *columns.values()]):
            self.notes.append("表中只有一级目标（任务），按“确保”导入")
        if self.problems:
            return None
        return TableReading(
            source=self.grid.source,
            title=title,
            plan_title=plan_title_of(title) if title else "",
            attachment=attachment,
            area_name=area_of(title),
            start_year=start_year,
            end_year=end_year,
            units=units,
            indicators=list(indicators.values()),
            values=values,
            notes=[*self.notes, *notes],
            mapping_notes=[],
            sheet=self.grid.sheet,
        )

    def _cannot_tell_apart(
        self,
        other: tuple[int, int],
        row: int,
        column: int,
        indicator: str,
        unit: str | None,
        year: int,
        level: str,
        units_in_rows: bool,
    ) -> None:
        self.problems.append(
            Problem(
                f"第{other[0]}行第{other[1]}列与第{row + 1}行第{column + 1}列都读作"
                f"“{indicator} {unit or '合计'} {year}年 {LEVEL_LABELS[level]}”，无法区分",
                row=row + 1,
                column=column + 1,
                expected="每个指标、单位、年份、级别只有一个数值",
            )
        )
        axis = "行" if not units_in_rows else "列"
        self.proposals.append(f"若其中之一是“其中”项，请在映射中把它标为其中{axis}；若是无关数据，请忽略该{axis}")

    def _units(
        self, axis: dict[int, Labels], units_in_rows: bool, label: int
    ) -> tuple[list[HeaderUnit], dict[int, str | None]]:
        """The units in table order; each row/column index → its unit's name (None for the total)."""
        units: list[HeaderUnit] = []
        unit_of: dict[int, str | None] = {}
        whole: str | None = None
        names: dict[str, int] = {}
        for index, labels in sorted(axis.items()):
            row, column = (index + 1, label + 1) if units_in_rows else (self.header_last + 1, index + 1)
            if labels.total and not labels.part:
                unit_of[index] = None
                whole = labels.name or "合计"
                continue
            name = labels.name
            if not name:
                if units_in_rows:
                    self.problems.append(Problem("数据行没有单位名称", row=index + 1, expected="单位名称"))
                else:
                    self.problems.append(Problem("数值列没有单位名称", column=index + 1, expected="表头中的单位名称"))
                continue
            if name in names:
                self.problems.append(
                    Problem(
                        f"单位“{name}”出现了两次（另见第{names[name] + 1}{'行' if units_in_rows else '列'}）",
                        row=row or None,
                        column=column or None,
                        expected="每个单位只出现一次",
                    )
                )
                continue
            names[name] = index
            part_of = whole if labels.part else None
            if labels.part and whole is None:
                part_of = "合计"
            units.append(HeaderUnit(name=name, row=row, column=column, part_of=part_of))
            unit_of[index] = name
            if not labels.part:
                whole = name
        return units, unit_of

    def _indicators(
        self, axis: dict[int, Labels], units_in_rows: bool, kinds: dict[int, str]
    ) -> tuple[dict[str, IndicatorReading], dict[int, str]]:
        """Indicators in table order; each row/column index → its indicator's number."""
        indicators: dict[str, IndicatorReading] = {}
        indicator_of: dict[int, str] = {}
        by_name: dict[tuple[str, bool], str] = {}
        whole: str | None = None
        counter = 0
        parts = 0
        previous_name = ""
        for index, labels in sorted(axis.items()):
            name = labels.name or (previous_name if not units_in_rows and (labels.year or labels.level) else "")
            if not name:
                self.problems.append(
                    Problem(
                        "找不到这一" + ("列" if units_in_rows else "行") + "的指标名称",
                        row=None if units_in_rows else index + 1,
                        column=index + 1 if units_in_rows else None,
                        expected="指标名称",
                    )
                )
                continue
            previous_name = name
            key = (name, labels.part)
            number = by_name.get(key)
            if number is None or (labels.number and labels.number != number):
                if labels.part and whole is not None:
                    parts += 1
                    number = f"{whole}.{parts}"
                else:
                    counter += 1
                    parts = 0
                    number = labels.number.rstrip(".、") if labels.number else str(counter)
                by_name[key] = number
                indicators[number] = IndicatorReading(
                    number=number,
                    name=name,
                    goal_text="",
                    first_row=index + 1 if not units_in_rows else 0,
                    last_row=index + 1 if not units_in_rows else 0,
                    unit_of_measure=labels.measure,
                    parent_number=whole if labels.part else None,
                )
                if not labels.part:
                    whole = number
            elif not units_in_rows:
                indicators[number].last_row = index + 1
            if labels.measure and not indicators[number].unit_of_measure:
                indicators[number].unit_of_measure = labels.measure
            indicator_of[index] = number
            if not units_in_rows:
                self._describe(indicators[number], index, kinds)
        return indicators, indicator_of

    def _describe(self, indicator: IndicatorReading, row: int, kinds: dict[int, str]) -> None:
        """An indicator row's text columns: its goal, lead departments and responsible units, remarks."""
        for column, kind in kinds.items():
            text = self.cells[row][column].strip()
            if not text or ((row, column) in self.merged and row + 1 != indicator.first_row):
                continue
            if kind == "goal":
                indicator.goal_text = text
            elif kind == "remark":
                indicator.remarks = text
            elif kind == "responsible":
                lead = re.search(r"牵头(?:部门|单位)?\s*[:：]\s*([^;；]+)", text)
                names = lead.group(1) if lead else text
                indicator.lead_departments = [p.strip() for p in re.split(r"[、,，]", names) if p.strip()]
                indicator.responsible_units = text

    def _years(self, title: str, rows: dict[int, Labels], columns: dict[int, Labels]) -> tuple[int, int, int | None]:
        folded = normalise_text(title)
        years = {labels.year for labels in [*rows.values(), *columns.values()] if labels.year}
        span = YEAR_SPAN.search(folded)
        if span:
            start, end = int(span.group(1)), int(span.group(2))
        else:
            one = ONE_YEAR.search(folded)
            title_year = int(one.group(1)) if one else None
            start = min([*years, *([title_year] if title_year else [])], default=self.mapping.year or 0)
            end = max([*years, *([title_year] if title_year else [])], default=self.mapping.year or 0)
        default = self.mapping.year
        if default is None and start == end and start:
            default = start
        every_cell_dated = all(labels.year for labels in columns.values()) or all(
            labels.year for labels in rows.values()
        )
        if default is None and not every_cell_dated:
            self.problems.append(
                Problem(
                    "表中没有年份列，标题中也没有单一年份，无法确定数值属于哪一年",
                    expected="标题如“××市2021年目标任务分解表”，或在映射中指定 year",
                )
            )
            self.proposals.append("在映射中填写年份（year），如 2021")
            return 0, 0, None
        if self.mapping.year:
            start, end = min(start or self.mapping.year, self.mapping.year), max(end, self.mapping.year)
        return start, end, default

    def _propose_parts(self, reading: TableReading, failing: list[Reconciliation], units_in_rows: bool) -> None:
        """When totals do not reconcile, try each unit as an 'of which' part: propose the one that fixes all."""
        if not failing:
            return
        parts = {unit.name for unit in reading.units if unit.part_of}
        candidates = [unit for unit in reading.units if unit.name not in parts]
        by_key: dict[tuple[str, int, str], dict[str | None, Decimal]] = {}
        for value in reading.values:
            by_key.setdefault((value.indicator_number, value.year, value.level), {})[value.unit] = value.value
        fixes = []
        for unit in candidates:
            if all(
                r.units_sum - by_key[(r.indicator_number, r.year, r.level)].get(unit.name, Decimal(0)) == r.total
                for r in failing
            ) and any(by_key[(r.indicator_number, r.year, r.level)].get(unit.name) for r in failing):
                fixes.append(unit)
        axis = "行" if units_in_rows else "列"
        for unit in fixes:
            place = unit.row if units_in_rows else unit.column
            self.proposals.append(
                f"{len(failing)}处合计与各单位之和不符；若第{place}{axis}“{unit.name}”是“其中”项（不计入合计），则全部相符："
                f"可在映射中把第{place}{axis}标为其中{axis}"
            )
        if not fixes:
            first = failing[0]
            self.proposals.append(
                f"{len(failing)}处合计与各单位之和不符（如第{first.row}行第{first.column}列："
                f"合计{first.total}，各单位之和{first.units_sum}），没有哪一{axis}作为其中项能使其相符，请核对原表"
            )


def read_crosstab(grid: Grid, mapping: LayoutMapping, is_known: Callable[[str], bool]) -> LayoutResult:
    return CrosstabReader(grid, mapping, is_known).read()
