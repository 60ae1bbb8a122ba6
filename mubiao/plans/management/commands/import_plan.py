"""mubiao import FILE: bring a decomposition table into one plan, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.numbers import format_decimal
from mubiao.domain.problems import TableError
from mubiao.domain.values import LEVEL_LABELS
from mubiao.plans.management.output import (
    MubiaoCommand,
    console,
    fail_with_table_error,
    findings_summary,
    findings_table,
    indicators_json,
    plan_json,
    print_json,
    read_input,
    steps,
    units_json,
)
from mubiao.plans.selectors import plan_findings
from mubiao.plans.services import ImportOutcome
from mubiao.tables.importer import import_reading, read_file


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
        "notes": outcome.notes,
    }


class Command(MubiaoCommand):
    help = "导入目标分解表（制表符分隔的文本或 CSV；UTF-8 或 GBK）：全部成功或全部不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="目标分解表文件")
        parser.add_argument("--format", choices=["table", "json"], default="table", help="输出格式")
        parser.add_argument("--area", help="表格所属地区（标题中看不出时使用），如 柳州市")
        parser.add_argument("--create-units", action="store_true", help="确认创建表头中的新单位")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        path = Path(options["file"])
        content = read_input(path, as_json)
        with steps(3, quiet=as_json) as advance:
            try:
                advance("识别表格结构")
                reading = read_file(content, path.name)
                advance("写入数据库")
                outcome = import_reading(
                    reading=reading,
                    content=content,
                    filename=path.name,
                    actor=Actor.command_line(Door.IMPORT),
                    area_name=options["area"],
                    create_units=options["create_units"],
                )
            except TableError as error:
                fail_with_table_error(error, as_json)
            advance("检查数据质量")
            findings = plan_findings(outcome.plan)
        if as_json:
            print_json({**outcome_json(outcome), "findings": [f.as_dict() for f in findings]})
            return
        out = console()
        plan = outcome.plan
        verb = "新建" if outcome.plan_created else ("已更新" if outcome.changed_anything else "未发生变化")
        out.print(f"[bold]{plan.title}[/]（{plan.start_year}—{plan.end_year}年，编号 {plan.pk}）：{verb}")
        counts = outcome.counts
        out.print(
            f"指标 {counts['indicators']} 个，里程碑 {counts['milestones']} 个，单位 {counts['units']} 个；"
            f"目标值 {counts['targets']} 个，实际值 {counts['actuals']} 个"
            f"（新增 {counts['created']}，修改 {counts['updated']}，"
            f"清空 {counts['cleared']}，未变 {counts['unchanged']}）"
        )
        if outcome.file_seen_before:
            out.print("此文件（相同内容）以前已导入过。")
        if outcome.created_units:
            out.print("新建单位：" + "、".join(unit.name for unit in outcome.created_units))
        for change in outcome.changes:
            before, after = format_decimal(change.before) or "空", format_decimal(change.after) or "空"
            level = LEVEL_LABELS[change.level]
            out.print(f"  修改 {change.indicator} {change.year}年{level} {change.unit}：{before} → {after}")
        for note in outcome.notes:
            out.print(f"  [dim]{note}[/]")
        findings_table([f for f in findings if f.severity.value != "info"], out)
        out.print(findings_summary(findings))
