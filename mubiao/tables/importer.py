"""The import door shared by the command line and the web: bytes in, an ImportOutcome out."""

from __future__ import annotations

from pathlib import Path

from mubiao.audit.services import Actor
from mubiao.domain.problems import Problem, TableError
from mubiao.domain.readings import TableReading
from mubiao.orgunits.models import OrgUnit
from mubiao.orgunits.selectors import area_find
from mubiao.plans.services import ImportOutcome, plan_import_table
from mubiao.tables.grid import read_text_grid
from mubiao.tables.structure import read_table

MAX_FILE_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".tsv", ".csv", ".tab", ""}


def read_file(content: bytes, filename: str) -> TableReading:
    """Understand a table file without writing anything."""
    if len(content) > MAX_FILE_BYTES:
        raise TableError(
            filename,
            [
                Problem(
                    f"文件过大（{len(content) // 1024 // 1024} MB）",
                    expected=f"不超过{MAX_FILE_BYTES // 1024 // 1024} MB",
                )
            ],
        )
    suffix = Path(filename).suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        raise TableError(
            filename,
            [Problem(f"暂不支持“{suffix}”格式", expected="制表符分隔的文本（.txt/.tsv）或 CSV（.csv）")],
        )
    return read_table(read_text_grid(content, filename))


def import_reading(
    *,
    reading: TableReading,
    content: bytes,
    filename: str,
    actor: Actor,
    area_name: str | None = None,
    create_units: bool = False,
) -> ImportOutcome:
    """Bring an understood table into its plan in one transaction; nothing is written on error."""
    area: OrgUnit | None = None
    if area_name:
        area = area_find(area_name)
        if area is None:
            raise TableError(filename, [Problem(f"找不到地区“{area_name}”", expected="已有单位的名称、简称或别名")])
    return plan_import_table(
        reading=reading,
        content=content,
        filename=Path(filename).name,
        actor=actor,
        area=area,
        create_units=create_units,
    )


def import_table(
    *,
    content: bytes,
    filename: str,
    actor: Actor,
    area_name: str | None = None,
    create_units: bool = False,
) -> ImportOutcome:
    """Read a table file and bring it into its plan; nothing is written on error."""
    return import_reading(
        reading=read_file(content, filename),
        content=content,
        filename=filename,
        actor=actor,
        area_name=area_name,
        create_units=create_units,
    )
