"""Writing actual values: one by hand (`actual_set`) or a whole long table at once (`actuals_import`).

Every service takes keyword arguments, runs in one transaction and writes its audit records inside
it. An import checks every row before it writes anything: a table with any problem is refused whole,
with each problem named by file, row and column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from mubiao.audit.services import Actor, AuditEntry, audit_entries_write, audit_entry
from mubiao.db import db_datetime, insert_rows, retry_once_if_raced
from mubiao.domain.names import closest, squash
from mubiao.domain.numbers import NumberFormatError, format_decimal, is_blank, normalise_text, parse_decimal
from mubiao.domain.periods import Period, parse_period_loosely
from mubiao.domain.problems import Problem, TableError
from mubiao.orgunits.models import OrgUnit, OrgUnitAlias
from mubiao.orgunits.selectors import UnitResolver
from mubiao.plans.models import Indicator, Plan, PlanUnit, SourceFile, provenance_text
from mubiao.plans.services import record_set_by_hand
from mubiao.reporting.models import ACTUAL_COLUMNS, ActualValue

#: What ActualValue.value can hold (max_digits=20, decimal_places=4). A value with more places would
#: be rounded by the database, and the next import of the same file would then see a change.
DECIMAL_PLACES = 4
INTEGER_DIGITS = 16

#: Names a long table may give the plan's area itself, besides its own names and aliases.
CITY_WORDS = ("全市",)

PERIOD_FORMS = "2019、2019-Q3、2019-07、2019年、2019年3季度、2019年7月 或 2019年1-7月"


def _fits_the_column(value: Decimal) -> str:
    """Why a value cannot be stored exactly, or '' when it can."""
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # parse_decimal never yields NaN or infinity
    if exponent < -DECIMAL_PLACES:
        return f"小数位数超过{DECIMAL_PLACES}位，保存时会被舍入"
    if len(digits) + exponent > INTEGER_DIGITS:
        return f"整数部分超过{INTEGER_DIGITS}位"
    return ""


def _value_json(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


# -- one value by hand ----------------------------------------------------------------------------


def _plan_unit_ids(plan: Plan) -> set[int]:
    return {plan.area_id, *PlanUnit.objects.filter(plan=plan).values_list("org_unit_id", flat=True)}


@transaction.atomic
def actual_set(
    *,
    indicator: Indicator,
    org_unit: OrgUnit,
    period: Period | str,
    value: Decimal | None,
    actor: Actor,
    reason: str = "",
) -> ActualValue:
    """Set (or, with None, clear) one actual value; a change raises its version and is audited.

    Its provenance becomes manual entry. Setting the value it already has writes nothing.
    """
    plan = indicator.plan
    parsed = period if isinstance(period, Period) else parse_period_loosely(period)
    if parsed.year not in plan.years:
        raise ValueError(f"期间{parsed}不在规划期{plan.start_year}—{plan.end_year}年内")
    if org_unit.pk not in _plan_unit_ids(plan):
        raise ValueError(f"{org_unit.name}不是规划“{plan.title}”的单位")
    if value is not None and (why := _fits_the_column(value)):
        raise ValueError(f"实际值{value}{why}")
    actual, created = ActualValue.objects.select_for_update().get_or_create(
        indicator=indicator,
        org_unit=org_unit,
        period=str(parsed),
        defaults={
            "value": value,
            "year": parsed.year,
            "period_kind": parsed.kind.value,
            "period_number": parsed.number,
        },
    )
    return record_set_by_hand(record=actual, created=created, value=value, actor=actor, reason=reason)


# -- a long table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """The text of one cell and where it stands (1-based row and column, as a person counts)."""

    text: str
    row: int
    column: int


@dataclass(frozen=True)
class ActualRow:
    """One row of a long table: which indicator (by 序号 and/or 指标名称), which unit, period and value."""

    row: int
    indicator: tuple[Cell, ...]
    unit: Cell
    period: Cell
    value: Cell


@dataclass(frozen=True)
class ActualsFile:
    """The file a long table came from: kept whole, with its hash, as the values' provenance."""

    filename: str
    content: bytes
    sheet: str = ""

    @property
    def label(self) -> str:
        """How problems name the file: with its sheet, for a workbook."""
        return f"{self.filename} 工作表{self.sheet}" if self.sheet else self.filename


@dataclass(frozen=True)
class ActualChange:
    """A stored actual value an import changed."""

    indicator_number: str
    indicator: str
    unit: str
    period: str
    before: Decimal | None
    after: Decimal | None
    row: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator_number": self.indicator_number,
            "indicator": self.indicator,
            "unit": self.unit,
            "period": self.period,
            "before": _value_json(self.before),
            "after": _value_json(self.after),
            "row": self.row,
        }


@dataclass
class ActualsOutcome:
    """What an import of actual values did."""

    plan: Plan
    source_file: SourceFile
    file_seen_before: bool
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[ActualChange] = field(default_factory=list)

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
        if period.year not in plan.years:
            problems.append(
                Problem(
                    f"期间{period}不在规划期{plan.start_year}—{plan.end_year}年内",
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
        if why := _fits_the_column(value):
            problems.append(
                Problem(
                    f"“{cell.text.strip()}”{why}",
                    row=cell.row,
                    column=cell.column,
                    expected=f"至多{DECIMAL_PLACES}位小数的数值",
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

    def write(self, checked: list[_Checked], source: SourceFile) -> tuple[dict[str, int], list[ActualChange]]:
        sheet = self.source.sheet
        periods = {str(item.period) for item in checked}
        stored = {
            (a.indicator_id, a.org_unit_id, a.period): a
            for a in ActualValue.objects.filter(indicator__plan=self.plan, period__in=periods).select_related(
                "indicator", "org_unit"
            )
        }
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        changes: list[ActualChange] = []
        new: list[_Checked] = []
        updated: list[ActualValue] = []
        for item in checked:
            actual = stored.get(item.key)
            if actual is None:
                new.append(item)
                continue
            if actual.value == item.value:
                counts["unchanged"] += 1
                continue
            where = provenance_text(sheet, item.row, item.value_column)
            self.audit.append(
                audit_entry(
                    action="update",
                    obj=actual,
                    before={"value": _value_json(actual.value), "source": actual.provenance_label},
                    after={"value": _value_json(item.value), "source": where},
                    reason=self.reason,
                )
            )
            changes.append(
                ActualChange(
                    item.indicator.number,
                    item.indicator.name,
                    item.unit.short_name,
                    str(item.period),
                    actual.value,
                    item.value,
                    item.row,
                )
            )
            actual.value = item.value
            actual.version += 1
            actual.source_file = source
            actual.source_sheet = sheet
            actual.source_row = item.row
            actual.source_column = item.value_column
            updated.append(actual)
        fields = ["value", "version", "source_file", "source_sheet", "source_row", "source_column", "updated_at"]
        ActualValue.objects.bulk_update(updated, fields, batch_size=2000)
        counts["updated"] = len(updated)
        counts["created"] = self._insert(new, source)
        return counts, changes

    def _insert(self, new: list[_Checked], source: SourceFile) -> int:
        """New values as plain rows (a year of monthly reports is thousands), each with its audit entry."""
        if not new:
            return 0
        now = db_datetime(ActualValue, timezone.now())
        sheet = self.source.sheet
        rows = [
            (
                item.indicator.pk,
                item.unit.pk,
                str(item.period),
                item.period.year,
                item.period.kind.value,
                item.period.number,
                item.value,
                1,
                now,
                source.pk,
                sheet,
                item.row,
                item.value_column,
            )
            for item in new
        ]
        count = insert_rows(ActualValue, ACTUAL_COLUMNS, rows)
        # The new rows' ids, to name them in the audit log.
        by_key = {item.key: item for item in new}
        ids = ActualValue.objects.filter(
            indicator__plan=self.plan, period__in={str(item.period) for item in new}
        ).values_list("pk", "indicator_id", "org_unit_id", "period")
        for pk, indicator_id, unit_id, period in ids:
            item = by_key.get((indicator_id, unit_id, period))
            if item is None:
                continue
            where = provenance_text(sheet, item.row, item.value_column)
            self.audit.append(
                AuditEntry(
                    action="create",
                    object_type=ActualValue._meta.label_lower,
                    object_id=str(pk),
                    object_repr=f"{item.indicator.name} {item.unit.short_name} {item.period}",
                    before=None,
                    after={"value": _value_json(item.value), "source": where},
                    reason=self.reason,
                )
            )
        return count

    def run(self, rows: Sequence[ActualRow]) -> ActualsOutcome:
        with transaction.atomic():
            checked, blanks = self.check(rows)
            source, seen_before = self.source_file()
            counts, changes = self.write(checked, source)
            audit_entries_write(actor=self.actor, entries=self.audit)
        counts.update(rows=len(rows), blank_skipped=blanks)
        return ActualsOutcome(
            plan=self.plan, source_file=source, file_seen_before=seen_before, counts=counts, changes=changes
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
