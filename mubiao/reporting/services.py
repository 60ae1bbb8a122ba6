"""Bringing in a long table of actual values (`actuals_import`): every row checked, then written by the one writer.

The table is read and checked here — indicator, unit, period (in the plan, at the indicator's
frequency), value (the domain's parser and figure rule) — and a table with any problem is refused
whole, each problem named by file, row and column. What passes is written by
`mubiao.reporting.workflow.actuals_import_write`, the one writer of actual values: figures a unit
reported are never changed, and a differing row is listed as a conflict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from mubiao.audit.services import Actor, AuditEntry, audit_entries_write, audit_entry
from mubiao.db import retry_once_if_raced
from mubiao.domain.names import closest, squash
from mubiao.domain.numbers import NumberFormatError, figure_refusal, is_blank, normalise_text, parse_decimal
from mubiao.domain.periods import (
    Period,
    parse_period_loosely,
    period_off_frequency,
    period_outside_plan,
    year_end_twins,
)
from mubiao.domain.problems import Problem, TableError
from mubiao.orgunits.models import OrgUnit, OrgUnitAlias
from mubiao.orgunits.selectors import UnitResolver
from mubiao.plans.models import Indicator, Plan, PlanUnit, SourceFile
from mubiao.refusals import refusal_text
from mubiao.reporting.workflow import FigureChange, FigureConflict, ImportedFigure, actuals_import_write
from mubiao.tables.long import ActualRow, ActualsFile, Cell  # a long table's rows, read by mubiao.tables

#: Names a long table may give the plan's area itself, besides its own names and aliases.
CITY_WORDS = ("全市",)

PERIOD_FORMS = "2019、2019-Q3、2019-07、2019年、2019年3季度、2019年7月 或 2019年1-7月"


# -- a long table -----------------------------------------------------------------------------------


@dataclass
class ActualsOutcome:
    """What an import of actual values did: counts, the imported figures it changed, the conflicts it kept."""

    plan: Plan
    source_file: SourceFile
    file_seen_before: bool
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[FigureChange] = field(default_factory=list)
    conflicts: list[FigureConflict] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.counts.get("created") or self.counts.get("updated"))


@dataclass(frozen=True)
class _Checked:
    """A row that passed every check, ready to be written."""

    row: int
    indicator: Indicator
    unit: OrgUnit
    period: Period
    value: Decimal
    value_column: int

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.indicator.pk, self.unit.pk, str(self.period))

    def figure(self) -> ImportedFigure:
        return ImportedFigure(self.indicator.pk, self.unit.pk, self.period, self.value, self.row, self.value_column)


class _IndicatorMatcher:
    """The plan's indicators by number (3) and by name, spaces and widths ignored."""

    def __init__(self, plan: Plan) -> None:
        self.indicators = list(Indicator.objects.filter(plan=plan).order_by("position", "id"))
        self.by_number = {squash(i.number): i for i in self.indicators}
        self.by_name = {squash(i.name): i for i in self.indicators}

    def match(self, text: str) -> Indicator | None:
        key = squash(text).rstrip(".、")
        return self.by_number.get(key) or self.by_name.get(key)

    def suggestions(self, text: str) -> list[str]:
        return closest(text, [i.name for i in self.indicators])

    def expected(self) -> str:
        listed = "、".join(f"{i.number} {i.name}" for i in self.indicators[:6])
        return f"规划中指标的序号或名称：{listed}" + ("…" if len(self.indicators) > 6 else "")


def plan_unit_resolver(plan: Plan) -> UnitResolver:
    """Names of the plan's own units (short name, full name, alias, the table's header name) and of its area."""
    resolver = UnitResolver(area=plan.area)
    columns = list(PlanUnit.objects.filter(plan=plan).select_related("org_unit").order_by("position"))
    units = [plan.area, *(column.org_unit for column in columns)]
    aliases: dict[int, list[str]] = {unit.pk: [] for unit in units}
    for unit_id, alias in OrgUnitAlias.objects.filter(unit__in=units).values_list("unit_id", "alias"):
        aliases[unit_id].append(alias)
    aliases[plan.area_id].extend(CITY_WORDS)
    for column in columns:
        aliases[column.org_unit_id].append(column.header_name)
    for unit in units:
        resolver.add(unit, aliases[unit.pk])
    return resolver


class _ActualsImport:
    """One run of actuals_import; a class only to share its lookups between the steps."""

    def __init__(self, *, plan: Plan, source: ActualsFile, actor: Actor, allow_blank: bool) -> None:
        self.plan = plan
        self.source = source
        self.actor = actor
        self.allow_blank = allow_blank
        self.reason = f"导入实际值 {source.filename}"
        self.audit: list[AuditEntry] = []

    # -- checking, before anything is written ---------------------------------------------------

    def check(self, rows: Sequence[ActualRow]) -> tuple[list[_Checked], int]:
        """Every row checked; every problem of every row collected, then refused together."""
        indicators = _IndicatorMatcher(self.plan)
        units = plan_unit_resolver(self.plan)
        problems: list[Problem] = []
        checked: list[_Checked] = []
        seen: dict[tuple[int, int, str], int] = {}
        blanks = 0
        for row in rows:
            found = len(problems)
            indicator = self._indicator(row, indicators, problems)
            unit = self._unit(row.unit, units, problems)
            period = self._period(row.period, problems)
            value = self._value(row.value, problems)
            if len(problems) > found:
                continue
            if value is None:  # a blank the user allowed: nothing to write
                blanks += 1
                continue
            assert indicator is not None and unit is not None and period is not None
            off = period_off_frequency(period, indicator.reporting_frequency, f"{indicator.number}. {indicator.name}")
            if off is not None:
                problems.append(
                    Problem(
                        refusal_text(off),
                        row=row.row,
                        column=row.period.column,
                        expected=f"{indicator.name}的填报期间，或全年",
                    )
                )
                continue
            refused = figure_refusal(
                value, unit_of_measure=indicator.unit_of_measure, indicator=f"{indicator.number}. {indicator.name}"
            )
            if refused is not None:
                problems.append(
                    Problem(refusal_text(refused), row=row.row, column=row.value.column, expected="该指标允许的数值")
                )
                continue
            item = _Checked(row.row, indicator, unit, period, value, row.value.column)
            if item.key in seen:
                problems.append(
                    Problem(
                        f"与第{seen[item.key]}行重复：同一指标（{indicator.name}）、单位（{row.unit.text.strip()}）"
                        f"和期间（{period}）只能有一个实际值",
                        row=row.row,
                        column=row.period.column,
                        expected="每个指标、单位、期间一行",
                    )
                )
                continue
            twin = next((str(other) for other in year_end_twins(period) if (*item.key[:2], str(other)) in seen), None)
            if twin is not None:
                problems.append(
                    Problem(
                        f"与第{seen[(*item.key[:2], twin)]}行是同一时段（{period}与{twin}：全年与第四季度），"
                        f"同一指标（{indicator.name}）、单位（{row.unit.text.strip()}）一年只能有其中之一",
                        row=row.row,
                        column=row.period.column,
                        expected="全年或第四季度，二者取一",
                    )
                )
                continue
            seen[item.key] = row.row
            checked.append(item)
        if not rows:
            problems.append(Problem("表中没有数据行", expected="表头下每行一个实际值：指标、单位、期间、实际值"))
        if problems:
            problems.sort(key=lambda p: (p.row or 0, p.column or 0))
            raise TableError(self.source.label, problems)
        return checked, blanks

    def _indicator(self, row: ActualRow, matcher: _IndicatorMatcher, problems: list[Problem]) -> Indicator | None:
        named = [cell for cell in row.indicator if not is_blank(cell.text)]
        if not named:
            cell = row.indicator[0]
            problems.append(Problem("指标为空", row=row.row, column=cell.column, expected=matcher.expected()))
            return None
        found: Indicator | None = None
        for cell in named:
            indicator = matcher.match(cell.text)
            if indicator is None:
                hints = "”或“".join(matcher.suggestions(cell.text))
                problems.append(
                    Problem(
                        f"指标“{cell.text.strip()}”不在规划“{self.plan.title}”中"
                        + (f"，是否应为“{hints}”？" if hints else ""),
                        row=cell.row,
                        column=cell.column,
                        expected=matcher.expected(),
                    )
                )
                return None
            if found is not None and indicator.pk != found.pk:
                problems.append(
                    Problem(
                        f"序号与指标名称不一致：“{named[0].text.strip()}”是{found.number} {found.name}，"
                        f"“{cell.text.strip()}”是{indicator.number} {indicator.name}",
                        row=cell.row,
                        column=cell.column,
                        expected="同一指标的序号和名称",
                    )
                )
                return None
            found = indicator
        return found

    def _unit(self, cell: Cell, resolver: UnitResolver, problems: list[Problem]) -> OrgUnit | None:
        expected = f"规划“{self.plan.title}”中单位的简称、全称或别名，或{self.plan.area.name}本身"
        if is_blank(cell.text):
            problems.append(Problem("单位为空", row=cell.row, column=cell.column, expected=expected))
            return None
        unit = resolver.match(cell.text)
        if unit is None:
            hints = "”或“".join(resolver.suggestions(cell.text))
            problems.append(
                Problem(
                    f"单位“{cell.text.strip()}”不是本规划的单位" + (f"，是否应为“{hints}”？" if hints else ""),
                    row=cell.row,
                    column=cell.column,
                    expected=expected,
                )
            )
        return unit

    def _period(self, cell: Cell, problems: list[Problem]) -> Period | None:
        if is_blank(cell.text):
            problems.append(Problem("期间为空", row=cell.row, column=cell.column, expected=PERIOD_FORMS))
            return None
        try:
            period = parse_period_loosely(cell.text)
        except ValueError as error:
            problems.append(Problem(str(error), row=cell.row, column=cell.column, expected=PERIOD_FORMS))
            return None
        plan = self.plan
        if (outside := period_outside_plan(period, plan.start_year, plan.end_year)) is not None:
            problems.append(
                Problem(
                    refusal_text(outside),
                    row=cell.row,
                    column=cell.column,
                    expected=f"{plan.start_year}至{plan.end_year}年的期间",
                )
            )
            return None
        return period

    def _value(self, cell: Cell, problems: list[Problem]) -> Decimal | None:
        try:
            value = parse_decimal(cell.text)
        except NumberFormatError as error:
            problems.append(Problem(str(error), row=cell.row, column=cell.column, expected="数值，如 12 或 3.5"))
            return None
        if value is None:
            if not self.allow_blank:
                shown = normalise_text(cell.text)
                problems.append(
                    Problem(
                        "实际值为空" + (f"（“{shown}”）" if shown else "") + "：空白不是0，也不会被当作0",
                        row=cell.row,
                        column=cell.column,
                        expected="数值；确实尚无数据的行可删去，或加 --allow-blank 跳过空白行",
                    )
                )
            return None
        return value

    # -- writing ---------------------------------------------------------------------------------

    def source_file(self) -> tuple[SourceFile, bool]:
        content = self.source.content
        digest = hashlib.sha256(content).hexdigest()
        existing = SourceFile.objects.filter(plan=self.plan, sha256=digest).defer("content").first()
        if existing is not None:
            return existing, True
        source = SourceFile.objects.create(
            plan=self.plan, filename=self.source.filename, sha256=digest, size=len(content), content=content
        )
        self.audit.append(
            audit_entry(
                action="create",
                obj=source,
                before=None,
                after={"filename": source.filename, "sha256": digest, "size": source.size},
                reason=self.reason,
            )
        )
        return source, False

    def run(self, rows: Sequence[ActualRow]) -> ActualsOutcome:
        with transaction.atomic():
            checked, blanks = self.check(rows)
            source, seen_before = self.source_file()
            audit_entries_write(actor=self.actor, entries=self.audit)
            written = actuals_import_write(
                actor=self.actor,
                plan=self.plan,
                figures=[item.figure() for item in checked],
                source=source,
                sheet=self.source.sheet,
                reason=self.reason,
            )
        counts = {**written.counts, "rows": len(rows), "blank_skipped": blanks}
        return ActualsOutcome(
            plan=self.plan,
            source_file=source,
            file_seen_before=seen_before,
            counts=counts,
            changes=written.changes,
            conflicts=written.conflicts,
        )


def actuals_import(
    *,
    plan: Plan,
    rows: Sequence[ActualRow],
    source: ActualsFile,
    actor: Actor,
    allow_blank: bool = False,
) -> ActualsOutcome:
    """Bring a long table of actual values into a plan, all or nothing.

    Every row is checked first (indicator, unit, period within the plan's years, value, duplicates);
    any problem refuses the whole table with a TableError listing them all, and nothing is written.
    Otherwise, in one transaction: new values are created, changed ones updated (version + 1) and
    unchanged ones left alone, every write audited; the same file twice changes nothing. A blank
    value is a problem unless `allow_blank`, and then that row is skipped: never stored as 0, and
    a value already stored is kept.
    """
    return retry_once_if_raced(
        lambda: _ActualsImport(plan=plan, source=source, actor=actor, allow_blank=allow_blank).run(rows)
    )
