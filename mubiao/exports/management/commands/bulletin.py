"""mubiao bulletin [PLAN] --year Y [--period P] [--format docx|pdf] -o FILE [--issue]: the 通报 of a period.

Without --issue it writes a draft: the generated text, numbered as the next issue would be, nothing
recorded. With --issue it issues the bulletin (numbered, stored with its SHA-256, audited) and writes
the issued file. Approved figures only, either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from mubiao.audit.services import Actor
from mubiao.commands import MubiaoCommand, console, fail, steps
from mubiao.domain.periods import Period
from mubiao.domain.refusals import Refused
from mubiao.exports.bulletin_pdf import FontsMissing
from mubiao.exports.management.commands.export import check_output, write_document
from mubiao.exports.services import bulletin_file, bulletin_issue, draft_file, draft_for
from mubiao.plans.selectors import PlanNotFound, plan_get


class Command(MubiaoCommand):
    help = (
        "生成某年某期间的通报（.docx 或 PDF）：总体情况、各县区完成情况、排名、存在问题，"
        "附完成情况表和考核排名表；只含审核通过的数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", nargs="?", help="规划编号或名称（只有一个规划时可省略）")
        parser.add_argument("--year", type=int, required=True, help="年份，如 2020")
        parser.add_argument("--period", help="期间：2020、2020-Q2 或 2020-06；默认为该年最新已报期间")
        parser.add_argument("--format", choices=["docx", "pdf"], help="文件格式；省略时按输出文件的扩展名，默认 docx")
        parser.add_argument("-o", "--output", required=True, help="输出文件，如 通报.docx 或 通报.pdf")
        parser.add_argument("--issue", action="store_true", help="正式签发：编号、存档（SHA-256）并记入审计日志")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = plan_get(options["plan"])
        except PlanNotFound as error:
            fail(str(error))
        path = Path(options["output"])
        kind = options["format"] or ("pdf" if path.suffix.lower() == ".pdf" else "docx")
        check_output(path, kind, example="通报")
        with steps(3, quiet=False) as advance:
            advance("读取审核通过的数据")
            try:
                period = Period.parse(options["period"]) if options["period"] else None
                facts, text = draft_for(plan, year=options["year"], period=period)
            except ValueError as error:
                fail(str(error))
            advance("排版")
            try:
                if options["issue"]:
                    bulletin = bulletin_issue(
                        actor=Actor.command_line(), plan=plan, year=options["year"], period=facts.period, text=text
                    )
                    content = bulletin_file(bulletin, kind)
                    version = bulletin.version
                else:
                    content, version = draft_file(plan, facts, text, kind)
            except (Refused, FontsMissing) as error:
                fail(str(error))
            advance("写入文件")
            write_document(path, content)
        state = "已签发" if options["issue"] else "草稿（未签发）"
        console().print(
            f"{state}：{text.issue_label}{'（第' + str(version) + '版）' if version > 1 else ''} {text.title} → {path}",
            markup=False,
        )
