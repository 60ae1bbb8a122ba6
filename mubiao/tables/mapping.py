"""The layout mapping: what the reader decided about a table's structure, and what a person may correct.

Every field left as None is detected; a field set overrides detection. The effective mapping (the
detected values filled in) is shown in the preview and printed by `mubiao import --dry-run`; saved
as JSON it can be passed back (`--mapping FILE`) so the same correction applies to the next file
drawn the same way. Rows and columns are 1-based, as a person counts them in a spreadsheet.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

LAYOUTS = ("blocks", "units_in_columns", "units_in_rows")
LAYOUT_LABELS = {
    "blocks": "分块（每个指标按年份、级别分行，单位在列）",
    "units_in_columns": "单位在列（每行一个指标）",
    "units_in_rows": "单位在行（每行一个单位，每列一个指标）",
}


class MappingError(ValueError):
    """A mapping file or form that cannot be used; the message says which field and why."""


@dataclass
class LayoutMapping:
    """How to read one table. None means "find it"; the reader reports what it found."""

    sheet: str | None = None
    layout: str | None = None
    header_rows: list[int] | None = None  # [first, last]
    label_column: int | None = None  # the column of unit names (units in rows) or indicator names
    total_rows: list[int] | None = None
    total_columns: list[int] | None = None
    part_rows: list[int] | None = None
    part_columns: list[int] | None = None
    ignore_rows: list[int] = field(default_factory=list)
    ignore_columns: list[int] = field(default_factory=list)
    year: int | None = None
    area: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> LayoutMapping:
        if not isinstance(data, dict):
            raise MappingError('映射应为一个 JSON 对象，如 {"layout": "units_in_rows", "header_rows": [3, 4]}')
        known = {spec.name for spec in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise MappingError(f"映射中有不认识的项：{'、'.join(unknown)}（可用的项：{'、'.join(sorted(known))}）")
        mapping = cls()
        for name, value in data.items():
            setattr(mapping, name, _checked(name, value))
        if mapping.header_rows is not None and (
            len(mapping.header_rows) != 2 or mapping.header_rows[0] > mapping.header_rows[1]
        ):
            raise MappingError("header_rows 应为 [首行, 末行]，如 [3, 4]")
        return mapping

    @classmethod
    def from_json(cls, text: str) -> LayoutMapping:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(f"映射文件不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from exc
        except RecursionError:
            raise MappingError("映射文件嵌套过深，不是映射文件") from None
        return cls.from_dict(data)


_ROW_LISTS = {
    "header_rows",
    "total_rows",
    "total_columns",
    "part_rows",
    "part_columns",
    "ignore_rows",
    "ignore_columns",
}


def _checked(name: str, value: Any) -> Any:
    if value is None:
        if name in {"ignore_rows", "ignore_columns"}:
            return []
        return None
    if name in _ROW_LISTS:
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise MappingError(f"{name} 应为行号或列号的列表（从1数起），如 [5, 6]")
        if any(v < 1 for v in value):
            raise MappingError(f"{name} 中的行号、列号从1数起")
        return sorted(set(value)) if name != "header_rows" else value
    if name in {"label_column", "year"}:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise MappingError(f"{name} 应为正整数")
        if name == "year" and not 1900 <= value <= 2100:
            raise MappingError("year 应为四位年份，如 2021")
        return value
    if name == "layout" and value not in LAYOUTS:
        raise MappingError(f"layout 应为 {'、'.join(LAYOUTS)} 之一")
    if not isinstance(value, str):
        raise MappingError(f"{name} 应为文字")
    return value.strip() or None
