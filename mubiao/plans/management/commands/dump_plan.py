"""mubiao dump [PLAN]: the plan in long form, one row per stored value."""

from __future__ import annotations

import csv
import sys
from typing import Any

from django.core.management.base import CommandParser

from mubiao.commands import MubiaoCommand, fail, print_json
from mubiao.domain.findings import decimal_to_json
from mubiao.domain.numbers import format_decimal
from mubiao.domain.spreadsheets import cell_text
from mubiao.plans.selectors import PlanNotFound, plan_get, plan_long_rows

COLUMNS = ["indicator_number", "indicator", "unit", "year", "period", "level", "value"]


class Command(MubiaoCommand):
    help = "以长表导出规划：每个已存的值一行（空白单元格不成行）；实际值按其期间，只含审核通过的。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", nargs="?", help="规划编号或名称（只有一个规划时可省略）")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        try:
            plan = plan_get(options["plan"])
        except PlanNotFound as error:
            fail(str(error), as_json)
        # The command line is the operator and reads as an administrator would. The long table is the
        # official record: its actual rows are approved figures (ActualValue.objects.official, what
        # visible_to shows anyone who does not ask for pending ones), so no viewer needs passing here.
        rows = plan_long_rows(plan)
        if as_json:
            print_json(
                [
                    {
                        "indicator_number": r.indicator_number,
                        "indicator": r.indicator,
                        "unit": r.unit,
                        "year": r.year,
                        "period": r.period,
                        "level": r.level,
                        "value": decimal_to_json(r.value),
                    }
                    for r in rows
                ]
            )
            return
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in rows:
            # Names from a table are text a spreadsheet must not run; the value is a number as it stands.
            names = [cell_text(r.indicator_number), cell_text(r.indicator), cell_text(r.unit)]
            writer.writerow([*names, r.year, r.period, r.level, format_decimal(r.value)])
