"""A deterministic generator of large decomposition tables, in the layout family of the seed.

The seed (mubiao/examples/liuzhou_2018_2022_keji.txt) is 4 indicators × 5 years × 2 levels ×
12 units. `generate()` writes the same shape at any size: an attachment line and a title, the
header label row (序号 指标名称 完成目标 目标分解 … 责任单位), the row of unit names headed by
年度目标, then one block per indicator whose first row carries the number, name, goal text (with
milestones) and the responsible units after the unit columns; each year has a 确保 row and a 力争
row, the city total first, then one column per unit. Tab-separated, UTF-8.

Most rows add up. A few rows are deliberately wrong so that validation has findings to report:
totals that do not match their units, stretch cells below the committed cell, blank cells inside a
row whose total still counts them, and the odd milestone the annual targets do not reach.

    .venv/bin/python -m benchmarks.generate_table /tmp/big.txt --indicators 40 --units 120
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 20180601

# Syllables for unit short names. None of them is a digit, a level word (确保/力争/实际/目标/任务/
# 完成) or a header label (合计/全市/年度…), so no combination reads as a number, a year or a label.
_FIRST = "东西南北青白金石云龙凤桂兰松梅柳桃安永长平宁华丰泰兴福清明阳瑞嘉"
_SECOND = "川岭江湖山溪林塘桥源城坪洲田港湾口岗峰亭寨乡浦圩"

# (topic, unit of measure): each makes one flow indicator (新增…) and one stock indicator (…保有量).
_TOPICS: tuple[tuple[str, str], ...] = (
    ("高新技术企业", "家"),
    ("科技型中小企业", "家"),
    ("企业研发机构", "个"),
    ("众创空间", "个"),
    ("科技企业孵化器", "家"),
    ("企业技术中心", "个"),
    ("工程技术研究中心", "个"),
    ("重点实验室", "个"),
    ("新型研发机构", "家"),
    ("发明专利授权", "件"),
    ("科技成果转化项目", "项"),
    ("产学研合作项目", "项"),
    ("高层次创新人才", "人"),
    ("创新团队", "个"),
    ("技术合同登记", "项"),
    ("科技特派员", "人"),
    ("院士工作站", "个"),
    ("博士后科研工作站", "个"),
    ("瞪羚企业", "家"),
    ("专精特新企业", "家"),
)

_LEADS = ("市科技局", "市科技局", "市工业和信息化局", "市人力资源社会保障局、市科技局")
_RESPONSIBLE = "责任单位：各县（区）人民政府"


@dataclass
class GeneratedTable:
    """The table's text and what was planted in it, so tests and benchmarks know what to expect."""

    text: str
    indicators: int
    units: list[str]
    years: tuple[int, int]
    value_cells: int  # numeric cells written (totals included)
    blank_cells: list[tuple[int, int, str, str]] = field(default_factory=list)  # (indicator, year, level, unit)
    mismatched_rows: list[tuple[int, int, str]] = field(default_factory=list)  # (indicator, year, level)
    stretch_below_committed: list[tuple[int, int, str]] = field(default_factory=list)  # (indicator, year, unit)
    unmet_milestones: list[tuple[int, int]] = field(default_factory=list)  # (indicator, year)


def unit_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct two-character short names, in a shuffled but reproducible order."""
    pool = [first + second for first in _FIRST for second in _SECOND if first != second]
    if count > len(pool):
        # Past the two-syllable pool, three syllables: still names, still unique.
        pool += [name + second for name in list(pool) for second in _SECOND if not name.endswith(second)]
    if count > len(pool):
        raise ValueError(f"at most {len(pool)} distinct unit names, {count} asked")
    return rng.sample(pool, count)


def _indicator_name(index: int) -> tuple[str, str, bool]:
    """(name, unit of measure, is_flow) for the 0-based indicator index."""
    topic, measure = _TOPICS[(index // 2) % len(_TOPICS)]
    cycle = index // (2 * len(_TOPICS))
    suffix = f"（{cycle + 1}）" if cycle else ""
    flow = index % 2 == 0
    return (f"新增{topic}{suffix}" if flow else f"{topic}保有量{suffix}"), measure, flow


def _goal_text(name: str, measure: str, flow: bool, milestones: list[tuple[int, int, int]]) -> str:
    """The 完成目标 text: what is counted, then "到YYYY年确保完成N…以上，力争完成M…" per milestone."""
    clauses = "；".join(
        f"到{year}年确保完成{committed}{measure}以上，力争完成{stretch}{measure}"
        for year, committed, stretch in milestones
    )
    what = f"每年{name}数量" if flow else f"每年{name}"
    return f"{what}（{clauses}。）"


def _round_down(value: int) -> int:
    """A milestone written as a round figure no higher than what the targets reach."""
    step = 10 if value >= 100 else 5 if value >= 20 else 1
    return value // step * step


def build_table(
    indicators: int = 40,
    units: int = 120,
    years: tuple[int, int] = (2018, 2022),
    seed: int = DEFAULT_SEED,
    area: str = "测试市",
) -> GeneratedTable:
    """The table and what was planted in it; same arguments, same bytes."""
    if indicators < 1 or units < 1:
        raise ValueError("a table needs at least one indicator and one unit")
    start, end = years
    if not 1900 <= start <= end <= 2099:
        raise ValueError(f"bad year span {years}")
    rng = random.Random(seed)
    names = unit_names(units, rng)
    year_list = list(range(start, end + 1))
    milestone_years = sorted({start + (end - start) // 2, end})
    width = 6 + units + 1  # 序号 名称 目标 年份 级别 合计 units… 责任单位
    responsible_column = width - 1

    # Each unit's size: a few big districts, many small townships and zones.
    weights = [rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 9)) for _ in names]

    # Which blocks get which planted fault (a block gets at most one of each kind).
    share = max(1, indicators // 6)
    mismatch_blocks = set(rng.sample(range(indicators), min(share, indicators)))
    stretch_blocks = set(rng.sample(range(indicators), min(max(1, indicators // 10), indicators)))
    blank_blocks = set(rng.sample(range(indicators), min(share, indicators)))
    unmet_blocks = set(rng.sample(range(indicators), min(max(1, indicators // 20), indicators)))

    table = GeneratedTable(text="", indicators=indicators, units=names, years=years, value_cells=0)
    lines: list[list[str]] = [
        ["附件1"],
        [],
        [f"{area}科技创新示范方案目标分解任务表（{start}-{end}年）"],
        [],
    ]
    label_row = [""] * width
    label_row[0:4] = ["序号", "指标名称", "完成目标", "目标分解"]
    label_row[responsible_column] = "责任单位"
    lines.append(label_row)
    lines.append(["", "", "", "", "", "年度目标", *names, ""])

    for index in range(indicators):
        number = index + 1
        name, measure, flow = _indicator_name(index)
        scale = rng.randint(1, 4)
        committed: dict[int, list[int]] = {}
        stretch: dict[int, list[int]] = {}
        previous = [weight * scale * 5 + rng.randint(0, 5) for weight in weights]
        for offset, year in enumerate(year_list):
            if flow:
                targets = [weight * scale + offset // 2 + rng.randint(0, 2) for weight in weights]
            else:
                targets = [
                    value + rng.randint(0, weight * scale) for value, weight in zip(previous, weights, strict=True)
                ]
                previous = targets
            committed[year] = targets
            stretch[year] = [value + rng.randint(0, max(1, value // 5)) for value in targets]

        stretch_unit: int | None = None
        if index in stretch_blocks:
            year = rng.choice(year_list)
            stretch_unit = rng.randrange(units)
            stretch[year][stretch_unit] = committed[year][stretch_unit] - 1
            table.stretch_below_committed.append((number, year, names[stretch_unit]))

        totals = {
            (year, level): sum(values)
            for year in year_list
            for level, values in (("确保", committed[year]), ("力争", stretch[year]))
        }
        if index in mismatch_blocks:
            key = (rng.choice(year_list), rng.choice(("确保", "力争")))
            totals[key] += rng.choice((-5, -2, -1, 1, 2, 3, 10))
            table.mismatched_rows.append((number, *key))
        blank: tuple[int, str, int] | None = None
        if index in blank_blocks:
            # The total still counts the missing value: the gap is one the blank could explain.
            unit_index = rng.choice([u for u in range(units) if u != stretch_unit])
            blank = (rng.choice(year_list), rng.choice(("确保", "力争")), unit_index)
            table.blank_cells.append((number, blank[0], blank[1], names[unit_index]))

        milestones: list[tuple[int, int, int]] = []
        for year in milestone_years:
            if flow:
                reached_c = sum(totals[(y, "确保")] for y in year_list if y <= year)
                reached_s = sum(totals[(y, "力争")] for y in year_list if y <= year)
            else:
                reached_c, reached_s = totals[(year, "确保")], totals[(year, "力争")]
            goal_c, goal_s = _round_down(reached_c), _round_down(reached_s)
            if index in unmet_blocks and year == milestone_years[-1]:
                goal_c = reached_c + 20  # the annual targets fall short of the milestone
                table.unmet_milestones.append((number, year))
            milestones.append((year, goal_c, max(goal_c, goal_s)))
        lead = _LEADS[index % len(_LEADS)]

        first = True
        for year in year_list:
            for level, values in (("确保", committed[year]), ("力争", stretch[year])):
                cells = [str(v) for v in values]
                if blank is not None and (year, level) == blank[:2]:
                    cells[blank[2]] = ""
                row = [
                    str(number) if first else "",
                    name if first else "",
                    _goal_text(name, measure, flow, milestones) if first else "",
                    str(year) if level == "确保" else "",
                    level,
                    str(totals[(year, level)]),
                    *cells,
                    f"牵头部门：{lead}； {_RESPONSIBLE}" if first else "",
                ]
                table.value_cells += sum(1 for cell in row[5:responsible_column] if cell)
                lines.append(row)
                first = False

    lines.append([])
    table.text = "\n".join("\t".join(cells) for cells in lines) + "\n"
    return table


def generate(
    indicators: int = 40,
    units: int = 120,
    years: tuple[int, int] = (2018, 2022),
    seed: int = DEFAULT_SEED,
) -> str:
    """The table's text: `indicators` blocks × the years × 确保/力争 × (`units` + the city total)."""
    return build_table(indicators=indicators, units=units, years=years, seed=seed).text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a generated decomposition table (tab-separated, UTF-8).")
    parser.add_argument("output", help="file to write, or - for standard output")
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--units", type=int, default=120)
    parser.add_argument("--start", type=int, default=2018, help="first plan year")
    parser.add_argument("--end", type=int, default=2022, help="last plan year")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    text = generate(indicators=args.indicators, units=args.units, years=(args.start, args.end), seed=args.seed)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
