"""mubiao plans: the plans in the register."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from rich.markup import escape
from rich.table import Table

from mubiao.commands import MubiaoCommand, console, print_json
from mubiao.plans.management.output import plan_json
from mubiao.plans.selectors import plan_list


class Command(MubiaoCommand):
    help = "列出已导入的规划。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        plans = plan_list()
        if options["format"] == "json":
            print_json([plan_json(plan) for plan in plans])
            return
        table = Table("编号", "规划", "地区", "年限")
        for plan in plans:
            table.add_row(
                str(plan.pk), escape(plan.title), escape(plan.area.name), f"{plan.start_year}—{plan.end_year}"
            )
        console().print(table if plans else "还没有规划。用 mubiao import FILE 导入。")
