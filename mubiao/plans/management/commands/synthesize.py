"""mubiao synthesize: a synthetic province of test data (cities, counties, plans, targets, monthly actuals)."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from mubiao.audit.services import Actor
from mubiao.commands import MubiaoCommand, console, fail, print_json
from mubiao.synthetic import (
    DEFAULT_PROVINCE,
    DEFAULT_SEED,
    ProvinceExists,
    SynthesisSpec,
    expected_counts,
    parse_years,
    synthesize_province,
)

_LABELS = {
    "org_units": "单位",
    "plans": "规划",
    "plan_units": "规划单位列",
    "indicators": "指标",
    "milestones": "里程碑",
    "targets": "目标值",
    "actuals": "实际值（月度）",
}


class Command(MubiaoCommand):
    help = (
        "生成合成测试数据：一个省、若干市（各一个规划）及其各县，确保与力争目标、逐月实际值"
        "（流量为年内累计，存量为水平值）。仅供测试与性能基准，不是真实数据：全部写入一个事务，"
        "只记一条审计记录（原因“合成测试数据”），不逐值审计。同一种子生成相同的数据；"
        "同名的省已存在时拒绝执行，不作任何改动。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", default=DEFAULT_PROVINCE, help=f"省名（默认 {DEFAULT_PROVINCE}）")
        parser.add_argument("--cities", type=int, default=14, help="市的个数（默认 14）")
        parser.add_argument("--units", type=int, default=10, help="每市的县数（默认 10）")
        parser.add_argument("--indicators", type=int, default=50, help="每个规划的指标数（默认 50）")
        parser.add_argument("--years", default="2018-2022", help="规划年限（默认 2018-2022）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument("--no-milestones", action="store_true", help="不生成里程碑")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        try:
            start, end = parse_years(options["years"])
            spec = SynthesisSpec(
                province=options["province"].strip(),
                cities=options["cities"],
                units=options["units"],
                indicators=options["indicators"],
                start_year=start,
                end_year=end,
                seed=options["seed"],
                milestones=not options["no_milestones"],
            )
        except ValueError as error:
            fail(str(error), as_json)
        expected = expected_counts(spec)
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
            disable=as_json,
        )
        started = time.perf_counter()
        try:
            with progress:
                task = progress.add_task(f"合成{spec.province}", total=1 + spec.cities)

                def advance(description: str) -> None:
                    progress.update(task, description=f"合成{spec.province}：{description}")
                    progress.advance(task)

                outcome = synthesize_province(spec, actor=Actor.command_line(), progress=advance)
        except ProvinceExists as error:
            fail(str(error), as_json)
        seconds = time.perf_counter() - started
        if outcome.counts != expected:  # pragma: no cover - a bug in the generator, not a user error
            fail(f"写入的行数与预期不符：{outcome.counts} ≠ {expected}", as_json)
        if as_json:
            print_json(
                {
                    "province": {"id": outcome.province.pk, "name": outcome.province.name},
                    "plans": [plan.pk for plan in outcome.plans],
                    "seed": spec.seed,
                    "years": [spec.start_year, spec.end_year],
                    "counts": outcome.counts,
                    "seconds": round(seconds, 3),
                }
            )
            return
        out = console()
        where = f"编号 {outcome.province.pk}，种子 {spec.seed}"
        out.print(f"已生成合成测试数据“{spec.province}”（{where}），用时 {seconds:.1f} 秒：", markup=False)
        for key, label in _LABELS.items():
            out.print(f"  {label}：{outcome.counts[key]:,}")
