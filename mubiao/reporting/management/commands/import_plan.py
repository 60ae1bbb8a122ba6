"""mubiao import FILE: bring a decomposition table into one plan, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandParser
from rich.markup import escape

from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.commands import (
    MubiaoCommand,
    console,
    fail_with_table_error,
    findings_summary,
    findings_table,
    print_json,
    read_input,
    steps,
)
from mubiao.domain.numbers import format_decimal
from mubiao.domain.problems import Problem, TableError
from mubiao.plans.importing import ImportPreview, findings_after_import, preview_file
from mubiao.plans.management.output import indicators_json, plan_json, units_json
from mubiao.plans.management.preview import (
    preview_json,
    print_conflicts,
    print_indicator_changes,
    print_preview,
    value_change_text,
)
from mubiao.plans.services import ImportOutcome
from mubiao.reporting.importing import import_reading, preview_actuals
from mubiao.tables.mapping import LayoutMapping
from mubiao.tables.understanding import parse_mapping

if TYPE_CHECKING:
    from mubiao.reporting.workflow import FiguresOutcome
from mubiao.domain.names import names_listed


def outcome_json(outcome: ImportOutcome) -> dict[str, Any]:
    return {
        "plan": {
            **plan_json(outcome.plan),
            "created": outcome.plan_created,
            "source_file": {
                "filename": outcome.source_file.filename,
                "sha256": outcome.source_file.sha256,
                "seen_before": outcome.file_seen_before,
            },
        },
        "indicators": indicators_json(outcome.plan),
        "units": units_json(outcome.plan),
        "created_units": [unit.name for unit in outcome.created_units],
        "counts": outcome.counts,
        "changes": [change.as_dict() for change in outcome.changes],
        "indicator_changes": [change.as_dict() for change in outcome.indicator_changes],
        "actual_changes": [change.as_dict() for change in outcome.actual_changes],
        "conflicts": [conflict.as_dict() for conflict in outcome.conflicts],
        "notes": outcome.notes,
    }


class Command(MubiaoCommand):
    help = (
        "导入目标分解表（Excel .xlsx、Word .docx、CSV 或制表符分隔的文本；UTF-8 或 GBK）：全部成功或全部不写入。"
        "加 --dry-run 只显示识别结果，不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="目标分解表文件")
        parser.add_argument("--format", choices=["table", "json"], default="table", help="输出格式")
        parser.add_argument("--area", help="表格所属地区（标题中看不出时使用），如 柳州市")
        parser.add_argument("--create-units", action="store_true", help="确认创建表中的新单位")
        parser.add_argument(
            "--dry-run", action="store_true", help="只显示识别结果（表格结构、单位、指标、合计校验），不写入"
        )
        parser.add_argument("--mapping", help="用保存的映射文件（JSON）纠正识别结果")
        parser.add_argument("--save-mapping", help="把识别所用的映射写入此文件，修改后可用 --mapping 传回")
        parser.add_argument("--sheet", help="要导入的工作表名称（Excel）或表格（Word：表1、表2…）")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        path = Path(options["file"])
        content = read_input(path, as_json)
        mapping = self._mapping(options, as_json)
        with steps(3, quiet=as_json) as advance:
            try:
                advance("识别表格结构")
                preview = preview_file(content, path.name, mapping)
                if options["save_mapping"]:
                    Path(options["save_mapping"]).write_text(preview.understanding.mapping.to_json() + "\n", "utf-8")
                if options["dry_run"]:
                    self._show(preview, preview_actuals(preview), as_json)
                    return
                if not preview.understanding.can_commit:
                    raise preview.understanding.error()
                reading = preview.reading
                assert reading is not None
                # The grid behind the preview is no longer needed: a large table's is hundreds of megabytes.
                del preview
                advance("写入数据库")
                outcome = import_reading(
                    reading=reading,
                    content=content,
                    filename=path.name,
                    actor=Actor.command_line(Door.IMPORT),
                    area_name=options["area"] or mapping.area,
                    create_units=options["create_units"],
                )
            except TableError as error:
                fail_with_table_error(error, as_json)
            advance("检查数据质量")
            findings = findings_after_import(outcome, reading)
        if as_json:
            print_json({**outcome_json(outcome), "findings": [f.as_dict() for f in findings]})
            return
        out = console()
        plan = outcome.plan
        changed = outcome.changed_anything or bool(outcome.actual_changes)
        verb = "新建" if outcome.plan_created else ("已更新" if changed else "未发生变化")
        out.print(f"[bold]{escape(plan.title)}[/]（{plan.start_year}—{plan.end_year}年，编号 {plan.pk}）：{verb}")
        counts = outcome.counts
        out.print(
            f"指标 {counts['indicators']} 个，里程碑 {counts['milestones']} 个，单位 {counts['units']} 个；"
            f"目标值 {counts['targets']} 个，实际值 {counts['actuals']} 个"
            f"（新增 {counts['created']}，修改 {counts['updated']}，"
            f"清空 {counts['cleared']}，未变 {counts['unchanged']}）"
            + (f"；与已填报数据不一致 {len(outcome.conflicts)} 处（保留填报值）" if outcome.conflicts else "")
        )
        if outcome.file_seen_before:
            out.print("此文件（相同内容）以前已导入过。")
        if outcome.created_units:
            out.print("新建单位：" + names_listed([unit.name for unit in outcome.created_units]), markup=False)
        for change in outcome.changes:
            out.print(f"  修改 {value_change_text(change)}", markup=False)
        for actual in outcome.actual_changes:
            before, after = format_decimal(actual.before) or "空", format_decimal(actual.after) or "空"
            out.print(f"  修改 {actual.indicator} {actual.period} 实际 {actual.unit}：{before} → {after}", markup=False)
        print_indicator_changes(outcome.indicator_changes, out, done=True)
        print_conflicts(outcome.conflicts, out)
        for note in outcome.notes:
            out.print(f"  [dim]{escape(note)}[/]")
        findings_table([f for f in findings if f.severity.value != "info"], out)
        out.print(findings_summary(findings))

    @staticmethod
    def _mapping(options: dict[str, Any], as_json: bool) -> LayoutMapping:
        mapping = LayoutMapping()
        if options["mapping"]:
            path = Path(options["mapping"])
            try:
                mapping = parse_mapping(path.read_text("utf-8"), path.name)
            except OSError as exc:
                fail_with_table_error(TableError(path.name, [Problem(f"无法读取映射文件：{exc.strerror}")]), as_json)
            except (TableError, UnicodeDecodeError) as exc:
                error = (
                    exc if isinstance(exc, TableError) else TableError(path.name, [Problem("映射文件不是 UTF-8 文本")])
                )
                fail_with_table_error(error, as_json)
        if options["sheet"]:
            mapping.sheet = options["sheet"]
        if options["area"]:
            mapping.area = options["area"]
        return mapping

    @staticmethod
    def _show(preview: ImportPreview, figures: FiguresOutcome, as_json: bool) -> None:
        """--dry-run: the understanding, the reported figures the table differs from (which the import
        would keep) and the imported ones it would change or clear; exit 2 when the table could not be
        committed as it is."""
        if as_json:
            print_json(preview_json(preview, figures.conflicts, figures.changes))
        else:
            print_preview(preview, console(), figures.conflicts, figures.changes)
        if not preview.understanding.can_commit:
            raise SystemExit(2)
