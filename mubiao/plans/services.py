"""Writing plans, indicators, milestones and targets.

Every service takes keyword arguments, runs in one transaction and writes its audit records inside
it: a failure anywhere leaves the database as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from mubiao.audit.services import (
    Actor,
    AuditEntry,
    audit_entries_write,
    audit_entry,
    audit_record,
)
from mubiao.db import db_datetime, insert_rows, retry_once_if_raced
from mubiao.domain.milestones import infer_direction, infer_kind, infer_unit_of_measure, parse_milestones
from mubiao.domain.names import kind_from_name
from mubiao.domain.numbers import figure_refusal, format_decimal, is_count, storage_refusal
from mubiao.domain.periods import Period, period_outside_plan
from mubiao.domain.problems import Problem, TableError
from mubiao.domain.readings import CellValue, IndicatorReading, TableReading
from mubiao.domain.refusals import Refused
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.orgunits.selectors import UnitResolver, area_find, unit_resolver
from mubiao.orgunits.services import orgunit_check_new, orgunit_create, orgunits_create
from mubiao.plans.models import (
    Indicator,
    Milestone,
    Plan,
    PlanUnit,
    SourceFile,
    Target,
    provenance_text,
)
from mubiao.plans.selectors import plan_of_reading
from mubiao.refusals import refusal_text

BULK_BATCH = 2000


@dataclass(frozen=True)
class ValueChange:
    """A stored value an import changed: before and after (None is a blank cell)."""

    indicator: str
    unit: str
    year: int
    level: str
    before: Decimal | None
    after: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "unit": self.unit,
            "year": self.year,
            "level": self.level,
            "before": format_decimal(self.before) or None,
            "after": format_decimal(self.after) or None,
        }


@dataclass(frozen=True)
class ActualFigure:
    """An annual actual value a decomposition table gives (a 实际 row): ids, year, value (None: blank), cell."""

    indicator_id: int
    org_unit_id: int
    year: int
    value: Decimal | None
    row: int | None
    column: int | None


@dataclass
class ImportOutcome:
    """What an import did: the plan, whether the file was new, the units created, counts and changes."""

    plan: Plan
    plan_created: bool
    source_file: SourceFile
    file_seen_before: bool
    created_units: list[OrgUnit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[ValueChange] = field(default_factory=list)
    indicator_changes: list[IndicatorChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The table's 实际 rows, for the one writer of actual values (mubiao.reporting.importing).
    actual_figures: list[ActualFigure] = field(default_factory=list)
    #: Filled in by mubiao.reporting.importing: the imported actual values the table changed, and the
    #: reported figures it differs from (kept as they are).
    actual_changes: list[Any] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return (
            self.plan_created
            or bool(self.counts.get("created"))
            or bool(self.changes)
            or bool(self.actual_changes)
            or bool(self.counts.get("indicators_changed"))
        )


#: The fields of a stored indicator a re-imported table may change that a person must see before and
#: after: figures already reported against the indicator keep its number, whatever it is called.
INDICATOR_FIELDS_SHOWN = {"name": "名称", "unit_of_measure": "计量单位", "goal_text": "完成目标"}


@dataclass(frozen=True)
class IndicatorChange:
    """A field of a stored indicator that a table changes (see INDICATOR_FIELDS_SHOWN)."""

    number: str
    indicator: str  # its name before the import
    field: str
    before: str
    after: str

    @property
    def field_label(self) -> str:
        return INDICATOR_FIELDS_SHOWN[self.field]

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "indicator": self.indicator,
            "field": self.field,
            "before": self.before,
            "after": self.after,
        }


def unit_of_measure_read(reading: IndicatorReading, stored_unit: str = "") -> str:
    """An indicator's unit of measure: as the table states it, else read from its goal text, else
    the one it has stored."""
    return reading.unit_of_measure or infer_unit_of_measure(reading.goal_text, stored_unit)


def _indicator_fields(reading: IndicatorReading, stored_unit: str = "") -> dict[str, str]:
    """What an indicator's texts become from its block of the table."""
    return {
        "name": reading.name,
        "goal_text": reading.goal_text,
        "unit_of_measure": unit_of_measure_read(reading, stored_unit),
        "responsible_units": reading.responsible_units,
        "remarks": reading.remarks,
    }


def indicator_changes(indicator: Indicator, reading: IndicatorReading) -> list[IndicatorChange]:
    """The shown fields of a stored indicator that importing this block of a table would change."""
    after = _indicator_fields(reading, indicator.unit_of_measure)
    return [
        IndicatorChange(indicator.number, indicator.name, name, getattr(indicator, name), after[name])
        for name in INDICATOR_FIELDS_SHOWN
        if getattr(indicator, name) != after[name]
    ]


def indicators_changed_by(plan: Plan, reading: TableReading) -> list[IndicatorChange]:
    """Every shown field of the plan's stored indicators that importing the table would change."""
    stored = {indicator.number: indicator for indicator in Indicator.objects.filter(plan=plan)}
    return [
        change
        for block in reading.indicators
        if (indicator := stored.get(block.number)) is not None
        for change in indicator_changes(indicator, block)
    ]


def _indicator_snapshot(indicator: Indicator, departments: Iterable[str]) -> dict[str, Any]:
    return {
        "number": indicator.number,
        "name": indicator.name,
        "goal_text": indicator.goal_text,
        "unit_of_measure": indicator.unit_of_measure,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "responsible_units": indicator.responsible_units,
        "remarks": indicator.remarks,
        "lead_departments": sorted(departments),
        "position": indicator.position,
    }


def _value_json(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def _field_limit(model: type[Any], name: str) -> int:
    limit = model._meta.get_field(name).max_length
    assert isinstance(limit, int)
    return limit


def reading_fit_problems(reading: TableReading) -> list[Problem]:
    """Texts too long for the register and figures too long to store exactly, each named with its row (and
    column): the preview and the commit both ask.

    The preview runs exactly this check, so a table it accepts cannot fail at commit on a text the
    preview could have named (a unit of measure longer than its column, say).
    """
    problems: list[Problem] = []

    def check(text: str, model: type[Any], name: str, what: str, row: int | None = None) -> None:
        limit = _field_limit(model, name)
        if len(text) > limit:
            problems.append(
                Problem(
                    f"{what}“{text[:40]}{'…' if len(text) > 40 else ''}”有{len(text)}个字，超过{limit}个字的上限",
                    row=row,
                    expected=f"不超过{limit}个字的{what}",
                )
            )

    check(reading.plan_title, Plan, "title", "规划名称")
    check(reading.title, Plan, "table_title", "分解表标题")
    check(reading.attachment, Plan, "attachment", "附件编号")
    for indicator in reading.indicators:
        row = indicator.first_row
        check(indicator.number, Indicator, "number", "序号", row)
        check(indicator.name, Indicator, "name", "指标名称", row)
        check(unit_of_measure_read(indicator), Indicator, "unit_of_measure", "计量单位", row)
        for department in indicator.lead_departments:
            check(department, Department, "name", "牵头部门", row)
    for header in reading.units:
        check(header.name, PlanUnit, "header_name", "单位名称", header.row)
        check(header.name, OrgUnit, "name", "单位名称", header.row)
    # A 实际 row's figure becomes an approved actual value: the one rule every door applies to those
    # (counts whole and not negative). Targets in a count that break it are a finding (count_not_whole).
    units = {i.number: unit_of_measure_read(i) for i in reading.indicators}
    counted = {i.number: (i.name, units[i.number]) for i in reading.indicators if is_count(units[i.number])}
    for cell in reading.values:
        refused = storage_refusal(cell.value)
        if refused is not None:
            problems.append(
                Problem(
                    refusal_text(refused), row=cell.row, column=cell.column, expected="不超过16位整数、4位小数的数值"
                )
            )
        elif cell.level == "actual" and cell.indicator_number in counted:
            name, unit = counted[cell.indicator_number]
            refused = figure_refusal(cell.value, unit_of_measure=unit, indicator=name)
            if refused is not None:
                problems.append(
                    Problem(refusal_text(refused), row=cell.row, column=cell.column, expected="不小于0的整数")
                )
    return problems


#: A target cell: (indicator id, org unit id, year, level).
TargetKey = tuple[int, int, int, str]


@dataclass
class TargetDecisions:
    """What a table does to the stored targets of its plan: the commit applies it, the preview lists it."""

    new: list[CellValue] = field(default_factory=list)
    changed: list[tuple[TargetKey, CellValue]] = field(default_factory=list)
    unchanged: int = 0
    cleared: list[TargetKey] = field(default_factory=list)  # stored values the table leaves blank


def decide_targets(
    stored: Mapping[TargetKey, Decimal | None], cells: Iterable[tuple[TargetKey | None, CellValue]]
) -> TargetDecisions:
    """Each target cell of a table against what is stored; a key of None is a cell of a new unit or
    indicator. A stored value the table no longer has is cleared (its version and audit keep it)."""
    decided = TargetDecisions()
    seen: set[TargetKey] = set()
    for key, cell in cells:
        if key is None or key not in stored:
            decided.new.append(cell)
            continue
        seen.add(key)
        if stored[key] == cell.value:
            decided.unchanged += 1
        else:
            decided.changed.append((key, cell))
    decided.cleared = [key for key, value in stored.items() if key not in seen and value is not None]
    return decided


@dataclass
class TargetPreview:
    """What committing a table would do to its plan's targets: each change, and how many of each kind."""

    changes: list[ValueChange]
    counts: dict[str, int]  # created, updated, cleared, unchanged


def targets_changed_by(plan: Plan, reading: TableReading, units: Mapping[str | None, int]) -> TargetPreview:
    """The stored targets importing the table would change or clear, decided as the commit decides it.

    `units` maps the table's unit names (None: the total) to the plan's org units; a cell of a unit or
    indicator the plan does not have yet is new, and changes nothing stored.
    """
    indicators = {indicator.number: indicator for indicator in Indicator.objects.filter(plan=plan)}
    stored = {
        (indicator_id, unit_id, year, level): value
        for indicator_id, unit_id, year, level, value in Target.objects.filter(indicator__plan=plan).values_list(
            "indicator_id", "org_unit_id", "year", "level", "value"
        )
    }
    keyed: list[tuple[TargetKey | None, CellValue]] = []
    for cell in reading.values:
        if cell.level == "actual":
            continue
        indicator, unit_id = indicators.get(cell.indicator_number), units.get(cell.unit)
        keyed.append(
            (None if indicator is None or unit_id is None else (indicator.pk, unit_id, cell.year, cell.level), cell)
        )
    decided = decide_targets(stored, keyed)
    names = {unit_id: plan.area.name if name is None else name for name, unit_id in units.items()}
    by_id = {indicator.pk: indicator.name for indicator in indicators.values()}
    changed = [
        ValueChange(by_id[key[0]], names[key[1]], cell.year, cell.level, stored[key], cell.value)
        for key, cell in decided.changed
    ]
    cleared = [
        ValueChange(by_id[key[0]], names.get(key[1], str(key[1])), key[2], key[3], stored[key], None)
        for key in decided.cleared
    ]
    counts = {
        "created": len(decided.new),
        "updated": len(decided.changed),
        "cleared": len(decided.cleared),
        "unchanged": decided.unchanged,
    }
    return TargetPreview(changed + cleared, counts)


class _PlanImport:
    """One run of plan_import_table; a class only to share its lookups between the steps."""

    def __init__(
        self,
        *,
        reading: TableReading,
        content: bytes,
        filename: str,
        actor: Actor,
        area: OrgUnit | None,
        create_units: bool,
    ) -> None:
        self.reading = reading
        self.indicator_changes: list[IndicatorChange] = []
        self.content = content
        self.filename = filename
        self.actor = actor
        self.area = area
        self.create_units = create_units
        self.audit: list[AuditEntry] = []
        self.targets_created = 0
        self.actual_figures: list[ActualFigure] = []
        self.reason = f"导入 {filename}"

    # -- area and units ---------------------------------------------------------------------

    def resolve_area(self) -> tuple[OrgUnit, bool]:
        if self.area is not None:
            return self.area, False
        name = self.reading.area_name
        if not name:
            raise TableError(
                self.reading.source,
                [
                    Problem(
                        "无法从表格标题判断所属地区",
                        row=None,
                        expected="在命令中用 --area 指定地区，如 --area 柳州市",
                    )
                ],
            )
        found = area_find(name)
        if found is not None:
            return found, False
        area = orgunit_create(
            name=name, short_name=name, kind=kind_from_name(name), actor=self.actor, reason=self.reason
        )
        return area, True

    def resolve_units(self, area: OrgUnit, area_is_new: bool) -> tuple[dict[str, OrgUnit], list[OrgUnit]]:
        """Each header's unit: matched by name, or — in a new area, or with create_units — a new unit.

        New units are matched by the headers after them as if they existed already (a stand-in id
        until then), and written together at the end with their audit records (orgunits_create):
        an area's thousands of new townships take a few statements, not thousands.
        """
        resolver: UnitResolver = unit_resolver(area)
        matched: dict[str, OrgUnit] = {}
        times_matched: Counter[int] = Counter()  # unit id → how many headers now name it
        created: list[OrgUnit] = []
        problems: list[Problem] = []
        for position, header in enumerate(self.reading.units, start=1):
            unit = resolver.match(header.name)
            if unit is None and (area_is_new or self.create_units):
                # An 'of which' unit is created under its whole; every other unit under the area.
                whole = matched.get(header.part_of) if header.part_of else None
                unit = OrgUnit(
                    name=header.name,
                    short_name=header.name,
                    kind=kind_from_name(header.name),
                    parent=whole or area,
                    position=position,
                )
                orgunit_check_new(unit)
                unit.pk = -1 - len(created)  # a stand-in, distinct from every stored id, until it is written
                resolver.add(unit)
                created.append(unit)
            if unit is None:
                hints = "”或“".join(resolver.suggestions(header.name))
                problems.append(
                    Problem(
                        f"单位名称“{header.name}”不是{area.name}的下级单位或别名"
                        + (f"，是否应为“{hints}”？" if hints else "。")
                        + "若确为新单位，请加 --create-units 确认创建",
                        row=header.row,
                        column=header.column,
                        expected=f"{area.name}的单位简称、全称或别名",
                    )
                )
                continue
            if times_matched[unit.pk]:
                problems.append(
                    Problem(
                        f"单位“{header.name}”在表头中重复出现",
                        row=header.row,
                        column=header.column,
                        expected="每个单位一列",
                    )
                )
            replaced = matched.get(header.name)
            if replaced is not None:
                times_matched[replaced.pk] -= 1
            matched[header.name] = unit
            times_matched[unit.pk] += 1
        if problems:
            raise TableError(self.reading.source, problems)
        for unit in created:
            unit.pk = None
        orgunits_create(units=created, actor=self.actor, reason=self.reason)
        return matched, created

    # -- plan, file, indicators -------------------------------------------------------------

    def plan_for(self, area: OrgUnit) -> tuple[Plan, bool]:
        reading = self.reading
        plan = plan_of_reading(area, reading)
        if plan is not None:
            return plan, False
        plan = Plan(
            area=area,
            title=reading.plan_title,
            table_title=reading.title,
            attachment=reading.attachment,
            start_year=reading.start_year,
            end_year=reading.end_year,
            notes="\n".join(reading.notes),
        )
        plan.full_clean()
        plan.save()
        self.audit.append(
            audit_entry(
                action="create",
                obj=plan,
                before=None,
                reason=self.reason,
                after={
                    "title": plan.title,
                    "area": area.pk,
                    "start_year": plan.start_year,
                    "end_year": plan.end_year,
                },
            )
        )
        return plan, True

    def source_file_for(self, plan: Plan) -> tuple[SourceFile, bool]:
        digest = hashlib.sha256(self.content).hexdigest()
        existing = SourceFile.objects.filter(plan=plan, sha256=digest).first()
        if existing is not None:
            return existing, True
        source = SourceFile.objects.create(
            plan=plan, filename=self.filename, sha256=digest, size=len(self.content), content=self.content
        )
        self.audit.append(
            audit_entry(
                action="create",
                obj=source,
                before=None,
                reason=self.reason,
                after={"filename": source.filename, "sha256": digest, "size": source.size},
            )
        )
        return source, False

    def plan_units(self, plan: Plan, units: dict[str, OrgUnit]) -> None:
        existing = {pu.org_unit_id: pu for pu in PlanUnit.objects.filter(plan=plan)}
        added: list[PlanUnit] = []
        moved: list[PlanUnit] = []
        for position, header in enumerate(self.reading.units, start=1):
            unit = units[header.name]
            column = existing.get(unit.pk)
            part_of = header.part_of or ""
            if column is None:
                added.append(
                    PlanUnit(plan=plan, org_unit=unit, position=position, header_name=header.name, part_of=part_of)
                )
            elif (column.position, column.header_name, column.part_of) != (position, header.name, part_of):
                column.position, column.header_name, column.part_of = position, header.name, part_of
                moved.append(column)
        PlanUnit.objects.bulk_create(added, batch_size=BULK_BATCH)
        PlanUnit.objects.bulk_update(moved, ["position", "header_name", "part_of"], batch_size=BULK_BATCH)

    def departments(self, names: Iterable[str]) -> list[Department]:
        found = []
        for name in names:
            department, created = Department.objects.get_or_create(name=name)
            if created:
                self.audit.append(
                    audit_entry(
                        action="create",
                        obj=department,
                        before=None,
                        after={"name": name},
                        reason=self.reason,
                    )
                )
            found.append(department)
        return found

    def indicators(self, plan: Plan) -> tuple[dict[str, Indicator], int]:
        existing = {indicator.number: indicator for indicator in Indicator.objects.filter(plan=plan)}
        result: dict[str, Indicator] = {}
        changed = 0
        for position, reading in enumerate(self.reading.indicators, start=1):
            indicator = existing.get(reading.number)
            departments = self.departments(reading.lead_departments)
            if indicator is None:
                indicator = Indicator(
                    plan=plan,
                    number=reading.number,
                    kind=infer_kind(reading.goal_text, reading.name),
                    direction=infer_direction(reading.goal_text, reading.name),
                )
                before = None
            else:
                before = _indicator_snapshot(indicator, indicator.lead_departments.values_list("name", flat=True))
                self.indicator_changes.extend(indicator_changes(indicator, reading))
            self._apply(indicator, reading, position)
            after = _indicator_snapshot(indicator, [d.name for d in departments])
            if before != after:
                indicator.full_clean(exclude=["plan"])
                indicator.save()
                indicator.lead_departments.set(departments)
                self.audit.append(
                    audit_entry(
                        action="create" if before is None else "update",
                        obj=indicator,
                        before=before,
                        after=after,
                        reason=self.reason,
                    )
                )
                changed += before is not None
            self.milestones(indicator, reading)
            result[reading.number] = indicator
        changed += self._link_parts(result)
        return result, changed

    def _link_parts(self, indicators: dict[str, Indicator]) -> int:
        """'Of which' indicators point at their whole; set once every indicator of the table exists."""
        changed = 0
        for reading in self.reading.indicators:
            indicator = indicators[reading.number]
            parent = indicators.get(reading.parent_number) if reading.parent_number else None
            if indicator.parent_id == (parent.pk if parent else None):
                continue
            before = {"parent": indicator.parent_id}
            indicator.parent = parent
            indicator.save(update_fields=["parent"])
            self.audit.append(
                audit_entry(
                    action="update",
                    obj=indicator,
                    before=before,
                    after={"parent": indicator.parent_id},
                    reason=self.reason,
                )
            )
            changed += 1
        return changed

    @staticmethod
    def _apply(indicator: Indicator, reading: IndicatorReading, position: int) -> None:
        for name, value in _indicator_fields(reading, indicator.unit_of_measure).items():
            setattr(indicator, name, value)
        indicator.position = position

    def milestones(self, indicator: Indicator, reading: IndicatorReading) -> None:
        """Milestones are the goal text's reading: kept in step with it, every change audited."""
        existing = {(m.year, m.level): m for m in Milestone.objects.filter(indicator=indicator)}
        wanted = {(spec.year, spec.level.value): spec for spec in parse_milestones(reading.goal_text)}
        for key, spec in wanted.items():
            milestone = existing.get(key)
            after = {
                "year": spec.year,
                "level": spec.level.value,
                "value": _value_json(spec.value),
                "comparison": spec.comparison.value,
                "phrase": spec.phrase,
            }
            if milestone is None:
                milestone = Milestone.objects.create(
                    indicator=indicator,
                    year=spec.year,
                    level=spec.level.value,
                    value=spec.value,
                    comparison=spec.comparison.value,
                    phrase=spec.phrase,
                )
                self.audit.append(
                    audit_entry(
                        action="create",
                        obj=milestone,
                        before=None,
                        after=after,
                        reason=self.reason,
                    )
                )
                continue
            before = {
                "year": milestone.year,
                "level": milestone.level,
                "value": _value_json(milestone.value),
                "comparison": milestone.comparison,
                "phrase": milestone.phrase,
            }
            if before != after:
                milestone.value, milestone.comparison, milestone.phrase = (
                    spec.value,
                    spec.comparison.value,
                    spec.phrase,
                )
                milestone.save()
                self.audit.append(
                    audit_entry(
                        action="update",
                        obj=milestone,
                        before=before,
                        after=after,
                        reason=self.reason,
                    )
                )
        for key, milestone in existing.items():
            if key not in wanted:
                before = {
                    "year": milestone.year,
                    "level": milestone.level,
                    "value": _value_json(milestone.value),
                    "comparison": milestone.comparison,
                    "phrase": milestone.phrase,
                }
                self.audit.append(
                    audit_entry(
                        action="delete",
                        obj=milestone,
                        before=before,
                        after=None,
                        reason=f"{self.reason}：完成目标中已无此里程碑",
                    )
                )
                milestone.delete()

    # -- values -----------------------------------------------------------------------------

    def values(
        self,
        plan: Plan,
        area: OrgUnit,
        indicators: dict[str, Indicator],
        units: dict[str, OrgUnit],
        source: SourceFile,
    ) -> tuple[dict[str, int], list[ValueChange]]:
        names = {unit.pk: name for name, unit in units.items()}
        names[area.pk] = area.name
        by_id = {indicator.pk: indicator for indicator in indicators.values()}
        counts = {"targets": 0, "actuals": 0, "created": 0, "updated": 0, "cleared": 0, "unchanged": 0}
        changes: list[ValueChange] = []

        targets = {
            (t.indicator_id, t.org_unit_id, t.year, t.level): t for t in Target.objects.filter(indicator__plan=plan)
        }
        new_cells: list[CellValue] = []
        updated_targets: list[Target] = []
        keyed: list[tuple[TargetKey | None, CellValue]] = []
        for cell in self.reading.values:
            if cell.level == "actual":
                # Actual values are not the plan's: their one writer (mubiao.reporting.workflow) takes them.
                counts["actuals"] += 1
                self.actual_figures.append(
                    ActualFigure(
                        indicators[cell.indicator_number].pk,
                        (area if cell.unit is None else units[cell.unit]).pk,
                        cell.year,
                        cell.value,
                        cell.row,
                        cell.column,
                    )
                )
                continue
            counts["targets"] += 1
            if not targets:  # a new plan: nothing stored to compare with
                new_cells.append(cell)
                continue
            unit = area if cell.unit is None else units[cell.unit]
            keyed.append(((indicators[cell.indicator_number].pk, unit.pk, cell.year, cell.level), cell))
        decided = decide_targets({key: target.value for key, target in targets.items()}, keyed)
        new_cells += decided.new
        counts["unchanged"] = decided.unchanged
        for key, cell in decided.changed:
            stored = targets[key]
            changes.append(
                ValueChange(by_id[key[0]].name, names[key[1]], cell.year, cell.level, stored.value, cell.value)
            )
            self._audit_value(stored, "update", cell.value, cell)
            stored.value = cell.value
            stored.version += 1
            self._locate(stored, cell, source)
            updated_targets.append(stored)
            counts["updated"] += 1
        counts["created"] = len(new_cells)

        for key in decided.cleared:
            stored = targets[key]
            changes.append(
                ValueChange(by_id[key[0]].name, names.get(key[1], str(key[1])), key[2], key[3], stored.value, None)
            )
            self._audit_value(stored, "clear", None, None)
            stored.value = None
            stored.version += 1
            updated_targets.append(stored)
            counts["cleared"] += 1

        fields = ["value", "version", "source_file", "source_sheet", "source_row", "source_column", "updated_at"]
        Target.objects.bulk_update(updated_targets, fields, batch_size=BULK_BATCH)
        self._insert_new(new_cells, area, indicators, units, source, names=names)
        return counts, changes

    def _insert_new(
        self,
        cells: list[CellValue],
        area: OrgUnit,
        indicators: dict[str, Indicator],
        units: dict[str, OrgUnit],
        source: SourceFile,
        *,
        names: dict[int, str],
    ) -> None:
        """New targets as plain rows (an import may bring hundreds of thousands), streamed to the database.

        Their audit is the import's one record (_write_import_audit); each row keeps its cell.
        """
        indicator_ids = {number: indicator.pk for number, indicator in indicators.items()}
        unit_ids: dict[str | None, int] = {name: unit.pk for name, unit in units.items()}
        unit_ids[None] = area.pk
        targets_create(
            rows=(
                NewTarget(
                    indicator_ids[cell.indicator_number],
                    unit_ids[cell.unit],
                    cell.year,
                    cell.level,
                    cell.value,
                    cell.row,
                    cell.column,
                )
                for cell in cells
            ),
            source=source,
            sheet=self.reading.sheet,
        )
        self.targets_created = len(cells)

    def _write_import_audit(self, source: SourceFile, counts: dict[str, int]) -> None:
        """One record of the import for the targets it created: the file, its SHA-256, the counts.

        Each created target keeps its own file, sheet, row and column as provenance, so the record
        need not repeat them per value; changes and clears of existing values keep a record each.
        """
        if not self.targets_created:
            return
        audit_record(
            actor=self.actor,
            action="import",
            obj=source,
            before=None,
            after={
                "object_type": Target._meta.label_lower,
                "created": self.targets_created,
                "file": source.filename,
                "sha256": source.sha256,
                "sheet": self.reading.sheet,
                "counts": {
                    key: counts.get(key, 0) for key in ("targets", "created", "updated", "cleared", "unchanged")
                },
            },
            reason=self.reason,
        )

    def _locate(self, record: Target, cell: CellValue, source: SourceFile) -> None:
        record.source_file = source
        record.source_sheet = self.reading.sheet
        record.source_row = cell.row
        record.source_column = cell.column

    def _audit_value(self, record: Target, action: str, after: Decimal | None, cell: CellValue | None) -> None:
        """The audit entry of a stored value this import changes (cell) or clears (no cell)."""
        before = {"value": _value_json(record.value), "source": record.provenance_label}
        where = provenance_text(self.reading.sheet, cell.row, cell.column) if cell is not None else None
        self.audit.append(
            audit_entry(
                action=action,
                obj=record,
                before=before,
                after={"value": _value_json(after), "source": where},
                reason=self.reason,
            )
        )

    # -- the whole ----------------------------------------------------------------------------

    def run(self) -> ImportOutcome:
        if problems := reading_fit_problems(self.reading):
            raise TableError(self.filename, problems)
        area, area_is_new = self.resolve_area()
        units, created_units = self.resolve_units(area, area_is_new)
        plan, plan_created = self.plan_for(area)
        source, seen_before = self.source_file_for(plan)
        self.plan_units(plan, units)
        indicators, indicators_changed = self.indicators(plan)
        counts, changes = self.values(plan, area, indicators, units, source)
        audit_entries_write(actor=self.actor, entries=self.audit)
        self._write_import_audit(source, counts)
        counts.update(
            indicators=len(indicators),
            indicators_changed=indicators_changed,
            milestones=Milestone.objects.filter(indicator__plan=plan).count(),
            units=len(units),
        )
        if area_is_new:
            created_units.insert(0, area)
        return ImportOutcome(
            plan=plan,
            plan_created=plan_created,
            source_file=source,
            file_seen_before=seen_before,
            created_units=created_units,
            counts=counts,
            changes=changes,
            indicator_changes=self.indicator_changes,
            notes=[*self.reading.mapping_notes, *self.reading.notes],
            actual_figures=self.actual_figures,
        )


def plan_import_table(
    *,
    reading: TableReading,
    content: bytes,
    filename: str,
    actor: Actor,
    area: OrgUnit | None = None,
    create_units: bool = False,
) -> ImportOutcome:
    """Bring a decomposition table into one plan, all or nothing.

    The same file twice changes nothing; a changed file updates the values that changed (and
    clears cells it now leaves blank), each change audited with its before and after. Unknown unit
    names are refused unless the area is new or `create_units` confirms them.
    """

    def attempt() -> ImportOutcome:
        with transaction.atomic():
            return _PlanImport(
                reading=reading,
                content=content,
                filename=filename,
                actor=actor,
                area=area,
                create_units=create_units,
            ).run()

    return retry_once_if_raced(attempt)


@dataclass(frozen=True)
class NewTarget:
    """A target cell nothing stored holds yet: ids, year, level, value and the cell it came from."""

    indicator_id: int
    org_unit_id: int
    year: int
    level: str
    value: Decimal | None
    row: int | None = None
    column: int | None = None


def targets_create(*, rows: Iterable[NewTarget], source: SourceFile | None, sheet: str = "") -> int:
    """The bulk path of the one writer of targets: new cells streamed (COPY on PostgreSQL), version 1.

    Callers (the table import, the synthesizer) have decided that none of the cells exists, run it
    inside their transaction, and write the one audit record of their import or synthesis.
    """
    shared = {
        "version": 1,
        "updated_at": db_datetime(Target, timezone.now()),
        "source_file_id": source.pk if source is not None else None,
        "source_sheet": sheet,
    }
    return insert_rows(
        Target,
        ("indicator_id", "org_unit_id", "year", "level", "value", "source_row", "source_column"),
        ((t.indicator_id, t.org_unit_id, t.year, t.level, t.value, t.row, t.column) for t in rows),
        constants=shared,
    )


@transaction.atomic
def target_set(
    *,
    indicator: Indicator,
    org_unit: OrgUnit,
    year: int,
    level: str,
    value: Decimal | None,
    actor: Actor,
    reason: str = "",
) -> Target:
    """Set (or, with None, clear) one target cell by hand; its provenance becomes manual entry.

    With the table import, the one writer of targets: a change raises the version and is audited,
    and setting the value a cell already has writes nothing.
    """
    plan = indicator.plan
    if (outside := period_outside_plan(Period.year_of(year), plan.start_year, plan.end_year, "year")) is not None:
        raise Refused(outside)
    target, created = Target.objects.select_for_update().get_or_create(
        indicator=indicator, org_unit=org_unit, year=year, level=level, defaults={"value": value}
    )
    before = None if created else {"value": _value_json(target.value), "source": target.provenance_label}
    if not created:
        if target.value == value:
            return target
        target.value = value
        target.version += 1
        target.source_file = None
        target.source_sheet = ""
        target.source_row = target.source_column = None
    target.full_clean()
    target.save()
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=target,
        before=before,
        after={"value": _value_json(value), "source": target.provenance_label},
        reason=reason,
    )
    return target
