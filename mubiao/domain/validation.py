"""Cross-row rules of a decomposition table, reported as findings (the third tier of validation).

Database constraints keep out what must never be stored and model clean() checks one row; what
needs several rows at once — sums, milestones, stretch against committed, targets against last
year's actuals, parts against wholes — lives here, on plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from mubiao.domain.findings import Finding
from mubiao.domain.milestones import MilestoneSpec
from mubiao.domain.numbers import format_decimal as fmt
from mubiao.domain.numbers import is_count
from mubiao.domain.values import (
    LEVEL_LABELS,
    ROW_ORDER,
    SEVERITY_ORDER,
    Comparison,
    Direction,
    IndicatorKind,
    Level,
    Severity,
    units_add_up,
)

#: A cell of the table: (indicator key, unit name, year, row kind) → value.
CellKey = tuple[str, str, int, str]
#: A row of the table: (indicator key, year, row kind) → unit name → value.
Rows = dict[tuple[str, int, str], dict[str, Decimal]]


@dataclass(frozen=True)
class IndicatorFacts:
    """What the rules need to know of one indicator."""

    key: str
    number: str
    name: str
    kind: IndicatorKind
    direction: Direction
    unit_of_measure: str = ""
    parent_key: str | None = None
    milestones: tuple[MilestoneSpec, ...] = ()


@dataclass
class PlanFacts:
    """A plan as plain values: its years, its city, its units in table order and every stored cell.

    `cells` holds targets (committed, stretch) and year-end actuals (actual); a missing key is a
    blank cell: it counts as 0 in sums but is never shown or stored as 0.
    """

    start_year: int
    end_year: int
    city: str
    units: list[str]
    indicators: list[IndicatorFacts]
    cells: dict[CellKey, Decimal] = field(default_factory=dict)
    #: 'of which' (其中) units → their whole (a unit's name or the city's); parts never add into totals.
    unit_parts: dict[str, str] = field(default_factory=dict)

    @property
    def summed_units(self) -> list[str]:
        return [name for name in self.units if name not in self.unit_parts]

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def value(self, indicator: str, unit: str, year: int, level: str) -> Decimal | None:
        return self.cells.get((indicator, unit, year, level))

    def has_target(self, indicator: str, unit: str, year: int) -> bool:
        """Whether the unit has a target (committed or stretch) for the year: a figure is expected of it."""
        return any(self.value(indicator, unit, year, level) is not None for level in ("committed", "stretch"))

    def rows(self) -> Rows:
        """The cells grouped by row, in one pass: rules that compare a row's cells look up a name, not
        a four-part key (a large table has 720,000 cells; this halves the time of its findings)."""
        rows: Rows = {}
        for (key, name, year, level), value in self.cells.items():
            row = rows.get((key, year, level))
            if row is None:
                row = rows[(key, year, level)] = {}
            row[name] = value
        return rows

    def row_present(self, indicator: str, year: int, level: str) -> bool:
        return any(self.value(indicator, name, year, level) is not None for name in [self.city, *self.units])


def better_or_equal(direction: Direction, value: Decimal, bound: Decimal) -> bool:
    return value >= bound if direction is Direction.HIGHER else value <= bound


def adds_up(indicator: IndicatorFacts) -> bool:
    """Whether units' figures add up to the total: counts and amounts do, rates and shares do not."""
    return units_add_up(indicator.unit_of_measure)


def check_sums(facts: PlanFacts, indicator: IndicatorFacts, rows: Rows | None = None) -> Iterator[Finding]:
    """sum_mismatch: the units of a row must add up to the row's total (the city's own cell).

    `rows` is facts.rows(), passed in when several rules share it.
    """
    if not adds_up(indicator):
        return
    rows = facts.rows() if rows is None else rows
    summed = facts.summed_units
    for year in facts.years:
        for level in ("committed", "stretch", "actual"):
            row = rows.get((indicator.key, year, level), {})
            total = row.get(facts.city)
            if total is None:
                continue
            values = {name: row.get(name) for name in summed}
            found = sum((v for v in values.values() if v is not None), Decimal(0))
            if found == total:
                continue
            blanks = [name for name, value in values.items() if value is None]
            if level == "actual" and any(facts.has_target(indicator.key, name, year) for name in blanks):
                continue  # units with a target have yet to report: a partial sum is bound to differ
            gap = total - found
            implied = {blanks[0]: gap} if len(blanks) == 1 and gap > 0 else {}
            message = (
                f"{indicator.name} {year}年{LEVEL_LABELS[level]}：各单位合计{fmt(found)}，"
                f"与合计{fmt(total)}不符（相差{fmt(abs(gap))}）。"
            )
            if implied:
                message += f"{blanks[0]}为空，若{blanks[0]}为{fmt(gap)}则相符。"
            elif blanks and gap > 0:
                message += f"空白单元格（{'、'.join(blanks)}）合计须为{fmt(gap)}才能相符。"
            yield Finding(
                rule="sum_mismatch",
                severity=Severity.ERROR,
                indicator=indicator.name,
                indicator_number=indicator.number,
                year=year,
                level=level,
                unit=None,
                expected=total,
                found=found,
                implied=implied,
                message=message,
            )


def cumulative_target(facts: PlanFacts, indicator: IndicatorFacts, year: int, level: str) -> Decimal:
    """What the annual targets add up to by a year: flow, the sum since the first year; stock, that year."""
    if indicator.kind is IndicatorKind.STOCK:
        return facts.value(indicator.key, facts.city, year, level) or Decimal(0)
    return sum(
        (facts.value(indicator.key, facts.city, y, level) or Decimal(0) for y in range(facts.start_year, year + 1)),
        Decimal(0),
    )


def check_milestones(facts: PlanFacts, indicator: IndicatorFacts) -> Iterator[Finding]:
    """milestone_unmet: the annual targets must reach each milestone stated in the goal text."""
    for milestone in indicator.milestones:
        reached = cumulative_target(facts, indicator, milestone.year, milestone.level.value)
        if better_or_equal(indicator.direction, reached, milestone.value):
            continue
        label = LEVEL_LABELS[milestone.level.value]
        bound = "以上" if milestone.comparison is Comparison.AT_LEAST else ""
        if indicator.kind is IndicatorKind.FLOW:
            span = f"{facts.start_year}—{milestone.year}年{label}目标合计"
        else:
            span = f"{milestone.year}年{label}目标"
        yield Finding(
            rule="milestone_unmet",
            severity=Severity.ERROR,
            indicator=indicator.name,
            indicator_number=indicator.number,
            year=milestone.year,
            level=milestone.level.value,
            unit=None,
            expected=milestone.value,
            found=reached,
            message=(
                f"{indicator.name}：到{milestone.year}年{label}{fmt(milestone.value)}"
                f"{indicator.unit_of_measure}{bound}，但{span}为{fmt(reached)}{indicator.unit_of_measure}。"
            ),
        )


def check_stretch(facts: PlanFacts, indicator: IndicatorFacts, rows: Rows | None = None) -> Iterator[Finding]:
    """stretch_below_committed: cell by cell, 力争 must be at least 确保 (the reverse when lower is better)."""
    rows = facts.rows() if rows is None else rows
    higher = indicator.direction is Direction.HIGHER
    for year in facts.years:
        committed_row = rows.get((indicator.key, year, "committed"), {})
        stretch_row = rows.get((indicator.key, year, "stretch"), {})
        for name in [facts.city, *facts.units]:
            committed = committed_row.get(name)
            if committed is None:
                continue
            stretch = stretch_row.get(name)
            if stretch is None or (stretch >= committed if higher else stretch <= committed):
                continue
            yield Finding(
                rule="stretch_below_committed",
                severity=Severity.WARNING,
                indicator=indicator.name,
                indicator_number=indicator.number,
                year=year,
                level=Level.STRETCH.value,
                unit=name,
                expected=committed,
                found=stretch,
                message=(
                    f"{indicator.name} {year}年 {name}：力争目标{fmt(stretch)}"
                    f"{'低于' if indicator.direction is Direction.HIGHER else '高于'}确保目标{fmt(committed)}。"
                ),
            )


def check_counts(facts: PlanFacts) -> Iterator[Finding]:
    """count_not_whole: an indicator counted in 家, 个, 项 … counts whole things, never a fraction or less than none.

    One pass over every cell of the plan (a large table holds 720,000), not one per indicator.
    """
    counted = {indicator.key: indicator for indicator in facts.indicators if is_count(indicator.unit_of_measure)}
    if not counted:
        return
    for (key, name, year, level), value in facts.cells.items():
        indicator = counted.get(key)
        if indicator is not None and (value < 0 or value != value.to_integral_value()):
            yield _count_not_whole(indicator, name, year, level, value)


def _count_not_whole(indicator: IndicatorFacts, name: str, year: int, level: str, value: Decimal) -> Finding:
    unit = indicator.unit_of_measure.strip()
    return Finding(
        rule="count_not_whole",
        severity=Severity.WARNING,
        indicator=indicator.name,
        indicator_number=indicator.number,
        year=year,
        level=level,
        unit=name,
        expected=None,
        found=value,
        message=(
            f"{indicator.name} {year}年 {name} {LEVEL_LABELS[level]}：{fmt(value)}{unit}"
            f"——以“{unit}”计数的指标应为不小于0的整数。"
        ),
    )


def check_against_last_actual(facts: PlanFacts, indicator: IndicatorFacts) -> Iterator[Finding]:
    """below_last_actual: a stock's committed target should not fall behind the level already reached."""
    if indicator.kind is not IndicatorKind.STOCK:
        return
    cell, key = facts.cells.get, indicator.key
    names = [facts.city, *facts.units]
    for year in facts.years:
        for name in names:
            actual = cell((key, name, year - 1, "actual"))  # the rarer of the two: looked up first
            if actual is None:
                continue
            committed = cell((key, name, year, "committed"))
            if committed is None:
                continue
            if better_or_equal(indicator.direction, committed, actual):
                continue
            yield Finding(
                rule="below_last_actual",
                severity=Severity.WARNING,
                indicator=indicator.name,
                indicator_number=indicator.number,
                year=year,
                level=Level.COMMITTED.value,
                unit=name,
                expected=actual,
                found=committed,
                message=(
                    f"{indicator.name} {year}年 {name}：确保目标{fmt(committed)}"
                    f"{'低于' if indicator.direction is Direction.HIGHER else '高于'}"
                    f"{year - 1}年实际值{fmt(actual)}。"
                ),
            )


def _part_exceeds_whole(
    indicator: IndicatorFacts, year: int, level: str, unit: str, part: Decimal, whole: Decimal, message: str
) -> Finding:
    return Finding(
        rule="part_exceeds_whole",
        severity=Severity.ERROR,
        indicator=indicator.name,
        indicator_number=indicator.number,
        year=year,
        level=level,
        unit=unit,
        expected=whole,
        found=part,
        message=message,
    )


def check_parts(facts: PlanFacts, indicator: IndicatorFacts, parent: IndicatorFacts) -> Iterator[Finding]:
    """part_exceeds_whole: an 'of which' (其中) part can never be more than its whole."""
    cell, names = facts.cells.get, [facts.city, *facts.units]
    for year in facts.years:
        for level in ("committed", "stretch", "actual"):
            for name in names:
                part = cell((indicator.key, name, year, level))
                if part is None:
                    continue
                whole = cell((parent.key, name, year, level))
                if whole is None or part <= whole:
                    continue
                message = (
                    f"{indicator.name}（其中项）{year}年{LEVEL_LABELS[level]} {name}："
                    f"{fmt(part)}超过了{parent.name}的{fmt(whole)}。"
                )
                yield _part_exceeds_whole(indicator, year, level, name, part, whole, message)


def check_unit_parts(facts: PlanFacts, indicator: IndicatorFacts) -> Iterator[Finding]:
    """part_exceeds_whole: an 'of which' (其中) unit can never have more than the unit it is part of."""
    for part_name, whole_name in facts.unit_parts.items():
        for year in facts.years:
            for level in ("committed", "stretch", "actual"):
                part = facts.value(indicator.key, part_name, year, level)
                whole = facts.value(indicator.key, whole_name, year, level)
                if part is None or whole is None or part <= whole or indicator.direction is Direction.LOWER:
                    continue
                message = (
                    f"{indicator.name} {year}年{LEVEL_LABELS[level]}：其中项{part_name}的{fmt(part)}"
                    f"超过了{whole_name}的{fmt(whole)}。"
                )
                yield _part_exceeds_whole(indicator, year, level, part_name, part, whole, message)


def validate_plan(facts: PlanFacts) -> list[Finding]:
    """Every finding for the plan, ordered by indicator, year, row, severity and unit."""
    by_key = {indicator.key: indicator for indicator in facts.indicators}
    rows = facts.rows()
    findings: list[Finding] = []
    for indicator in facts.indicators:
        findings.extend(check_sums(facts, indicator, rows))
        findings.extend(check_milestones(facts, indicator))
        findings.extend(check_stretch(facts, indicator, rows))
        findings.extend(check_against_last_actual(facts, indicator))
        findings.extend(check_unit_parts(facts, indicator))
        if indicator.parent_key and indicator.parent_key in by_key:
            findings.extend(check_parts(facts, indicator, by_key[indicator.parent_key]))
    findings.extend(check_counts(facts))
    return sort_findings(findings, [i.number for i in facts.indicators], [facts.city, *facts.units])


def sort_findings(findings: Iterable[Finding], indicator_order: list[str], unit_order: list[str]) -> list[Finding]:
    indicator_rank = {number: index for index, number in enumerate(indicator_order)}
    unit_rank = {name: index for index, name in enumerate(unit_order)}
    return sorted(
        findings,
        key=lambda f: (
            indicator_rank.get(f.indicator_number, len(indicator_rank)),
            f.year or 0,
            ROW_ORDER.get(f.level or "", 9),
            SEVERITY_ORDER[f.severity.value],
            -1 if f.unit is None else unit_rank.get(f.unit, len(unit_rank)),
        ),
    )
