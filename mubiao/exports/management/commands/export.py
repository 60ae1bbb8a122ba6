"""mubiao export plan|progress …: the documents an office hands on, as files.

mubiao export plan [PLAN] -o 分解表.xlsx|分解表.docx           the official table (附件)
mubiao export progress [PLAN] --year Y [--period P] -o 完成情况表.xlsx   the progress sheet (附件1)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from mubiao.commands import MubiaoCommand, console, fail, steps
from mubiao.domain.periods import Period
from mubiao.domain.refusals import Refused
from mubiao.exports.docx import official_document
from mubiao.exports.official import official_table
from mubiao.exports.progress import progress_sheet
from mubiao.exports.xlsx import official_workbook, progress_workbook
from mubiao.files import write_whole
from mubiao.plans.models import Plan
from mubiao.plans.selectors import PlanNotFound, plan_get


def check_output(path: Path, kind: str, example: str = "分解表") -> None:
    """Refuse, before any work, an output that is a directory, in a missing one, or named for another format."""
    if path.is_dir():
        fail(f"{path} 是目录：请给出文件名，如 {path / (example + '.' + kind)}")
    if path.suffix.lower() != f".{kind}":
        fail(f"输出文件须以 .{kind} 结尾（{path.name}）：文件的扩展名须与其格式一致，否则打不开")
    if not path.parent.is_dir():
        fail(f"目录不存在：{path.parent}")


def write_document(path: Path, content: bytes) -> None:
    """The file whole or not at all (mubiao.files.write_whole), readable as the user's umask allows:
    a document to hand on, not a file kept for the server."""
    umask = os.umask(0)
    os.umask(umask)
    try:
        write_whole(path, content, mode=0o666 & ~umask)
    except OSError as error:
        fail(f"无法写入 {path}：{error.strerror}")


class Command(MubiaoCommand):
    help = "导出规划的正式表格（附件版式）：目标分解任务表，.xlsx 或 .docx；只含目标和审核通过的年度实际值。"

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
        plan = what.add_parser("plan", help="目标分解任务表（正式版式）", description=self.help)
        plan.add_argument("plan", nargs="?", help="规划编号或名称（只有一个规划时可省略）")
        plan.add_argument("--format", choices=["xlsx", "docx"], help="文件格式；省略时按输出文件的扩展名，默认 xlsx")
        plan.add_argument("-o", "--output", required=True, help="输出文件，如 分解表.xlsx 或 分解表.docx")
        progress = what.add_parser(
            "progress",
            help="完成情况表（附件1）",
            description="某年某期间的完成情况表（附件1）：每个指标一节，市在前，按序时进度标色；只含审核通过的数据。",
        )
        progress.add_argument("plan", nargs="?", help="规划编号或名称（只有一个规划时可省略）")
        progress.add_argument("--year", type=int, required=True, help="年份，如 2020")
        progress.add_argument("--period", help="期间：2020、2020-Q2 或 2020-06；默认为该年最新已报期间")
        progress.add_argument("-o", "--output", required=True, help="输出文件，如 完成情况表.xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = plan_get(options["plan"])
        except PlanNotFound as error:
            fail(str(error))
        if options["what"] == "progress":
            self.progress(plan, options)
            return
        path = Path(options["output"])
        kind = options["format"] or ("docx" if path.suffix.lower() == ".docx" else "xlsx")
        check_output(path, kind)
        with steps(2, quiet=False) as advance:
            advance("读取规划")
            table = official_table(plan)
            advance("写入表格")
            try:
                content = official_document(table) if kind == "docx" else official_workbook(table)
            except Refused as refused:
                fail(str(refused))
            write_document(path, content)
        console().print(
            f"已导出“{plan.title}”的目标分解任务表：{path}（{len(table.blocks)} 个指标，{len(table.units)} 个单位）",
            markup=False,
        )

    def progress(self, plan: Plan, options: dict[str, Any]) -> None:
        path = Path(options["output"])
        check_output(path, "xlsx", example="完成情况表")
        try:
            period = Period.parse(options["period"]) if options["period"] else None
            sheet = progress_sheet(plan, year=options["year"], period=period)
        except ValueError as error:
            fail(str(error))
        write_document(path, progress_workbook(sheet))
        console().print(
            f"已导出“{plan.title}”{sheet.period_label}完成情况表：{path}（{len(sheet.sections)} 个指标）", markup=False
        )
