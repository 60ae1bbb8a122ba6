"""Small decomposition tables built in tests, and variants of the seed."""

from __future__ import annotations

from pathlib import Path

SEED_PATH = Path(__file__).resolve().parents[2] / "mubiao" / "examples" / "liuzhou_2018_2022_keji.txt"


def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


def seed_lines() -> list[str]:
    return seed_text().split("\n")


def seed_with(line_number: int, column: int, value: str) -> bytes:
    """The seed with one cell (1-based line and column, as messages count) replaced."""
    lines = seed_lines()
    cells = lines[line_number - 1].split("\t")
    cells[column - 1] = value
    lines[line_number - 1] = "\t".join(cells)
    return "\n".join(lines).encode("utf-8")


def tsv(rows: list[list[str]]) -> bytes:
    return "\n".join("\t".join(row) for row in rows).encode("utf-8")


def small_county_table(title: str = "宝应县科技创新目标分解表（2021-2022年）") -> list[list[str]]:
    """An aligned table with the total column after the units and a 级别 column header."""
    return [
        ["附件2"],
        [title],
        ["序号", "指标名称", "完成目标", "年份", "级别", "安宜镇", "范水镇", "氾 水 镇", "合计", "责任单位"],
        [
            "1",
            "发明专利",
            "（到2022年确保完成30件以上）",
            "2021",
            "确保",
            "4",
            "5",
            "3",
            "12",
            "牵头部门：县市场监管局",
        ],
        ["", "", "", "", "力争", "5", "6", "4", "15", ""],
        ["", "", "", "2022", "确保", "6", "7", "5", "18", ""],
        ["", "", "", "", "力争", "7", "8", "", "20", ""],
    ]
