"""A deterministic generator of a large "units in rows" cross-tab workbook (.xlsx), for benchmarks/import_xlsx.py.

The issue's example: "a 5 MB .xlsx (e.g. 3,000 units × 20 indicators)". With five years × 2 levels
(确保/力争) that is 600,000 value cells, but written as offices write them (amounts in 万元 to the yuan,
four decimals; physical quantities to two; counts whole) they make only 4.5 MB. So the default is six
years, 2021—2026: 3,000 × 20 × 6 × 2 = 720,000 value cells plus the total row, 5.4 MB — at least the
size the issue names, with every digit a real one. The layout is the one provinces send out:

    row 1   测试省2021—2026年经济社会发展主要指标目标任务分解表   (merged across the whole width)
    row 2   序号 | 地区 | 地区生产总值（亿元） ………………………… | 一般公共预算收入（亿元） … (merged over 10 columns)
    row 3        |      | 2021年 | 2022年 | …                                                 (merged over 2 columns)
    row 4        |      | 确保 | 力争 | 确保 | 力争 | …
    row 5…  1    | 东川镇 | 1234.56 | 1290.12 | …
    last         | 合计 | (each column's sum of the units, exactly: Decimal)

序号 and 地区 are merged down the three header rows. Unit names are two or three syllables (see
benchmarks/generate_table.py) with a township ending (镇, 乡 or 街道): never a digit, a year, a level
word or a total word. Values grow year on year, 力争 above 确保.

The workbook is streamed with openpyxl's write-only mode, so writing it takes seconds and little memory.

    .venv/bin/python -m benchmarks.generate_xlsx /tmp/big.xlsx [--units 3000 --indicators 20 --years 6]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.cell_range import CellRange

from benchmarks.generate_table import _FIRST, _SECOND

DEFAULT_SEED = 20210101
DEFAULT_AREA = "测试省"
FIRST_YEAR = 2021
DEFAULT_YEARS = 6
LEVELS = ("确保", "力争")
ENDINGS = ("镇", "镇", "乡", "街道")  # towns outnumber townships and sub-districts

# (name, unit of measure, decimals, typical value of an average unit in the first year). All are
# amounts or counts, so a column's total is the sum of its units.
INDICATORS: tuple[tuple[str, str, int, int], ...] = (
    ("地区生产总值", "万元", 4, 120_000),
    ("一般公共预算收入", "万元", 4, 9_000),
    ("固定资产投资", "万元", 4, 80_000),
    ("社会消费品零售总额", "万元", 4, 45_000),
    ("规模以上工业增加值", "万元", 4, 40_000),
    ("进出口总额", "万美元", 4, 6_000),
    ("实际利用外资", "万美元", 4, 900),
    ("城镇新增就业人数", "人", 0, 800),
    ("粮食总产量", "吨", 2, 30_000),
    ("造林面积", "亩", 2, 2_000),
    ("新增高新技术企业", "家", 0, 12),
    ("发明专利授权量", "件", 0, 150),
    ("研究与试验发展经费投入", "万元", 4, 3_000),
    ("旅游总收入", "万元", 4, 20_000),
    ("新建改造农村公路", "公里", 2, 35),
    ("新增城镇保障性住房", "套", 0, 400),
    ("高标准农田建设", "亩", 2, 10_000),
    ("节能量", "吨标准煤", 2, 1_000),
    ("新增市场主体", "户", 0, 1_800),
    ("新增光纤宽带用户", "户", 0, 1_500),
)
_CYCLE = "二三四五六七八九十"


@dataclass(frozen=True)
class Indicator:
    name: str  # as in the header: 地区生产总值（亿元）
    measure: str
    decimals: int
    typical: int

    @property
    def bare_name(self) -> str:
        return self.name[: self.name.rfind("（")]


@dataclass
class GeneratedWorkbook:
    """What was written, so tests and the benchmark know what the reader must find."""

    path: Path
    area: str
    title: str
    units: list[str]
    indicators: list[Indicator]
    years: list[int]
    size: int = 0  # bytes
    value_cells: int = 0  # unit cells, the total row not counted
    totals: dict[tuple[int, int, str], Decimal] = field(default_factory=dict)  # (indicator index, year, level)
    first_unit: dict[tuple[int, int, str], Decimal] = field(default_factory=dict)
    last_unit: dict[tuple[int, int, str], Decimal] = field(default_factory=dict)


def unit_place_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct township names: distinct two- or three-syllable stems, each with its ending.

    No stem ends in 乡 or 镇, so a name's short form (the name without its ending, as tables write
    it) is its stem and belongs to no other unit: 东川镇 and 东川乡 never both occur.
    """
    second = _SECOND.replace("乡", "")
    pool = [a + b for a in _FIRST for b in second if a != b]
    if count > len(pool):
        pool += [name + c for name in list(pool) for c in second if not name.endswith(c)]
    if count > len(pool):
        raise ValueError(f"at most {len(pool)} distinct unit names, {count} asked")
    return [stem + rng.choice(ENDINGS) for stem in rng.sample(pool, count)]


def indicator_list(count: int) -> list[Indicator]:
    """`count` indicators: the twenty above, then again with a numbered variant in the name."""
    found = []
    for index in range(count):
        name, measure, decimals, typical = INDICATORS[index % len(INDICATORS)]
        cycle = index // len(INDICATORS)
        if cycle:
            name = f"{name}（{_CYCLE[(cycle - 1) % len(_CYCLE)]}类）"
        found.append(Indicator(f"{name}（{measure}）", measure, decimals, typical))
    return found


def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def build_workbook(
    path: Path | str,
    *,
    units: int = 3000,
    indicators: int = 20,
    years: int = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    area: str = DEFAULT_AREA,
) -> GeneratedWorkbook:
    """Write the workbook to `path`; the same arguments give the same cells."""
    if units < 1 or indicators < 1 or years < 1:
        raise ValueError("a workbook needs at least one unit, one indicator and one year")
    rng = random.Random(seed)
    path = Path(path)
    year_list = list(range(FIRST_YEAR, FIRST_YEAR + years))
    title = f"{area}{year_list[0]}—{year_list[-1]}年经济社会发展主要指标目标任务分解表"
    names = unit_place_names(units, rng)
    specs = indicator_list(indicators)
    facts = GeneratedWorkbook(path=path, area=area, title=title, units=names, indicators=specs, years=year_list)

    per_indicator = len(year_list) * len(LEVELS)
    width = 2 + indicators * per_indicator
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("分解表")
    merges = [CellRange(min_row=1, min_col=1, max_row=1, max_col=width)]
    merges += [CellRange(min_row=2, min_col=column, max_row=4, max_col=column) for column in (1, 2)]
    for index in range(indicators):
        first = 3 + index * per_indicator
        merges.append(CellRange(min_row=2, min_col=first, max_row=2, max_col=first + per_indicator - 1))
        for offset in range(len(year_list)):
            column = first + offset * len(LEVELS)
            merges.append(CellRange(min_row=3, min_col=column, max_row=3, max_col=column + len(LEVELS) - 1))
    for merge in merges:
        sheet.merged_cells.add(merge)
    # Excel always writes the sheet's <dimension>; openpyxl's write-only mode cannot know it, but we do.
    # (Without it openpyxl's reader parses the whole sheet once more just to find the size.)
    last = CellRange(min_row=1, min_col=1, max_row=4 + units + 1, max_col=width).coord
    sheet.calculate_dimension = lambda: last  # read by openpyxl's writer

    header_1: list[str | None] = ["序号", "地区"]
    header_2: list[str | None] = [None, None]
    header_3: list[str | None] = [None, None]
    for spec in specs:
        header_1 += [spec.name] + [None] * (per_indicator - 1)
        for year in year_list:
            header_2 += [f"{year}年", None]
            header_3 += list(LEVELS)
    sheet.append([title])
    sheet.append(header_1)
    sheet.append(header_2)
    sheet.append(header_3)

    totals = [Decimal(0)] * (width - 2)
    for number, (name, row) in enumerate(zip(names, _unit_rows(rng, specs, year_list, units), strict=True), start=1):
        for position, value in enumerate(row):
            totals[position] += value
        sheet.append([number, name, *row])
        facts.value_cells += len(row)
        if number in (1, units):
            keyed = _keyed(row, year_list)
            if number == 1:
                facts.first_unit = keyed
            if number == units:
                facts.last_unit = keyed
    sheet.append([None, "合计", *totals])
    facts.totals = _keyed(totals, year_list)
    workbook.save(path)
    facts.size = path.stat().st_size
    return facts


def _keyed(row: list[Decimal], years: list[int]) -> dict[tuple[int, int, str], Decimal]:
    keys = [(index, year, level) for index in range(len(row) // (len(years) * 2)) for year in years for level in LEVELS]
    return dict(zip(keys, row, strict=True))


def _unit_rows(rng: random.Random, specs: list[Indicator], years: list[int], units: int) -> Iterator[list[Decimal]]:
    """Each unit's values, indicator by indicator, year by year, 确保 then 力争."""
    quanta = [_quantum(spec.decimals) for spec in specs]
    for _ in range(units):
        size = rng.choice((0.3, 0.5, 0.8, 1.0, 1.0, 1.3, 1.7, 2.5, 4.0))  # a few big towns, many small
        row: list[Decimal] = []
        for spec, quantum in zip(specs, quanta, strict=True):
            level = spec.typical * size * rng.uniform(0.6, 1.4)
            growth = rng.uniform(0.03, 0.09)
            for _year in years:
                committed = Decimal(repr(level)).quantize(quantum)
                if committed <= 0:
                    committed = quantum
                stretch = (committed * Decimal(repr(1 + rng.uniform(0.02, 0.08)))).quantize(quantum)
                row += [committed, max(stretch, committed + quantum)]
                level *= 1 + growth
        yield row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a generated units-in-rows cross-tab workbook (.xlsx).")
    parser.add_argument("output", help="the .xlsx file to write")
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS, help=f"plan years from {FIRST_YEAR}")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    facts = build_workbook(args.output, units=args.units, indicators=args.indicators, years=args.years, seed=args.seed)
    cells = facts.value_cells + len(facts.totals)
    sys.stdout.write(
        f"{facts.path}: {facts.size:,} bytes ({facts.size / 1_000_000:.2f} MB, {facts.size / 2**20:.2f} MiB); "
        f"{len(facts.units)} units × {len(facts.indicators)} indicators × {len(facts.years)} years × 2 levels "
        f"= {facts.value_cells:,} value cells, {cells:,} with the total row\n"
    )


if __name__ == "__main__":
    main()
