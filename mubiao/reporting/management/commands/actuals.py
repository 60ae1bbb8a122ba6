"""mubiao actuals import FILE: bring a long table of actual values into a plan, all or nothing.

Figures a unit reported are never changed by an import: where the table differs, the summary lists
the conflict (unit, indicator, period, the table's value, the reported value and its status).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from rich.markup import escape

from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.commands import MubiaoCommand, console, fail, fail_with_table_error, print_json, read_input, steps
from mubiao.domain.numbers import format_decimal
from mubiao.domain.problems import TableError
from mubiao.plans.management.output import plan_json
from mubiao.plans.management.preview import print_conflicts
from mubiao.plans.selectors import PlanNotFound, plan_get
from mubiao.reporting.services import ActualsOutcome, actuals_import
from mubiao.tables.long import read_long_table


def outcome_json(outcome: ActualsOutcome) -> dict[str, Any]:
    source = outcome.source_file
    return {
        "plan": plan_json(outcome.plan),
        "source_file": {"filename": source.filename, "sha256": source.sha256, "seen_before": outcome.file_seen_before},
        "counts": outcome.counts,
        "changes": [change.as_dict() for change in outcome.changes],
        "conflicts": [conflict.as_dict() for conflict in outcome.conflicts],
    }


class Command(MubiaoCommand):
    help = "实际值：导入长表（每行一个值：指标、单位、期间、实际值），全部成功或全部不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser(
            "import",
            help="导入实际值长表（CSV、制表符分隔的文本或 .xlsx；UTF-8 或 GBK）",
            description="每行一个实际值：指标（序号或名称）、单位、期间（2019、2019-Q3、2019-07）、实际值。"
            "有任何问题则列出全部问题、不写入任何数据并以状态 2 退出。",
        )
        importing.add_argument("file", help="实际值长表文件")
        importing.add_argument("--plan", help="规划编号或名称（只有一个规划时可省略）")
        importing.add_argument(
            "--allow-blank",
            action="store_true",
            help="跳过实际值为空的行（不写入，已有的值保持不变）；默认空值是错误",
        )
        importing.add_argument("--format", choices=["table", "json"], default="table", help="输出格式")

    def handle(self, *args: Any, **options: Any) -> None:
        self.import_file(options)

    def import_file(self, options: dict[str, Any]) -> None:
        as_json = options["format"] == "json"
        path = Path(options["file"])
        try:
            plan = plan_get(options["plan"])
        except PlanNotFound as error:
            fail(str(error), as_json)
        content = read_input(path, as_json)
        with steps(2, quiet=as_json) as advance:
            try:
                advance("读取表格")
                table = read_long_table(content, path.name)
                advance(f"检查并写入 {len(table.rows)} 行")
                outcome = actuals_import(
                    plan=plan,
                    rows=table.rows,
                    source=table.file,
                    actor=Actor.command_line(Door.IMPORT),
                    allow_blank=options["allow_blank"],
                )
            except TableError as error:
                fail_with_table_error(error, as_json)
        if as_json:
            print_json(outcome_json(outcome))
            return
        out = console()
        counts = outcome.counts
        verb = "已导入" if outcome.changed_anything else "未发生变化"
        out.print(f"[bold]{escape(plan.title)}[/]（编号 {plan.pk}）实际值：{verb}")
        line = f"共 {counts['rows']} 行：新增 {counts['created']}，修改 {counts['updated']}，未变 {counts['unchanged']}"
        if counts["blank_skipped"]:
            line += f"，空白跳过 {counts['blank_skipped']}"
        if outcome.conflicts:
            line += f"，与已填报数据不一致 {len(outcome.conflicts)}（保留填报值）"
        out.print(line)
        if outcome.file_seen_before:
            out.print("此文件（相同内容）以前已导入过。")
        for change in outcome.changes:
            before, after = format_decimal(change.before) or "空", format_decimal(change.after) or "空"
            out.print(
                f"  修改 {escape(f'{change.indicator} {change.unit} {change.period}')}：{before} → {after}"
                f" [dim]（第{change.row}行）[/]"
            )
        print_conflicts(outcome.conflicts, out)
