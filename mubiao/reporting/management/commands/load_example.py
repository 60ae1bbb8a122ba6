"""mubiao example: the bundled Liuzhou plan and its org units, loaded idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.commands import MubiaoCommand, console
from mubiao.orgunits.services import orgunit_tree_load
from mubiao.reporting.importing import import_table

PACKAGE_DIR = Path(__file__).resolve().parents[3]
EXAMPLE_TABLE = PACKAGE_DIR / "examples" / "liuzhou_2018_2022_keji.txt"
EXAMPLE_UNITS = PACKAGE_DIR / "orgunits" / "data" / "liuzhou.json"


class Command(MubiaoCommand):
    help = "载入示例：柳州市单位目录与《柳州市科技创新支撑工业高质量发展实施方案》目标分解任务表。可重复运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.command_line()
        created = orgunit_tree_load(tree=json.loads(EXAMPLE_UNITS.read_text(encoding="utf-8")), actor=actor)
        outcome = import_table(
            content=EXAMPLE_TABLE.read_bytes(),
            filename=EXAMPLE_TABLE.name,
            actor=Actor(door=Door.IMPORT, label=actor.label),
        )
        state = "已载入" if outcome.changed_anything or created else "已是最新，未作改动"
        console().print(f"示例规划“{outcome.plan.title}”（编号 {outcome.plan.pk}）{state}。", markup=False)
