"""The words decomposition tables use for levels, totals, 'of which' parts and years: one place for all.

Both table readers (the blocks reader, mubiao.tables.structure, and the cross-tab reader,
mubiao.tables.crosstab) and the layout guess take their words from here. Each reader names the
part of a vocabulary it accepts, and why: a word a reader does not accept is not a word it missed.
Words are compared folded (full-width forms and spaces removed, see names.squash).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# --- Levels -----------------------------------------------------------------------------------

#: Each row kind (a level, or the actual values) with the word tables and pages show for it.
LEVEL_LABELS = {"committed": "确保", "stretch": "力争", "actual": "实际"}

#: Every word a table may use for a level → the row kind it names (确保 → committed).
LEVEL_WORDS: Mapping[str, str] = {
    "确保": "committed",
    "确保目标": "committed",
    "任务": "committed",
    "目标": "committed",
    "本年任务": "committed",
    "年度任务": "committed",
    "年度目标": "committed",
    "目标任务": "committed",
    "任务数": "committed",
    "目标值": "committed",
    "预期": "committed",
    "预期目标": "committed",
    "计划": "committed",
    "力争": "stretch",
    "力争目标": "stretch",
    "奋斗目标": "stretch",
    "实际": "actual",
    "实际完成": "actual",
    "完成": "actual",
    "完成值": "actual",
}


def level_words(*words: str) -> dict[str, str]:
    """Part of LEVEL_WORDS, for a reader that accepts only these words (each must be one of them)."""
    return {word: LEVEL_WORDS[word] for word in words}


#: The words that mark a data row in the blocks layout (a year, then 确保 / 力争 / 实际 in a
#: cell of its own). In that layout a level word stands alone in its cell, beside the figures, so
#: the longer header phrases (年度目标, 计划 …) would be taken for a row that is not one.
ROW_LEVEL_WORDS = level_words("确保", "目标", "任务", "力争", "实际", "实际完成", "完成")

#: The words that, beside a year, tell the layout guess that a table is in blocks: only the
#: unmistakable ones, since 目标 or 完成 beside a year also occur in cross-tab headers.
BLOCK_MARKS = frozenset({"确保", "力争", "实际", "实际完成"})

# --- Totals -----------------------------------------------------------------------------------

#: A label naming the area's own total: 合计, 总计, 全市, 全区, 全县合计 …
#: A note below a table (备注：…, 注1：…): never a row of figures. Every reader and the official export use it.
NOTE_LINE = re.compile(r"^(备注|注|说明|要求|附注)\s*\d*\s*[:：]")

TOTAL_WORDS = re.compile(r"^(全(市|区|县|州|盟|旗|省|镇)|合计|总计|总数|全市合计|全县合计|全区合计)(合计|总计)?$")

#: The column headers the blocks reader takes for the total's column. Its header row also holds
#: the unit names, and a short 全X there may be a unit's own name, so it takes only these.
TOTAL_HEADERS = ("合计", "总计", "全市", "全区", "全县")


# --- 'Of which' parts -------------------------------------------------------------------------

#: 其中：X (or 其中X) names a part X of the row or column before it, never an addend of the total.
PART_LABEL = re.compile(r"^其中\s*[:：]?\s*(.*)$")

# --- Years ------------------------------------------------------------------------------------

#: A year as a row label in the blocks layout: 2021 or 2021年.
YEAR = re.compile(r"^(19|20)\d{2}(年)?$")
#: A year as a cell value in a cross-tab's year column: 2021, 2021年 or 2021年度.
YEAR_VALUE = re.compile(r"^(19|20)\d{2}(年|年度)?$")
#: A header label starting with a year, and what follows it: 2021年确保 → (2021, 确保).
YEAR_LABEL = re.compile(r"^((?:19|20)\d{2})\s*年?度?(.*)$")
#: A plan's span of years in its title: 2021—2025年, 2021年至2025年.
YEAR_SPAN = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[-—–~～至到]\s*((?:19|20)\d{2})")
#: One year in a title: 2021年.
ONE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
