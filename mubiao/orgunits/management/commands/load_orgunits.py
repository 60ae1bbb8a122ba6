"""mubiao orgunits FILE.json: load a directory of org units (a nested tree), idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from mubiao.audit.services import Actor
from mubiao.commands import MubiaoCommand, console, fail
from mubiao.domain.names import names_listed
from mubiao.orgunits.services import orgunit_tree_load


class Command(MubiaoCommand):
    help = "载入单位目录（JSON 树：name、short_name、code、kind、aliases、children）。重复载入不产生变化。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="单位目录 JSON 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            tree = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            fail(f"{path}：文件不存在")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            fail(f"{path}：不是有效的 JSON（{error}）")
        except RecursionError:
            fail(f"{path}：JSON 嵌套过深，不是单位目录")
        try:
            created = orgunit_tree_load(tree=tree, actor=Actor.command_line())
        except (KeyError, ValueError) as error:
            fail(f"{path}：单位目录格式不对（{error}）")
        listed = "：" + names_listed([unit.name for unit in created]) if created else ""
        console().print(f"新建单位 {len(created)} 个{listed}", markup=False)
