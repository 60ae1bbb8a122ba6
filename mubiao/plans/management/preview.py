"""`mubiao import --dry-run`: what mubiao understood of a table, as text for people or as JSON."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mubiao.commands import findings_summary, findings_table
from mubiao.domain.findings import decimal_to_json
from mubiao.domain.numbers import format_decimal
from mubiao.domain.values import LEVEL_LABELS
from mubiao.plans.importing import ImportPreview
from mubiao.plans.services import IndicatorChange, ValueChange
from mubiao.tables.mapping import LAYOUT_LABELS
from mubiao.tables.understanding import COLUMN_ROLE_LABELS, ROW_ROLE_LABELS

if TYPE_CHECKING:  # the command computes them (mubiao.reporting.importing.preview_actuals); shown here
    from mubiao.reporting.workflow import FigureChange, FigureConflict

#: A reported figure's status, as a conflict names it.
STATUS_LABELS = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "approved": "已通过"}


def preview_json(
    preview: ImportPreview, conflicts: Sequence[FigureConflict] = (), changes: Sequence[FigureChange] = ()
) -> dict[str, Any]:
    """The understanding as JSON; `conflicts` are the reported figures the table differs from (kept on
    import), `changes` the imported figures the commit would change or clear (after null)."""
    understanding = preview.understanding
    reading = understanding.reading
    new_units = set(preview.new_units)
    return {
        "file": understanding.filename,
        "sheet": understanding.grid.sheet,
        "sheets": understanding.sheets,
        "layout": understanding.layout,
        "can_commit": understanding.can_commit,
        "mapping": asdict(understanding.mapping),
        "area": {"name": preview.area_name, "exists": preview.area_exists},
        "title": reading.title if reading else "",
        "plan_title": reading.plan_title if reading else "",
        "years": [reading.start_year, reading.end_year] if reading else None,
        "units": [
            {
                "name": unit.name,
                "row": unit.row,
                "column": unit.column,
                "part_of": unit.part_of,
                "new": unit.name in new_units,
                "suggestions": preview.suggestions.get(unit.name, []),
            }
            for unit in (reading.units if reading else [])
        ],
        "indicators": [
            {
                "number": indicator.number,
                "name": indicator.name,
                "unit_of_measure": indicator.unit_of_measure,
                "parent": indicator.parent_number,
                "lead_departments": indicator.lead_departments,
                "remarks": indicator.remarks,
            }
            for indicator in (reading.indicators if reading else [])
        ],
        "cells": [
            {
                "row": value.row,
                "column": value.column,
                "indicator": value.indicator_number,
                "unit": value.unit,
                "year": value.year,
                "level": value.level,
                "value": decimal_to_json(value.value),
            }
            for value in (reading.values if reading else [])
        ],
        "indicator_changes": [change.as_dict() for change in preview.indicator_changes],
        "target_changes": [change.as_dict() for change in preview.target_changes],
        # None for a plan not stored yet: every target is new.
        "target_counts": preview.target_counts,
        "rows": {str(row): role for row, role in sorted(understanding.row_roles.items())},
        "columns": {str(column): role for column, role in sorted(understanding.column_roles.items())},
        "reconciliations": [
            {
                "indicator": r.indicator_number,
                "year": r.year,
                "level": r.level,
                "total": decimal_to_json(r.total),
                "units_sum": decimal_to_json(r.units_sum),
                "reconciles": r.reconciles,
                "row": r.row,
                "column": r.column,
            }
            for r in understanding.reconciliations
        ],
        "findings": [finding.as_dict() for finding in understanding.findings],
        "problems": [problem.as_dict(understanding.filename) for problem in understanding.problems],
        "proposals": understanding.proposals,
        "notes": reading.notes if reading else [],
        "conflicts": [conflict.as_dict() for conflict in conflicts],
        "actual_changes": [change.as_dict() for change in changes],
    }


def _numbers(items: list[int] | None) -> str:
    return "、".join(str(item) for item in items) if items else "无"


def conflict_line(conflict: FigureConflict) -> str:
    """One conflict in words: the unit, the indicator, the period, the table's figure and the reported one."""
    table = format_decimal(conflict.table_value) or "空"
    reported = format_decimal(conflict.reported_value) or "空"
    status = STATUS_LABELS.get(conflict.status, conflict.status)
    period = (
        conflict.period
        if conflict.period == conflict.table_period
        else f"{conflict.table_period}（已填报 {conflict.period}）"
    )
    where = f"（第{conflict.row}行第{conflict.column}列）" if conflict.row and conflict.column else ""
    return (
        f"{conflict.unit} {conflict.indicator_number}. {conflict.indicator} {period}：表中 {table}，"
        f"已填报 {reported}（{status}）{where}"
    )


def print_conflicts(conflicts: Sequence[FigureConflict], out: Console) -> None:
    """The reported figures a table differs from: the import keeps each of them as reported."""
    if not conflicts:
        return
    out.print(f"[yellow]与已填报数据不一致 {len(conflicts)} 处[/]（导入不会修改填报的数据，保留填报值）：")
    for conflict in conflicts:
        out.print(f"  {conflict_line(conflict)}", highlight=False, markup=False)


def print_indicator_changes(changes: Sequence[IndicatorChange], out: Console, *, done: bool = False) -> None:
    """What a table changes of the stored plan's indicators: figures reported against them stay theirs."""
    if not changes:
        return
    verb = "已修改" if done else "将修改"
    out.print(f"[yellow]{verb}已有指标 {len(changes)} 处[/]（已填报的数据仍属于同一序号的指标）：")
    for change in changes:
        before, after = change.before or "空", change.after or "空"
        line = f"  {change.number}. {change.indicator} {change.field_label}：{before} → {after}"
        out.print(line, highlight=False, markup=False)


def value_change_text(change: ValueChange, cleared: str = "空") -> str:
    """高新技术企业 2019年确保 柳南：53 → 60 — a target's change, as the preview and the commit list it."""
    before, after = format_decimal(change.before) or "空", format_decimal(change.after) or cleared
    return f"{change.indicator} {change.year}年{LEVEL_LABELS[change.level]} {change.unit}：{before} → {after}"


def print_target_changes(changes: Sequence[ValueChange], out: Console) -> None:
    """The stored targets a commit would change or clear, as its summary will list them."""
    if not changes:
        return
    out.print(f"[yellow]将修改已有目标值 {len(changes)} 处[/]（每处留有审计记录）：")
    for change in changes[:CHANGES_LISTED]:
        out.print(f"  {value_change_text(change, cleared='清空')}", highlight=False, markup=False)
    if len(changes) > CHANGES_LISTED:
        out.print(f"  ……另有 {len(changes) - CHANGES_LISTED} 处（--format json 列出全部）")


def print_changes(changes: Sequence[FigureChange], out: Console) -> None:
    """The imported actual values a commit would change or clear: ones an earlier table gave."""
    if not changes:
        return
    out.print(f"[yellow]将修改此前导入的实际值 {len(changes)} 处[/]（由此前导入的分解表写入）：")
    for change in changes:
        after = format_decimal(change.after) if change.after is not None else "清空"
        where = f"（第{change.row}行）" if change.row else ""
        out.print(
            f"  {change.unit} {change.indicator_number}. {change.indicator} {change.period}："
            f"{format_decimal(change.before) or '空'} → {after}{where}",
            highlight=False,
            markup=False,
        )


def print_preview(
    preview: ImportPreview,
    out: Console,
    conflicts: Sequence[FigureConflict] = (),
    changes: Sequence[FigureChange] = (),
) -> None:
    understanding = preview.understanding
    reading = understanding.reading
    mapping = understanding.mapping
    # Every text from the file is escaped: a name such as “[/b]” is printed as written, not read as markup.
    sheet = f" · 工作表“{escape(understanding.grid.sheet)}”" if understanding.grid.sheet else ""
    others = (
        f"（共{len(understanding.sheets)}个：{escape('、'.join(understanding.sheets))}）"
        if len(understanding.sheets) > 1
        else ""
    )
    out.print(f"[bold]{escape(understanding.filename)}[/]{sheet}{others}")
    out.print(f"表格结构：{LAYOUT_LABELS.get(understanding.layout, understanding.layout)}")
    header = f"第{mapping.header_rows[0]}—{mapping.header_rows[1]}行" if mapping.header_rows else "未找到"
    out.print(
        f"  表头 {header}；名称列 第{mapping.label_column or '—'}列；"
        f"合计行 {_numbers(mapping.total_rows)}；合计列 {_numbers(mapping.total_columns)}；"
        f"其中行 {_numbers(mapping.part_rows)}；其中列 {_numbers(mapping.part_columns)}"
    )
    roles = Counter(understanding.row_roles.values())
    out.print(
        "  各行：" + "，".join(f"{label} {roles[role]}" for role, label in ROW_ROLE_LABELS.items() if roles[role])
    )
    columns = Counter(understanding.column_roles.values())
    out.print(
        "  各列："
        + "，".join(f"{label} {columns[role]}" for role, label in COLUMN_ROLE_LABELS.items() if columns[role])
    )
    if reading is not None:
        area = f"{preview.area_name or '（未知）'}（{'已有' if preview.area_exists else '新地区，将新建'}）"
        years = (
            str(reading.start_year)
            if reading.start_year == reading.end_year
            else f"{reading.start_year}—{reading.end_year}"
        )
        out.print(f"标题：{escape(reading.title) or '（无）'}；地区：{escape(area)}；年份：{years}")
        _print_units(preview, out)
        _print_indicators(preview, out)
        print_indicator_changes(preview.indicator_changes, out)
        print_target_changes(preview.target_changes, out)
        levels = Counter(value.level for value in reading.values)
        out.print(
            f"数值 {len(reading.values)} 个（"
            + "，".join(f"{LEVEL_LABELS[level]} {count}" for level, count in sorted(levels.items()))
            + "）"
        )
        failing = understanding.unreconciled
        checked = len(understanding.reconciliations)
        if checked:
            verdict = "全部相符" if not failing else f"[red]{len(failing)} 处不符[/]"
            out.print(f"合计校验：{checked} 处，{verdict}")
            for r in failing[:20]:
                out.print(
                    f"  第{r.row}行第{r.column}列 {r.indicator_name} {r.year}年{LEVEL_LABELS[r.level]}："
                    f"合计 {format_decimal(r.total)}，各单位之和 {format_decimal(r.units_sum)}",
                    markup=False,
                )
        for note in reading.notes:
            out.print(f"  [dim]{escape(note)}[/]")
        findings_table([f for f in understanding.findings if f.severity.value != "info"], out)
        out.print(findings_summary(understanding.findings))
        print_conflicts(conflicts, out)
        print_changes(changes, out)
    for problem in understanding.problems:
        out.print(f"[bold red]问题[/]：{escape(problem.located(understanding.filename))}", highlight=False)
    for proposal in understanding.proposals:
        out.print(f"[yellow]建议[/]：{escape(proposal)}")
    if understanding.can_commit:
        out.print(
            "[green]可以导入[/]（去掉 --dry-run 即写入；用 --save-mapping 文件 保存映射，修改后以 --mapping 传回）"
        )
    else:
        out.print("[bold red]不能导入[/]：请按上面的问题修改表格，或用 --mapping 纠正识别结果。数据库未作任何改动。")


#: The units a preview names on the terminal; a table of 3,000 lists its first hundred and the count.
UNITS_LISTED = 100
#: The changed targets a preview lists on the terminal before it gives the count of the rest.
CHANGES_LISTED = 100


def _print_units(preview: ImportPreview, out: Console) -> None:
    reading = preview.understanding.reading
    assert reading is not None
    new = set(preview.new_units)
    names = []
    for unit in reading.units[:UNITS_LISTED]:
        text = escape(unit.name + (f"（其中项，属{unit.part_of}）" if unit.part_of else ""))
        names.append(f"[yellow]{text}*[/]" if unit.name in new else text)
    listed = "、".join(names)
    if len(reading.units) > UNITS_LISTED:
        listed += f"…等{len(reading.units)}个（--format json 列出全部）"
    out.print(f"单位 {len(reading.units)} 个：{listed}")
    if preview.new_units:
        hint = "新地区的单位将随地区一起新建" if not preview.area_exists else "加 --create-units 确认创建"
        out.print(f"  *新单位 {len(preview.new_units)} 个（{hint}）")
        for name, similar in preview.suggestions.items():
            if similar:
                out.print(f"  “{name}”是否应为“{'”或“'.join(similar)}”？", markup=False)


def _print_indicators(preview: ImportPreview, out: Console) -> None:
    reading = preview.understanding.reading
    assert reading is not None
    counts = Counter(value.indicator_number for value in reading.values)
    table = Table(title=f"指标 {len(reading.indicators)} 个", title_justify="left")
    for heading in ("序号", "指标名称", "计量单位", "其中项所属", "数值个数"):
        table.add_column(heading)
    for indicator in reading.indicators[:50]:
        table.add_row(
            escape(indicator.number),
            escape(indicator.name),
            escape(indicator.unit_of_measure) or "—",
            escape(indicator.parent_number or ""),
            str(counts[indicator.number]),
        )
    out.print(table)
    if len(reading.indicators) > 50:
        out.print(f"  ……另有 {len(reading.indicators) - 50} 个指标")
