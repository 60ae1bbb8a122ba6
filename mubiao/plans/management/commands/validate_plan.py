"""mubiao validate [PLAN]: the plan's data-quality report; exit status 1 when errors exist."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from rich.markup import escape

from mubiao.commands import EXIT_FINDINGS, MubiaoCommand, console, fail, findings_summary, findings_table, print_json
from mubiao.domain.values import SEVERITY_ORDER, Severity
from mubiao.plans.management.output import plan_json
from mubiao.plans.selectors import PlanNotFound, plan_findings, plan_get


class Command(MubiaoCommand):
    help = "检查规划的数据质量：合计不符、里程碑未达、力争低于确保、存量低于上年实际、其中项超过总项。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", nargs="?", help="规划编号或名称（只有一个规划时可省略）")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--severity",
            choices=[s.value for s in Severity],
            default="info",
            help="只列出此级别及更严重的问题",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        try:
            plan = plan_get(options["plan"])
        except PlanNotFound as error:
            fail(str(error), as_json)
        floor = SEVERITY_ORDER[options["severity"]]
        findings = [f for f in plan_findings(plan) if SEVERITY_ORDER[f.severity.value] <= floor]
        if as_json:
            print_json({"plan": plan_json(plan), "findings": [f.as_dict() for f in findings]})
        else:
            out = console()
            out.print(f"[bold]{escape(plan.title)}[/]（{plan.start_year}—{plan.end_year}年）数据质量检查")
            findings_table(findings, out)
            out.print(findings_summary(findings))
        if any(f.severity is Severity.ERROR for f in findings):
            raise SystemExit(EXIT_FINDINGS)
