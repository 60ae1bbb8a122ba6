"""Milestones parsed from an indicator's goal text (完成目标).

"到2020年确保完成12家以上，力争完成15家" says: by 2020, committed at least 12, stretch 15.
The text also tells the indicator's unit of measure (家) and, through words like 新增 or 保有量,
whether it is a flow or a stock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from mubiao.domain.numbers import normalise_text
from mubiao.domain.values import Comparison, Direction, IndicatorKind, Level


@dataclass(frozen=True)
class MilestoneSpec:
    """One cumulative target at a milestone year, with the phrase it was read from."""

    year: int
    level: Level
    value: Decimal
    comparison: Comparison
    unit_of_measure: str
    phrase: str


_BY_YEAR = re.compile(r"到\s*(\d{4})\s*年(?:底|末)?")
_LEVEL_WORDS = {"确保": Level.COMMITTED, "力争": Level.STRETCH, "争取": Level.STRETCH}
_CLAUSE = re.compile(
    r"(?P<level>确保|力争|争取)?\s*(?:完成|达到|实现|新增|累计)*\s*(?P<floor>不低于|不少于|至少)?\s*"
    r"(?P<value>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%|[^\d\s,，;；。、()（）:：]{1,3}?)?"
    r"(?P<above>以上|及以上)?"
    r"(?=[,，;；。)）、]|$)"
)


def parse_milestones(goal_text: str) -> list[MilestoneSpec]:
    """Every "到YYYY年 … 确保 N … 力争 M" statement in the text, in the order written.

    A clause with no 确保/力争 word binds the committed level.
    """
    text = normalise_text(goal_text)
    found: list[MilestoneSpec] = []
    marks = list(_BY_YEAR.finditer(text))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        segment = text[mark.end() : end]
        year = int(mark.group(1))
        seen_levels: set[Level] = set()
        for clause in _CLAUSE.finditer(segment):
            level = _LEVEL_WORDS.get(clause.group("level") or "", Level.COMMITTED)
            if level in seen_levels:
                continue
            seen_levels.add(level)
            phrase = segment[clause.start() : clause.end()].strip()
            at_least = bool(clause.group("above") or clause.group("floor"))
            found.append(
                MilestoneSpec(
                    year=year,
                    level=level,
                    value=Decimal(clause.group("value")),
                    comparison=Comparison.AT_LEAST if at_least else Comparison.EXACTLY,
                    unit_of_measure=clause.group("unit") or "",
                    phrase=f"到{year}年{phrase}",
                )
            )
    return found


def infer_unit_of_measure(goal_text: str, fallback: str = "") -> str:
    """The unit of measure most milestones state (家, 个, 项 …), or the fallback."""
    units = [spec.unit_of_measure for spec in parse_milestones(goal_text) if spec.unit_of_measure]
    if not units:
        match = re.search(r"单位[:：]\s*([^\s,，;；)）]+)", normalise_text(goal_text))
        return match.group(1) if match else fallback
    return max(set(units), key=units.count)


_STOCK_WORDS = ("保有量", "总量", "总数", "存量", "达到", "累计")
_FLOW_WORDS = ("新增", "每年新增", "年度新增", "增加")
_LOWER_WORDS = ("下降", "降低", "减少", "控制在", "以内", "以下")


def infer_kind(goal_text: str, indicator_name: str = "") -> IndicatorKind:
    """新增 means a flow; 保有量 (or a level to reach) means a stock; a flow when the text is silent."""
    text = normalise_text(f"{indicator_name} {goal_text}")
    if any(word in text for word in _FLOW_WORDS):
        return IndicatorKind.FLOW
    if any(word in text for word in _STOCK_WORDS):
        return IndicatorKind.STOCK
    return IndicatorKind.FLOW


def infer_direction(goal_text: str, indicator_name: str = "") -> Direction:
    """Lower-is-better when the goal speaks of cutting or capping (下降, 控制在…以内)."""
    text = normalise_text(f"{indicator_name} {goal_text}")
    return Direction.LOWER if any(word in text for word in _LOWER_WORDS) else Direction.HIGHER
