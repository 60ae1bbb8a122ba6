"""Shared fixtures: the seed table, the Liuzhou org units, the imported example plan.

Browser tests (marked `browser`) need Debian's Chromium at /usr/bin/chromium. Without it they are
skipped and the summary says why — unless MUBIAO_REQUIRE_BROWSER=1 (as in CI), where a missing
browser is a failure rather than a silent skip.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mubiao.audit.models import Door
from mubiao.audit.services import Actor

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "mubiao"
SEED_PATH = PACKAGE_DIR / "examples" / "liuzhou_2018_2022_keji.txt"
LIUZHOU_UNITS = PACKAGE_DIR / "orgunits" / "data" / "liuzhou.json"
CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("MUBIAO_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"MUBIAO_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: install Debian's chromium")
    skip = pytest.mark.skip(reason=f"Chromium 未安装（{CHROMIUM}）：跳过浏览器测试")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED_PATH.read_bytes()


@pytest.fixture
def actor() -> Actor:
    return Actor(door=Door.CLI, label="tester（命令行）")


@pytest.fixture
def liuzhou(db, actor):
    """柳州市 and its 12 units, with full names, codes and aliases."""
    from mubiao.orgunits.models import OrgUnit
    from mubiao.orgunits.services import orgunit_tree_load

    orgunit_tree_load(tree=json.loads(LIUZHOU_UNITS.read_text(encoding="utf-8")), actor=actor)
    return OrgUnit.objects.get(code="450200")


@pytest.fixture
def seed_plan(liuzhou, seed_bytes, actor):
    """The seed table imported into its plan."""
    from mubiao.tables.importer import import_table

    return import_table(content=seed_bytes, filename=SEED_PATH.name, actor=actor).plan
