"""mubiao decompose [PLAN] --indicator N …: an indicator's city totals split into unit × year targets.

Nothing is written: the table is shown (or given as JSON) with every cell's ideal value, final value and
reasons, the units' and years' sums, and Webster's divisors — or, when no table can meet the rules, what
must change and by how much (exit status 1).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import CommandParser
from rich.markup import escape
from rich.table import Table

from mubiao.commands import MubiaoCommand, console, fail, print_json
from mubiao.domain.decomposition import Infeasible, Share, Solution
from mubiao.domain.numbers import format_decimal
from mubiao.domain.values import Level
from mubiao.plans.models import Indicator
from mubiao.plans.selectors import PlanNotFound, plan_get
from mubiao.refusals import refusal_text
from mubiao.reporting.decomposition import (
    BaseChoice,
    DecompositionInputError,
    answer_json,
    decompose,
    parse_floor,
    parse_lock,
)


class Command(MubiaoCommand):
    help = "把一个指标的全市各年合计分解到各单位、各年（确保与力争一并），每个单元格说明来由；不写入数据库。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", nargs="?", help="规划编号或名称（只有一个规划时可省略）")
        parser.add_argument("--indicator", required=True, help="指标序号，如 3")
        parser.add_argument(
            "--method",
            choices=[s.value for s in Share],
            default=Share.PROPORTIONAL.value,
            help="份额：proportional 按基数同比例（默认），equal 平均，uplift 同比例与平均各半（低基数托底）",
        )
        parser.add_argument("--base", default="equal", help="基数：actual:2018（该年审核通过的实际值）或 equal")
        parser.add_argument("--floor", default="0", help="每个单元格的下限，如 1")
        parser.add_argument("--lock", action="append", default=[], help="锁定一个单元格：单位:年份:确保=数值，可重复")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = plan_get(options["plan"])
        except PlanNotFound as error:
            fail(str(error))
        indicator = Indicator.objects.filter(plan=plan, number=str(options["indicator"]).strip()).first()
        if indicator is None:
            fail(f"规划中没有序号为{options['indicator']}的指标")
        try:
            result = decompose(
                plan,
                indicator,
                base=BaseChoice.parse(options["base"]),
                share=Share(options["method"]),
                floor=parse_floor(options["floor"]),
                locks=dict(parse_lock(text) for text in options["lock"]),
            )
        except DecompositionInputError as error:
            fail(str(error))
        answer, findings = result.answer, result.findings
        if options["format"] == "json":
            print_json(answer_json(answer, findings))
        elif isinstance(answer, Solution):
            console().print(solution_table(indicator, answer))
            if findings:
                console().print(f"校验：{len(findings)}个问题", markup=False)
                for finding in findings:
                    console().print(f"  {finding.message}", markup=False)
            else:
                console().print("校验：分解结果通过全部规则，没有问题", markup=False)
        if isinstance(answer, Infeasible):
            for refusal in answer.problems:
                self.stderr.write(refusal_text(refusal))
            raise SystemExit(1)


def solution_table(indicator: Indicator, solution: Solution) -> Table:
    years = sorted({c.year for c in solution.cells})
    table = Table(title=escape(f"{indicator.number}. {indicator.name}（{indicator.unit_of_measure}）"))
    table.add_column("单位")
    table.add_column("级别")
    for year in years:
        table.add_column(str(year), justify="right")
    flow = bool(solution.divisors)  # a stock's years are levels: they do not add up
    if flow:
        table.add_column("合计（理想）", justify="right")
    values = {(c.unit, c.year, c.level): c for c in solution.cells}
    rows = {(m.key, m.level): m for m in solution.rows}
    for unit in dict.fromkeys(c.unit for c in solution.cells):
        for level in ("committed", "stretch"):
            cells = [values.get((unit, year, level)) for year in years]
            if not any(cells):
                continue
            marks = [
                "" if cell is None else format_decimal(cell.value) + ("*" if set(cell.tags) - _PLAIN_TAGS else "")
                for cell in cells
            ]
            margin = rows.get((unit, level))
            total = (
                "" if margin is None else f"{format_decimal(margin.value)}（{margin.ideal.quantize(Decimal('0.01'))}）"
            )
            table.add_row(escape(unit), Level(level).label, *marks, *([total] if flow else []))
    table.caption = (
        "* 未按四舍五入取整：提至下限、锁定、力争随确保提高或为满足合计而调整（--format json 给出每格的来由）"
    )
    return table


_PLAIN_TAGS = {"exact", "rounded_up", "rounded_down", "tie"}
