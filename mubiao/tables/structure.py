"""Structure detection: find the header, the units, the indicator blocks and the column mapping.

Nothing here is specific to one file. The header row of labels (序号, 指标名称, 完成目标…) and the
row of unit names are found by their words; indicator blocks start where the 序号 column holds a
number; each data row is recognised by its level word (确保 / 力争 / 实际). Text extracted from a
PDF drifts: the header may sit a column left of the data, and a text cell (the responsible units)
may push a block's last units one column right. So the unit columns are mapped per block: the
units keep their header order, every column holding a number must belong to a unit or the total,
and among the mappings that fit, the one under which most rows add up to their total wins, then the
one closest to the header's positions. When two mappings remain equally good and would read the
values differently, the reader says so instead of choosing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from mubiao.domain.names import squash
from mubiao.domain.numbers import NumberFormatError, is_blank, normalise_text, parse_decimal
from mubiao.domain.problems import Problem, TableError
from mubiao.domain.readings import CellValue, HeaderUnit, IndicatorReading, TableReading
from mubiao.domain.vocabulary import LEVEL_LABELS, NOTE_LINE, ONE_YEAR, ROW_LEVEL_WORDS, TOTAL_HEADERS, YEAR, YEAR_SPAN
from mubiao.tables.grid import Grid
from mubiao.tables.mapping import LayoutMapping
from mubiao.tables.results import LayoutResult

LABEL_ROLES = {
    "序号": "number",
    "编号": "number",
    "指标名称": "name",
    "指标": "name",
    "完成目标": "goal",
    "计量单位": "unit_of_measure",
    "总体目标": "goal",
    "目标任务": "goal",
    "责任单位": "responsible",
    "牵头部门": "responsible",
    "年度目标": "total",
    **dict.fromkeys(TOTAL_HEADERS, "total"),
    "目标分解": "group",
    "备注": "remark",
    "年份": "year",
    "年度": "year",
    "级别": "level",
    "目标级别": "level",
    "类别": "level",
    "单位名称": "group",
}
TOTAL_SLOT = "__total__"
MAX_MAPPINGS = 20000

_ATTACHMENT = re.compile(r"^附\s*件\s*\d*$")
_AREA = re.compile(
    r"^(?P<province>.{2,8}?(?:省|自治区))?(?P<city>.{2,8}?(?:市|自治州|地区|盟))?(?P<county>.{2,8}?(?:自治县|县|区|旗))?"
)
_RESPONSIBLE = ("牵头", "责任", "负责", "配合")
_BODY_ENDINGS = ("政府", "局", "委", "办", "委员会", "管委会", "中心")
_INDICATOR_NUMBER = re.compile(r"^[(（]?[0-9一二三四五六七八九十]+[)）.、]?$")


@dataclass
class _DataRow:
    index: int  # 0-based grid row
    indicator: int  # index into readings
    year: int
    year_column: int
    level: str
    level_column: int
    numbers: dict[int, Decimal] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)


@dataclass
class _Block:
    reading: IndicatorReading
    rows: list[_DataRow] = field(default_factory=list)


@dataclass(frozen=True)
class _Mapping:
    columns: dict[int, int]  # grid column → slot index
    reconciled: int  # rows whose units add up to their total under this mapping


class TableReader:
    """Reads one grid into a TableReading, or raises TableError listing every problem found."""

    def __init__(self, grid: Grid, label_row: int | None = None) -> None:
        self.grid = grid
        self.given_label_row = label_row  # 0-based, when a person has said which row it is
        self.found_label_row = 0
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.mapping_notes: list[str] = []

    # -- the header -------------------------------------------------------------------------

    def _label_row(self) -> int:
        if self.given_label_row is not None:
            if self.given_label_row >= len(self.grid.rows):
                raise TableError(
                    self.grid.source,
                    [
                        Problem(
                            f"表头行第{self.given_label_row + 1}行超出了表格", expected=f"1至{len(self.grid.rows)}之间"
                        )
                    ],
                )
            return self.given_label_row
        for index, cells in enumerate(self.grid.rows):
            roles = {LABEL_ROLES.get(squash(cell)) for cell in cells} - {None}
            if len(roles & {"number", "name", "goal", "responsible", "total"}) >= 2:
                return index
        raise TableError(
            self.grid.source,
            [Problem("找不到表头行", expected="含有“序号”“指标名称”“完成目标”等列名的一行")],
        )

    def _first_data_row(self, after: int) -> int:
        for index in range(after + 1, len(self.grid.rows)):
            if any(squash(cell) in ROW_LEVEL_WORDS for cell in self.grid.rows[index]):
                return index
        raise TableError(
            self.grid.source,
            [Problem("表头之后没有数据行", row=after + 2, expected="以“确保”“力争”或“实际”标明的目标行")],
        )

    def _header_units(self, label_row: int, first_data: int) -> tuple[list[HeaderUnit], int | None, set[int]]:
        """The unit names in column order, the column of the total label, and the header rows."""
        best: list[HeaderUnit] = []
        total_column: int | None = None
        for index in range(label_row, first_data):
            names = []
            for column, cell in enumerate(self.grid.rows[index]):
                text = squash(cell)
                if not text:
                    continue
                role = LABEL_ROLES.get(text)
                if role == "total":
                    total_column = column
                if role or text in ROW_LEVEL_WORDS or YEAR.match(text) or parse_or_none(text) is not None:
                    continue
                if len(text) > 20 or _ATTACHMENT.match(text):
                    continue
                names.append(HeaderUnit(name=text, row=index + 1, column=column + 1))
            if len(names) > len(best):
                best = names
        if not best:
            raise TableError(
                self.grid.source,
                [Problem("表头中找不到单位名称", row=label_row + 1, expected="一行列出各县（区）简称的表头")],
            )
        return best, total_column, set(range(label_row, first_data))

    def _title(self, label_row: int) -> tuple[str, str]:
        attachment = ""
        titles: list[str] = []
        for cells in self.grid.rows[:label_row]:
            text = " ".join(cell.strip() for cell in cells if cell.strip())
            if not text:
                continue
            if _ATTACHMENT.match(squash(text)):
                attachment = squash(text)
            else:
                titles.append(text)
        return (max(titles, key=len) if titles else ""), attachment

    # -- the body ---------------------------------------------------------------------------

    def read(self) -> TableReading:
        grid = self.grid
        label_row = self.found_label_row = self._label_row()
        label_cells = {squash(cell) for cell in grid.rows[label_row]}
        roles = {LABEL_ROLES.get(squash(cell)): col for col, cell in enumerate(grid.rows[label_row]) if cell.strip()}
        first_data = self._first_data_row(label_row)
        units, total_label_column, header_rows = self._header_units(label_row, first_data)
        title, attachment = self._title(label_row)
        header_signatures = {_signature(grid.rows[index]) for index in header_rows}

        number_column = roles.get("number", 0)
        name_column = roles.get("name", number_column + 1)
        goal_column = roles.get("goal")
        unit_column = roles.get("unit_of_measure")

        blocks: list[_Block] = []
        table_notes: list[str] = []
        current_year: int | None = None
        for index in range(first_data, len(grid.rows)):
            cells = grid.rows[index]
            texts = [cell.strip() for cell in cells]
            if not any(texts):
                continue
            if _signature(cells) in header_signatures or (label_cells and {squash(t) for t in texts} <= label_cells):
                continue  # the header repeated at a page break
            joined = squash("".join(texts))
            if _ATTACHMENT.match(joined) or (title and joined == squash(title)):
                continue
            if NOTE_LINE.match(joined):
                table_notes.append(" ".join(t for t in texts if t))
                continue
            level_column = next((col for col, cell in enumerate(cells) if squash(cell) in ROW_LEVEL_WORDS), None)
            if level_column is None:
                self._read_loose_row(index, cells, blocks, goal_column, name_column)
                continue
            number_text = squash(grid.cell(index, number_column)) if number_column < level_column else ""
            if number_text and _INDICATOR_NUMBER.match(number_text):
                name = grid.cell(index, name_column).strip() if name_column < level_column else ""
                goal = grid.cell(index, goal_column).strip() if goal_column is not None else ""
                unit = grid.cell(index, unit_column).strip() if unit_column is not None else ""
                if not name:
                    self.problems.append(
                        Problem("指标行缺少指标名称", row=index + 1, column=name_column + 1, expected="指标名称")
                    )
                if blocks:
                    blocks[-1].reading.last_row = blocks[-1].rows[-1].index + 1 if blocks[-1].rows else index
                blocks.append(
                    _Block(
                        IndicatorReading(
                            number=number_text, name=name, goal_text=goal, first_row=index + 1, unit_of_measure=unit
                        )
                    )
                )
                current_year = None
            if not blocks:
                self.problems.append(
                    Problem(
                        "数据行出现在第一个指标之前",
                        row=index + 1,
                        column=number_column + 1,
                        expected="指标序号",
                    )
                )
                continue
            year, year_column = self._year_of(index, cells, level_column)
            if year is None:
                if current_year is None:
                    # The place to point at is the cell left of the level word (1-based: level_column).
                    self.problems.append(
                        Problem("目标行没有年份", row=index + 1, column=level_column, expected="年份，如2018")
                    )
                    continue
                year, year_column = current_year, -1
            current_year = year
            row = _DataRow(
                index=index,
                indicator=len(blocks) - 1,
                year=year,
                year_column=year_column,
                level=ROW_LEVEL_WORDS[squash(cells[level_column])],
                level_column=level_column,
            )
            self._read_cells(row, cells)
            blocks[-1].rows.append(row)

        if not blocks:
            raise TableError(grid.source, [Problem("表格中没有指标数据", row=first_data + 1, expected="指标行")])
        last = blocks[-1]
        last.reading.last_row = last.rows[-1].index + 1 if last.rows else last.reading.first_row

        start_year, end_year = self._plan_years(title, blocks)
        values: list[CellValue] = []
        total_first = total_label_column is None or total_label_column <= units[0].column - 1
        slots = [TOTAL_SLOT, *[unit.name for unit in units]] if total_first else [*[u.name for u in units], TOTAL_SLOT]
        header_columns = {slots.index(unit.name): unit.column - 1 for unit in units}
        options = []
        for block in blocks:
            self._check_rows(block, start_year, end_year)
            self._describe(block)
            options.append(self._mapping_options(block, slots))
        offsets = _table_offsets([o for o in options if o], header_columns)
        for block, block_options in zip(blocks, options, strict=True):
            mapping = (
                self._choose_mapping(block, block_options, slots, header_columns, offsets) if block_options else None
            )
            if mapping is not None:
                values.extend(self._values(block, mapping, slots))
        self._attach_notes(blocks, table_notes)
        if self.problems:
            raise TableError(grid.source, self.problems)
        plan_title = plan_title_of(title)
        return TableReading(
            source=grid.source,
            title=title,
            plan_title=plan_title,
            attachment=attachment,
            area_name=area_of(title),
            start_year=start_year,
            end_year=end_year,
            units=units,
            indicators=[block.reading for block in blocks],
            values=values,
            notes=self.notes,
            mapping_notes=self.mapping_notes,
            sheet=grid.sheet,
        )

    def _read_cells(self, row: _DataRow, cells: list[str]) -> None:
        """The cells right of the level word: numbers, the responsible-unit text, or a mistake to report."""
        for column in range(row.level_column + 1, len(cells)):
            text = cells[column].strip()
            if is_blank(text):
                continue
            try:
                value = parse_decimal(text)
            except NumberFormatError as exc:
                row.texts[column] = text
                if not _responsible(text):
                    self.problems.append(
                        Problem(
                            f"数值单元格中是文字：{exc}", row=row.index + 1, column=column + 1, expected="数值或空白"
                        )
                    )
                continue
            assert value is not None  # is_blank ruled out the only None
            row.numbers[column] = value

    def _year_of(self, index: int, cells: list[str], level_column: int) -> tuple[int | None, int]:
        for column in range(level_column - 1, -1, -1):
            text = squash(cells[column])
            if YEAR.match(text):
                return int(text[:4]), column
        return None, -1

    def _read_loose_row(
        self, index: int, cells: list[str], blocks: list[_Block], goal_column: int | None, name_column: int
    ) -> None:
        """A row without a level word: wrapped goal text, a stray note, or numbers we cannot place."""
        numbers = [col for col, cell in enumerate(cells) if col > name_column and parse_or_none(cell) is not None]
        if numbers and not all(YEAR.match(squash(cells[col])) for col in numbers):
            self.problems.append(
                Problem(
                    "这一行有数值，但没有“确保”“力争”或“实际”标明它是哪一级目标",
                    row=index + 1,
                    column=numbers[0] + 1,
                    expected="在年份后标明 确保 / 力争 / 实际",
                )
            )
            return
        text = " ".join(cell.strip() for cell in cells if cell.strip())
        if blocks and goal_column is not None and cells[goal_column : goal_column + 1] and cells[goal_column].strip():
            blocks[-1].reading.goal_text += cells[goal_column].strip()
        else:
            self.notes.append(text)

    def _plan_years(self, title: str, blocks: list[_Block]) -> tuple[int, int]:
        folded = normalise_text(title)
        span = YEAR_SPAN.search(folded)
        if span:
            return int(span.group(1)), int(span.group(2))
        one = ONE_YEAR.search(folded)
        if one:
            return int(one.group(1)), int(one.group(1))
        years = [row.year for block in blocks for row in block.rows]
        self.notes.append(f"标题中没有规划年限，按数据中的年份定为{min(years)}—{max(years)}年")
        return min(years), max(years)

    def _check_rows(self, block: _Block, start_year: int, end_year: int) -> None:
        seen: dict[tuple[int, str], int] = {}
        for row in block.rows:
            # A row that inherits its year from the row above is not reported a second time.
            if row.year_column >= 0 and not start_year <= row.year <= end_year:
                self.problems.append(
                    Problem(
                        f"年份{row.year}不在规划期{start_year}—{end_year}年内",
                        row=row.index + 1,
                        column=(row.year_column + 1) if row.year_column >= 0 else None,
                        expected=f"{start_year}至{end_year}之间的年份",
                    )
                )
            key = (row.year, row.level)
            if key in seen:
                self.problems.append(
                    Problem(
                        f"指标{block.reading.number}的{row.year}年“{LEVEL_LABELS[row.level]}”行重复出现（先见于第{seen[key]}行）",
                        row=row.index + 1,
                        column=row.level_column + 1,
                        expected="每个年份每一级目标只有一行",
                    )
                )
            seen[key] = row.index + 1
        years = {row.year for row in block.rows}
        missing = [year for year in range(start_year, end_year + 1) if year not in years]
        if missing and not any(not start_year <= y <= end_year for y in years):
            last = block.rows[-1].index + 1 if block.rows else block.reading.first_row
            self.problems.append(
                Problem(
                    f"指标{block.reading.number}“{block.reading.name}”缺少{'、'.join(map(str, missing))}年的目标行，"
                    "表格可能不完整（被截断）",
                    row=last,
                    expected=f"{start_year}—{end_year}年每年的目标行",
                )
            )

    def _describe(self, block: _Block) -> None:
        """Lead departments and responsible units from the block's text cells."""
        texts = [text for row in block.rows for text in row.texts.values() if _responsible(text)]
        if not texts:
            return
        # Matched on the text as written, so the stored names keep their full-width brackets.
        text = " ".join(text.strip() for text in texts)
        lead = re.search(r"牵头(?:部门|单位)\s*[:：]\s*([^;；]+)", text)
        responsible = re.search(r"责任单位\s*[:：]\s*(.+)$", text)
        if lead:
            block.reading.lead_departments = [
                part.strip() for part in re.split(r"[、,，]", lead.group(1)) if part.strip()
            ]
        # Text naming only lead departments names no responsible units.
        named = responsible.group(1) if responsible else ("" if lead else text)
        block.reading.responsible_units = named.strip().rstrip("。；;")

    def _attach_notes(self, blocks: list[_Block], table_notes: list[str]) -> None:
        """A note naming an indicator is that indicator's remark; others stay with the table."""
        for note in table_notes:
            body = re.sub(r"^(备注|注|说明|要求)\s*\d*\s*[:：]\s*", "", note.strip())
            named = [block for block in blocks if block.reading.name and block.reading.name in body]
            if named:
                target = max(named, key=lambda block: len(block.reading.name))
                target.reading.remarks = (target.reading.remarks + "\n" + body).strip()
            else:
                self.notes.append(note)

    # -- the column mapping -------------------------------------------------------------------

    def _mapping_options(self, block: _Block, slots: list[str]) -> list[_Mapping] | None:
        """Every mapping of the block's numeric columns to slots that fits, with its checksum score."""
        reading = block.reading
        place = _place(reading)
        if not block.rows:
            self.problems.append(Problem(f"{place}没有任何目标行", row=reading.first_row, expected="目标行"))
            return None
        start = max(row.level_column for row in block.rows) + 1
        width = max(len(self.grid.rows[row.index]) for row in block.rows)
        text_columns = {column for row in block.rows for column in row.texts}
        required = sorted({column for row in block.rows for column in row.numbers})
        candidates = [column for column in range(start, width) if column not in text_columns]
        if len(required) > len(slots):
            self.problems.append(
                Problem(
                    f"{place}有{len(required)}列数值，但表头只列出{len(slots) - 1}个单位和1个合计列",
                    row=reading.first_row,
                    column=required[-1] + 1,
                    expected=f"不超过{len(slots)}列数值",
                )
            )
            return None
        options: list[_Mapping] = []
        for assignment in _assignments(required, candidates, len(slots)):
            if len(options) >= MAX_MAPPINGS:
                self.problems.append(
                    Problem(
                        f"{place}的列与单位的对应方式太多，无法判定",
                        row=reading.first_row,
                        expected="表头单位名称与数据列对齐",
                    )
                )
                return None
            options.append(_Mapping(columns=assignment, reconciled=_reconciled_rows(block, assignment, slots)))
        if not options:
            self.problems.append(
                Problem(f"{place}的数值列无法与表头的单位一一对应", row=reading.first_row, expected="每个单位一列")
            )
            return None
        return options

    def _choose_mapping(
        self,
        block: _Block,
        options: list[_Mapping],
        slots: list[str],
        header_columns: dict[int, int],
        offsets: list[int],
    ) -> _Mapping | None:
        """The mapping under which most rows add up, then the one nearest the header; a tie is reported."""
        place = _place(block.reading)

        def rank(option: _Mapping) -> tuple[int, int]:
            return -option.reconciled, _header_distance(option.columns, header_columns, offsets)

        ordered = sorted(options, key=rank)
        best = ordered[0]
        rival = next((o for o in ordered[1:] if rank(o) == rank(best) and o.columns != best.columns), None)
        if rival is not None:
            column = next(c for c in sorted(best.columns) if best.columns[c] != rival.columns[c])
            self.problems.append(
                Problem(
                    f"{place}第{column + 1}列的数值可以属于“{_slot_label(slots, best.columns[column])}”，"
                    f"也可以属于“{_slot_label(slots, rival.columns[column])}”，合计校验无法区分",
                    row=block.reading.first_row,
                    column=column + 1,
                    expected="与表头对齐的单位列",
                )
            )
            return None
        total_column = _total_column(best.columns, slots)
        rows_with_total = sum(1 for row in block.rows if total_column in row.numbers)
        shifted = [
            f"{slots[slot]}在第{column + 1}列"
            for column, slot in sorted(best.columns.items())
            if slot in header_columns and column - header_columns[slot] not in offsets
        ]
        note = f"{place}：{best.reconciled}/{rows_with_total}行合计相符，用以确认列对应"
        if shifted:
            note += f"；本块列位与表头错开：{'、'.join(shifted)}"
        self.mapping_notes.append(note)
        return best

    def _values(self, block: _Block, mapping: _Mapping, slots: list[str]) -> Iterator[CellValue]:
        for row in block.rows:
            for column, value in sorted(row.numbers.items()):
                slot = slots[mapping.columns[column]]
                yield CellValue(
                    indicator_number=block.reading.number,
                    unit=None if slot == TOTAL_SLOT else slot,
                    year=row.year,
                    level=row.level,
                    value=value,
                    row=row.index + 1,
                    column=column + 1,
                )


def _place(reading: IndicatorReading) -> str:
    return f"指标{reading.number}“{reading.name}”（第{reading.first_row}—{reading.last_row}行）"


def parse_or_none(text: str) -> Decimal | None:
    try:
        return parse_decimal(text)
    except NumberFormatError:
        return None


def _responsible(text: str) -> bool:
    """Text naming who is accountable (牵头部门：市科技局 …), as opposed to a mistyped value."""
    folded = squash(text)
    return (
        any(word in folded for word in _RESPONSIBLE)
        or folded.endswith(_BODY_ENDINGS)
        or (len(folded) >= 6 and "、" in folded)
    )


def _signature(cells: list[str]) -> tuple[str, ...]:
    return tuple(squash(cell) for cell in cells if cell.strip())


def _slot_label(slots: list[str], index: int) -> str:
    return "合计" if slots[index] == TOTAL_SLOT else slots[index]


def _total_column(columns: dict[int, int], slots: list[str]) -> int | None:
    total = slots.index(TOTAL_SLOT)
    return next((column for column, slot in columns.items() if slot == total), None)


def _assignments(required: list[int], candidates: list[int], slot_count: int) -> Iterator[dict[int, int]]:
    """Every order-keeping way to give each numeric column a slot.

    Slots skipped between two numeric columns must land on free columns between them (blank
    cells); slots after the last numeric column may run past the row's end (trailing blanks).
    """
    if not required:
        return
    free_between = []
    previous = -1
    for column in required:
        free_between.append(sum(1 for c in candidates if previous < c < column))
        previous = column

    def extend(position: int, slot: int, chosen: dict[int, int]) -> Iterator[dict[int, int]]:
        if position == len(required):
            yield dict(chosen)
            return
        remaining = len(required) - position
        lowest = slot
        highest = min(slot + free_between[position], slot_count - remaining)
        for next_slot in range(lowest, highest + 1):
            chosen[required[position]] = next_slot
            yield from extend(position + 1, next_slot + 1, chosen)
            del chosen[required[position]]

    yield from extend(0, 0, {})


def _reconciled_rows(block: _Block, columns: dict[int, int], slots: list[str]) -> int:
    total_column = _total_column(columns, slots)
    if total_column is None:
        return 0
    count = 0
    for row in block.rows:
        if total_column not in row.numbers:
            continue
        units = sum((value for column, value in row.numbers.items() if column != total_column), Decimal(0))
        count += units == row.numbers[total_column]
    return count


def _offsets(columns: dict[int, int], header_columns: dict[int, int]) -> list[int]:
    return [column - header_columns[slot] for column, slot in columns.items() if slot in header_columns]


def _table_offsets(options: list[list[_Mapping]], header_columns: dict[int, int]) -> list[int]:
    """How far the data sit from their header names across the whole table (PDF text often shifts by one).

    Blocks whose mapping is already certain vote. Without any, the shifts that bring every block
    nearest its header are all kept: if they read a block differently, that block is ambiguous.
    """
    votes = [
        offset
        for block in options
        if len({tuple(sorted(o.columns.items())) for o in block}) == 1
        for offset in _offsets(block[0].columns, header_columns)
    ]
    if votes:
        return [max(sorted(set(votes), key=abs), key=votes.count)]
    cost = {
        d: sum(min(_header_distance(o.columns, header_columns, [d]) for o in block) for block in options)
        for d in range(-3, 4)
    }
    return [d for d in cost if cost[d] == min(cost.values())]


def _header_distance(columns: dict[int, int], header_columns: dict[int, int], offsets: list[int]) -> int:
    """How far a mapping strays from the header's own columns, given the table's shift(s)."""
    shifts = _offsets(columns, header_columns)
    return min(sum(abs(offset - shift) for shift in shifts) for offset in offsets)


def area_of(title: str) -> str:
    """The most specific administrative name the title opens with: 柳州市…, 扬州市宝应县… → 宝应县."""
    match = _AREA.match(squash(title))
    if not match:
        return ""
    return match.group("county") or match.group("city") or match.group("province") or ""


def plan_title_of(title: str) -> str:
    """The plan's own title: the table title without its 目标分解任务表 suffix and year span."""
    text = title.strip()
    text = re.sub(r"[(（]\s*(?:19|20)\d{2}.*?[)）]\s*$", "", text).strip()
    # 目标分解任务表, 任务分解表, 目标任务分解表, 分解表: the table's kind, not the plan's name. An
    # indicator word before it stays (主要指标任务分解表 → …主要指标).
    stripped = re.sub(r"的?(?:目标|任务)*分解(?:任务|目标)*表$|的?(?:目标|任务)+表$", "", text).strip()
    return stripped or text


def read_table(grid: Grid) -> TableReading:
    """Understand one grid as a decomposition table."""
    return TableReader(grid).read()


def read_blocks(grid: Grid, mapping: LayoutMapping) -> LayoutResult:
    """The block layout as the understanding needs it: the reading or its problems, and row roles."""
    label_row = mapping.header_rows[0] - 1 if mapping.header_rows else None
    reader = TableReader(grid, label_row)
    effective = LayoutMapping(**{**vars(mapping), "layout": "blocks"})
    try:
        reading = reader.read()
    except TableError as error:
        return LayoutResult(layout="blocks", mapping=effective, reading=None, problems=error.problems)
    value_rows = {value.row for value in reading.values}
    value_columns = {value.column for value in reading.values}
    first_data = min(value_rows, default=1)
    header = reader.found_label_row + 1
    effective.header_rows = [header, first_data - 1] if first_data > header else [header, header]
    rows: dict[int, str] = {}
    for index, cells in enumerate(grid.rows, start=1):
        joined = squash("".join(cells))
        if not joined:
            rows[index] = "blank"
        elif index < header:
            rows[index] = "title"
        elif index < first_data:
            rows[index] = "header"
        elif index in value_rows:
            rows[index] = "data"
        elif NOTE_LINE.match(joined):
            rows[index] = "note"
        else:
            rows[index] = "text"
    columns = {column: "value" for column in value_columns}
    for column, cell in enumerate(grid.rows[reader.found_label_row], start=1):
        role = LABEL_ROLES.get(squash(cell))
        if (
            role in {"number", "name", "unit_of_measure", "goal", "responsible", "remark", "year", "level"}
            and column not in columns
        ):
            columns[column] = {"name": "label"}.get(role, role)
    return LayoutResult(layout="blocks", mapping=effective, reading=reading, row_roles=rows, column_roles=columns)
