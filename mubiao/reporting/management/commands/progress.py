"""mubiao progress [PLAN] --year Y [--pending]: completion against committed and stretch, status and rank.

The command line is the operator of the installation and reads as an administrator (OPERATOR): with
--pending, every figure not yet approved counts too; without it, the official (approved) figures only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.management.base import CommandParser
from rich.markup import escape
from rich.table import Table

from mubiao.accounts.permissions import OPERATOR
from mubiao.commands import MubiaoCommand, console, fail, print_json
from mubiao.domain.findings import decimal_to_json
from mubiao.domain.numbers import format_decimal
from mubiao.domain.periods import Period
from mubiao.domain.progress import Status, rounded_rate
from mubiao.plans.management.output import plan_json
from mubiao.plans.selectors import PlanNotFound, plan_get
from mubiao.reporting.selectors import MilestoneProgress, ProgressRow, plan_progress

#: A style for every status the core can give (a test checks none is missing), e.g. a year nobody reported.
_STATUS_STYLE: dict[Status, str] = {
    Status.ABOVE_STRETCH: "bold green",
    Status.ABOVE_COMMITTED: "green",
    Status.ON_SCHEDULE: "cyan",
    Status.BEHIND_SCHEDULE: "yellow",
    Status.BELOW_COMMITTED: "bold red",
    Status.NOT_REPORTED: "dim italic",
    Status.PARTIAL: "dim italic",
    Status.NO_TARGET: "dim",
}


def row_json(row: ProgressRow) -> dict[str, Any]:
    return {
        "indicator_number": row.indicator_number,
        "indicator": row.indicator,
        "unit": row.unit,
        "period": row.period,
        "actual": decimal_to_json(row.actual),
        "committed": decimal_to_json(row.committed),
        "stretch": decimal_to_json(row.stretch),
        "expected": decimal_to_json(rounded_rate(row.expected)),
        "rate_committed": decimal_to_json(rounded_rate(row.rate_committed)),
        "rate_stretch": decimal_to_json(rounded_rate(row.rate_stretch)),
        "status": row.status.value,
        "status_label": row.status.label,
        "rank": row.rank,
        "note": row.note,
        "summed": row.summed,
        "units_reported": row.units_reported,
        "units_expected": row.units_expected,
        "own": decimal_to_json(row.own),
        "mismatch": decimal_to_json(row.mismatch),
    }


def milestone_json(row: MilestoneProgress) -> dict[str, Any]:
    return {
        "indicator_number": row.indicator_number,
        "indicator": row.indicator,
        "year": row.year,
        "level": row.level,
        "value": decimal_to_json(row.value),
        "phrase": row.phrase,
        "reached": decimal_to_json(row.reached),
        "upto_year": row.upto_year,
        "rate": decimal_to_json(rounded_rate(row.rate)),
    }


def fixed(value: Decimal | None) -> str:
    """A rate with its three decimals shown, so a column of rates lines up: 1.350, not 1.35."""
    rounded = rounded_rate(value)
    return "" if rounded is None else f"{rounded:.3f}"


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


class Command(MubiaoCommand):
    help = "进度：各单位实际值对确保、力争目标的完成率、状态与排名，以及里程碑累计进度。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", nargs="?", help="规划编号或名称（只有一个规划时可省略）")
        parser.add_argument("--year", type=int, required=True, help="年份")
        parser.add_argument("--period", help="期间：2019、2019-Q3 或 2019-07（默认：该年最新已报期间）")
        parser.add_argument("--indicator", help="只看某个指标（序号）")
        parser.add_argument(
            "--pending",
            action="store_true",
            help="同时计入尚未审核通过的数据（草稿、待审核、退回）；默认只计审核通过的",
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        try:
            plan = plan_get(options["plan"])
            period = Period.parse(options["period"]) if options["period"] else None
            progress = plan_progress(
                plan,
                year=options["year"],
                period=period,
                indicator_number=options["indicator"],
                # The command line is the operator, who reads as an administrator: see the module's docstring.
                viewer=OPERATOR,
                include_pending=options["pending"],
            )
        except (PlanNotFound, ValueError) as error:
            fail(str(error), as_json)
        if as_json:
            print_json(
                {
                    "plan": plan_json(plan),
                    "year": progress.year,
                    "period": str(progress.period),
                    "rows": [row_json(row) for row in progress.rows],
                    "milestones": [milestone_json(row) for row in progress.milestones],
                }
            )
            return
        out = console()
        out.print(f"[bold]{escape(plan.title)}[/] {progress.period.label}进度")
        current = None
        table: Table | None = None
        for row in progress.rows:
            if row.indicator_number != current:
                if table is not None:
                    out.print(table)
                current = row.indicator_number
                table = Table(
                    "单位",
                    "实际",
                    "确保",
                    "力争",
                    "完成率(确保)",
                    "完成率(力争)",
                    "状态",
                    "排名",
                    title=escape(f"{row.indicator_number}. {row.indicator}（{row.unit_of_measure}）"),
                    title_justify="left",
                )
            assert table is not None
            style = _STATUS_STYLE[row.status]
            notes = [row.note] if row.note else []
            if row.summed:
                own = [f"市报{format_decimal(row.own)}"] if row.own is not None else []
                notes = [f"{row.units_reported}/{row.units_expected}个单位已报", *own, *notes]
            table.add_row(
                escape(row.unit + ("（汇总）" if row.summed else "")),
                format_decimal(row.actual),
                format_decimal(row.committed),
                format_decimal(row.stretch),
                fixed(row.rate_committed),
                fixed(row.rate_stretch),
                f"[{style}]{row.status.label}[/]" + (f" [dim]{escape(' · '.join(notes))}[/]" if notes else ""),
                str(row.rank or ""),
            )
        if table is not None:
            out.print(table)
        if progress.milestones:
            out.print("\n[bold]里程碑累计进度[/]")
            for milestone in progress.milestones:
                out.print(
                    f"  {milestone.indicator}：{milestone.phrase}，截至{milestone.upto_year}年"
                    f"{format_decimal(milestone.reached) or '无实际值'}"
                    + (f"，{percent(milestone.rate)}" if milestone.rate is not None else ""),
                    markup=False,
                )
