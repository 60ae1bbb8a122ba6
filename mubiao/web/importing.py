"""The web import page's helpers: where uploads wait for their commit, the mapping form, the preview shaped for
the template.

An upload is kept server-side between the preview and the commit, never round-tripped through the browser:
its bytes are written under settings.IMPORT_UPLOAD_ROOT (outside the web root) by their SHA-256, and the
session remembers which hashes this administrator uploaded and under what name. The commit re-reads the
stored bytes and understands them again with the submitted mapping, so what is written is what the server
understood, whatever the page sent back.

The mapping form speaks the person's terms: rows and columns 1-based, lists as "5, 6" or "5-7", "无" for
"none" and a blank field for "detect". Each field is checked on its own, so one bad entry leaves the others
in force and is reported next to its field.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mubiao.domain.names import names_listed
from mubiao.domain.numbers import format_decimal
from mubiao.domain.problems import Problem
from mubiao.files import write_whole
from mubiao.plans.importing import ImportPreview
from mubiao.plans.services import IndicatorChange
from mubiao.reporting.models import ActualStatus
from mubiao.reporting.workflow import FigureChange, FigureConflict
from mubiao.tables.mapping import LAYOUT_LABELS, LayoutMapping, MappingError
from mubiao.tables.understanding import CellTag, Understanding
from mubiao.web.presenters import row_label, rule_label, severity_label

#: The preview draws at most this many rows and columns of the sheet; the counts always cover all of it.
SHOWN_ROWS = 200
SHOWN_COLUMNS = 100

#: A request may carry this much besides the file itself (the boundary lines, the CSRF token, the area).
FORM_OVERHEAD_BYTES = 64 * 1024

#: A saved mapping is a few hundred bytes of JSON; anything much larger is not one.
MAX_MAPPING_BYTES = 64 * 1024

#: Stored uploads older than this are removed when the next one arrives (the session lasts a working day).
PENDING_MAX_AGE_SECONDS = 24 * 60 * 60

#: The session remembers this many uploads; older ones are forgotten (their bytes are pruned by age).
SESSION_KEY = "mubiao_pending_imports"
SESSION_REMEMBERS = 10

SHA256 = re.compile(r"[0-9a-f]{64}")

# -- labels in the words of the UI (the engine's own labels are Chinese only) ---------------------------

LAYOUT_CHOICES: dict[str, Promise] = {
    "blocks": gettext_lazy("分块（每个指标按年份、级别分行，单位在列）"),
    "units_in_columns": gettext_lazy("单位在列（每行一个指标）"),
    "units_in_rows": gettext_lazy("单位在行（每行一个单位，每列一个指标）"),
}
LAYOUT_SHORT: dict[str, Promise] = {
    "blocks": gettext_lazy("分块"),
    "units_in_columns": gettext_lazy("单位在列"),
    "units_in_rows": gettext_lazy("单位在行"),
}
ROW_ROLES: dict[str, Promise] = {
    "title": gettext_lazy("标题"),
    "units_line": gettext_lazy("单位行"),
    "header": gettext_lazy("表头"),
    "data": gettext_lazy("数据"),
    "total": gettext_lazy("合计"),
    "part": gettext_lazy("其中项"),
    "note": gettext_lazy("备注"),
    "text": gettext_lazy("文字"),
    "blank": gettext_lazy("空行"),
    "ignored": gettext_lazy("忽略"),
}
COLUMN_ROLES: dict[str, Promise] = {
    "number": gettext_lazy("序号"),
    "label": gettext_lazy("名称"),
    "unit_of_measure": gettext_lazy("计量单位"),
    "year": gettext_lazy("年份"),
    "level": gettext_lazy("级别"),
    "value": gettext_lazy("数值"),
    "total": gettext_lazy("合计"),
    "part": gettext_lazy("其中项"),
    "goal": gettext_lazy("完成目标"),
    "responsible": gettext_lazy("责任单位"),
    "remark": gettext_lazy("备注"),
    "text": gettext_lazy("文字"),
    "ignored": gettext_lazy("忽略"),
}


def layout_label(layout: str) -> str:
    return str(LAYOUT_CHOICES.get(layout, LAYOUT_LABELS.get(layout, layout)))


# -- the store of uploads waiting for their commit ------------------------------------------------------


def upload_root() -> Path:
    return Path(settings.IMPORT_UPLOAD_ROOT)


def _pending_path(sha256: str) -> Path:
    if not SHA256.fullmatch(sha256):
        raise ValueError("not a SHA-256")
    return upload_root() / sha256[:2] / sha256


def pending_store(content: bytes) -> str:
    """Keep the bytes under IMPORT_UPLOAD_ROOT by their SHA-256 (once per content); returns the hash."""
    sha256 = hashlib.sha256(content).hexdigest()
    path = _pending_path(sha256)
    pending_prune()
    if path.exists():
        path.touch()  # the clock of the pruning starts again
    else:
        write_whole(path, content)
    return sha256


def pending_bytes(sha256: str) -> bytes | None:
    """The stored bytes, or None when they are gone (pruned) or no longer match their hash."""
    try:
        content = _pending_path(sha256).read_bytes()
    except (ValueError, OSError):
        return None
    if hashlib.sha256(content).hexdigest() != sha256:
        return None
    return content


def pending_prune(max_age: float = PENDING_MAX_AGE_SECONDS) -> int:
    """Remove stored uploads nobody has touched for max_age seconds; returns how many."""
    root = upload_root()
    if not root.is_dir():
        return 0
    oldest = time.time() - max_age
    removed = 0
    for path in root.glob("??/*"):
        try:
            if path.is_file() and path.stat().st_mtime < oldest:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def session_remember(session: SessionBase, sha256: str, filename: str) -> None:
    pending = {key: value for key, value in session.get(SESSION_KEY, {}).items() if key != sha256}
    pending[sha256] = filename
    session[SESSION_KEY] = dict(list(pending.items())[-SESSION_REMEMBERS:])


def session_filename(session: SessionBase, sha256: str) -> str | None:
    """The name this session uploaded these bytes under; None when it did not upload them."""
    name = session.get(SESSION_KEY, {}).get(sha256)
    return name if isinstance(name, str) else None


def session_forget(session: SessionBase, sha256: str) -> None:
    pending = dict(session.get(SESSION_KEY, {}))
    if pending.pop(sha256, None) is not None:
        session[SESSION_KEY] = pending


# -- upload size, before the body is read ---------------------------------------------------------------


def declared_length(meta: Mapping[str, Any]) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


class CappedUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file once it passes the limit, whatever the request's length claimed.

    Django keeps no limit on files (DATA_UPLOAD_MAX_MEMORY_SIZE counts only the other fields); this handler,
    first in the request's list, stops the upload as soon as a file grows past `limit`, and `exceeded` tells
    the view so. The rest of the body is read and dropped, never kept.
    """

    def __init__(self, limit: int, request: Any = None) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers after this one keep the file


def clean_filename(name: str) -> str:
    """The name without any directory part (either slash), trimmed to fit the SourceFile column."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()
    if len(name) > 200:
        stem, suffix = os.path.splitext(name)
        name = stem[: 200 - len(suffix)] + suffix
    return name


# -- the mapping form ---------------------------------------------------------------------------------

#: The form's fields, in the order of the form; each is a LayoutMapping field but for the header's two.
MAPPING_FIELDS = (
    "layout",
    "sheet",
    "header_first",
    "header_last",
    "label_column",
    "total_rows",
    "total_columns",
    "part_rows",
    "part_columns",
    "ignore_rows",
    "ignore_columns",
    "year",
    "area",
)
LIST_FIELDS = ("total_rows", "total_columns", "part_rows", "part_columns", "ignore_rows", "ignore_columns")
NUMBER_FIELDS = ("header_first", "header_last", "label_column", "year")
#: What a person types for "there are none" (a blank field means "find them").
NONE_WORDS = {"无", "没有", "none", "-", "—", "/"}
#: A range longer than this is not a list of rows anyone means.
MAX_RANGE = 10_000


class FieldError(ValueError):
    """A form value that cannot be used; the message says why, in the words of the UI."""


def parse_numbers(text: str) -> list[int] | None:
    """ "5, 6" → [5, 6]; "5-7" → [5, 6, 7]; "无" → [] (none); "" → None (detect). Full-width forms too."""
    text = text.strip()
    if not text:
        return None
    if text.lower() in NONE_WORDS:
        return []
    text = re.sub(r"\s*([-–—~～至到])\s*", r"\1", text)
    numbers: list[int] = []
    for part in re.split(r"[,，、;；\s]+", text):
        if not part:
            continue
        span = re.fullmatch(r"(\d+)[-–—~～至到](\d+)", part)
        if span:
            first, last = int(span.group(1)), int(span.group(2))
            if first > last or last - first > MAX_RANGE:
                raise FieldError(_("范围“%(range)s”无效：应从小到大，如 5-7") % {"range": part})
            numbers.extend(range(first, last + 1))
        elif part.isdigit():
            numbers.append(int(part))
        else:
            raise FieldError(
                _("“%(part)s”不是行号或列号：请填写从1数起的数字，用逗号分隔，如 5, 6 或 5-7") % {"part": part}
            )
    if any(number < 1 for number in numbers):
        raise FieldError(_("行号、列号从1数起"))
    return sorted(set(numbers))


def parse_number(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise FieldError(_("“%(text)s”不是正整数") % {"text": text})
    return int(text)


@dataclass
class MappingForm:
    """What the person typed, what it means as a mapping, and what could not be used (field → message)."""

    values: dict[str, str]
    mapping: LayoutMapping
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> str:
        return urlencode({name: value for name, value in self.values.items() if value})

    @property
    def hidden(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self.values.items() if value]


def mapping_form(data: Mapping[str, Any]) -> MappingForm:
    """Read the mapping fields of a request; a field that fails is reported and left to detection."""
    values = {name: str(data.get(name, "") or "").strip()[:2000] for name in MAPPING_FIELDS}
    errors: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    for name in LIST_FIELDS:
        try:
            numbers = parse_numbers(values[name])
        except FieldError as error:
            errors[name] = str(error)
            continue
        if numbers is not None:
            chosen[name] = numbers
    numbers_typed: dict[str, int] = {}
    for name in NUMBER_FIELDS:
        try:
            number = parse_number(values[name])
        except FieldError as error:
            errors[name] = str(error)
            continue
        if number is not None:
            numbers_typed[name] = number
    for name in ("label_column", "year"):
        if name in numbers_typed:
            chosen[name] = numbers_typed[name]
    first, last = numbers_typed.get("header_first"), numbers_typed.get("header_last")
    if first is not None or last is not None:
        first, last = first or last, last or first
        chosen["header_rows"] = [first, last]
    if values["layout"]:
        chosen["layout"] = values["layout"]
    for name in ("sheet", "area"):
        if values[name]:
            chosen[name] = values[name]
    mapping = LayoutMapping()
    for name, value in chosen.items():
        try:
            single = LayoutMapping.from_dict({name: value})
        except MappingError as error:
            errors["header_first" if name == "header_rows" else name] = _mapping_message(name, str(error))
            continue
        setattr(mapping, name, getattr(single, name))
    return MappingForm(values=values, mapping=mapping, errors=errors)


def _mapping_message(name: str, message: str) -> str:
    if name == "header_rows":
        return _("表头首行不能在末行之后")
    if name == "layout":
        return _("请选择表格结构")
    if name == "year":
        return _("年份应为四位数，如 2021")
    return message


def mapping_values(mapping: LayoutMapping) -> dict[str, str]:
    """A saved mapping (as `mubiao import --save-mapping` writes it) as the form's values."""
    values = dict.fromkeys(MAPPING_FIELDS, "")
    values["layout"] = mapping.layout or ""
    values["sheet"] = mapping.sheet or ""
    values["area"] = mapping.area or ""
    if mapping.header_rows:
        values["header_first"], values["header_last"] = (str(row) for row in mapping.header_rows)
    for name in ("label_column", "year"):
        value = getattr(mapping, name)
        values[name] = str(value) if value is not None else ""
    for name in LIST_FIELDS:
        numbers = getattr(mapping, name)
        if numbers:
            values[name] = ", ".join(str(number) for number in numbers)
        elif numbers == [] and not name.startswith("ignore_"):
            values[name] = "无"
    return values


def values_query(values: Mapping[str, str]) -> str:
    return urlencode({name: value for name, value in values.items() if value})


# -- the preview, shaped for the template -------------------------------------------------------------


@dataclass
class GridCell:
    text: str
    row: int
    column: int
    rowspan: int = 1
    colspan: int = 1
    kind: str = ""  # value / total / part, or "" for a cell that became no figure
    mark: str = ""  # ok / bad: a total that does or does not reconcile
    units_sum: str = ""
    problem: bool = False
    title: str = ""
    heading: str = ""
    detail: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"cell-{self.row}-{self.column}"

    @property
    def detail_text(self) -> str:
        return "\n".join(self.detail)

    @property
    def length_class(self) -> str:
        """Short texts stay on one line; long ones get room to wrap instead of a column one character wide."""
        if len(self.text) <= 6 and "\n" not in self.text:
            return "g-short"
        return "g-long" if len(self.text) > 12 else ""


@dataclass
class GridRow:
    number: int
    role: str
    role_label: str
    cells: list[GridCell]
    problem: bool = False


@dataclass
class GridColumn:
    number: int
    role: str
    role_label: str
    problem: bool = False


@dataclass
class ProblemItem:
    text: str
    place: str
    expected: str
    anchor: str  # "" when the place is not drawn


@dataclass
class FindingItem:
    severity: str
    severity_label: str
    rule_label: str
    message: str


@dataclass
class NewUnit:
    name: str
    suggestions: list[str]


@dataclass(frozen=True)
class ConflictItem:
    """A reported figure the table differs from; the import keeps the reported one."""

    unit: str
    indicator: str
    period: str
    table_period: str
    table_value: str
    reported_value: str
    status: str
    status_label: str
    place: str
    anchor: str


@dataclass(frozen=True)
class ChangeItem:
    """An imported actual value the commit would change (or clear: `after` is —)."""

    unit: str
    indicator: str
    period: str
    before: str
    after: str
    cleared: bool


INDICATOR_FIELD_LABELS: dict[str, Promise] = {
    "name": gettext_lazy("名称"),
    "unit_of_measure": gettext_lazy("计量单位"),
    "goal_text": gettext_lazy("完成目标"),
}


@dataclass(frozen=True)
class IndicatorChangeItem:
    """A field of a stored indicator the commit would change: figures reported against it stay its own."""

    indicator: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class TargetChangeItem:
    """A stored target the commit would change (or clear)."""

    indicator: str
    unit: str
    year: int
    level: str
    before: str
    after: str
    cleared: bool


def indicator_change_items(changes: Iterable[IndicatorChange]) -> list[IndicatorChangeItem]:
    return [
        IndicatorChangeItem(
            indicator=f"{change.number}. {change.indicator}",
            label=str(INDICATOR_FIELD_LABELS[change.field]),
            before=change.before or "—",
            after=change.after or "—",
        )
        for change in changes
    ]


def change_items(changes: Iterable[FigureChange]) -> list[ChangeItem]:
    return [
        ChangeItem(
            unit=change.unit,
            indicator=f"{change.indicator_number}. {change.indicator}",
            period=change.period,
            before=format_decimal(change.before) or "—",
            after=format_decimal(change.after) or "—",
            cleared=change.after is None,
        )
        for change in changes
    ]


def conflict_items(conflicts: Iterable[FigureConflict]) -> list[ConflictItem]:
    """The conflicts as the preview and the commit's summary show them: blank figures as —."""
    items = []
    for conflict in conflicts:
        try:
            status_label = str(ActualStatus(conflict.status).label)
        except ValueError:
            status_label = conflict.status
        located = conflict.row is not None and conflict.column is not None
        items.append(
            ConflictItem(
                unit=conflict.unit,
                indicator=f"{conflict.indicator_number}. {conflict.indicator}",
                period=conflict.period,
                table_period=conflict.table_period,
                table_value=format_decimal(conflict.table_value) or "—",
                reported_value=format_decimal(conflict.reported_value) or "—",
                status=conflict.status,
                status_label=status_label,
                place=_("第%(row)s行第%(column)s列") % {"row": conflict.row, "column": conflict.column}
                if located
                else "",
                anchor=f"cell-{conflict.row}-{conflict.column}" if located else "",
            )
        )
    return items


def conflict_text(item: ConflictItem) -> str:
    """One conflict in a sentence, for the message after a commit."""
    return _("%(unit)s · %(indicator)s · %(period)s：表中 %(table)s，已填报 %(reported)s（%(status)s），保留填报值") % {
        "unit": item.unit,
        "indicator": item.indicator,
        "period": item.period,
        "table": item.table_value,
        "reported": item.reported_value,
        "status": item.status_label,
    }


@dataclass
class PreviewPage:
    filename: str
    sheet: str
    sheets: list[str]
    layout: str
    layout_label: str
    title: str
    area_name: str
    area_exists: bool
    years: str
    unit_count: int
    indicator_count: int
    value_count: int
    level_counts: list[tuple[str, int]]
    reconciled: int
    unreconciled: int
    finding_counts: dict[str, int]
    problems: list[ProblemItem]
    proposals: list[str]
    notes: list[str]
    findings: list[FindingItem]
    new_units: list[NewUnit]
    needs_confirmation: bool
    can_commit: bool
    columns: list[GridColumn]
    rows: list[GridRow]
    row_total: int
    column_total: int
    detected: dict[str, str]
    #: Reported figures the table's 实际 rows differ from: listed, and kept as reported on import.
    conflicts: list[ConflictItem] = field(default_factory=list)
    #: Imported figures (from an earlier table) the commit would change or clear.
    actual_changes: list[ChangeItem] = field(default_factory=list)
    #: Fields of the stored plan's indicators the commit would change (a new name, unit, goal).
    indicator_changes: list[IndicatorChangeItem] = field(default_factory=list)
    #: Stored targets the commit would change or clear.
    target_changes: list[TargetChangeItem] = field(default_factory=list)
    #: How many values the commit would create, update, clear and leave as they are.
    commit_counts: dict[str, int] = field(default_factory=dict)

    @property
    def commit_changes_nothing(self) -> bool:
        counts = self.commit_counts
        return not (counts.get("created") or counts.get("updated") or counts.get("cleared"))

    @property
    def rows_cut(self) -> bool:
        return self.row_total > len(self.rows)

    @property
    def columns_cut(self) -> bool:
        return self.column_total > len(self.columns)


def _cell_words() -> dict[str, str]:
    """The tooltip's phrases, translated once per page: a lookup per cell costs more than the rest of the page."""
    return {
        "place": _("第%(row)s行第%(column)s列"),
        "indicator": _("指标：%(number)s. %(name)s"),
        "unit": _("单位：%(unit)s"),
        "year": _("年份：%(year)s年"),
        "level": _("级别：%(level)s"),
        "part": _("其中项：不计入合计"),
        "total": _("合计"),
        "ok": _("✓ 与各单位之和相符（%(sum)s）"),
        "bad": _("✗ 合计 %(total)s，各单位之和 %(sum)s"),
        "problem": _("问题：%(message)s"),
        **{f"level-{level}": row_label(level) for level in ("committed", "stretch", "actual")},
    }


def _tag_lines(tag: CellTag, words: Mapping[str, str]) -> list[str]:
    lines = [
        words["indicator"] % {"number": tag.indicator_number, "name": tag.indicator_name},
        words["unit"] % {"unit": words["total"] if tag.is_total else tag.unit},
        words["year"] % {"year": tag.year},
        words["level"] % {"level": words.get(f"level-{tag.level}", tag.level)},
    ]
    if tag.is_part:
        lines.append(words["part"])
    return lines


def _place(problem: Problem) -> str:
    if problem.row is not None and problem.column is not None:
        return _("第%(row)s行第%(column)s列") % {"row": problem.row, "column": problem.column}
    if problem.row is not None:
        return _("第%(row)s行") % {"row": problem.row}
    if problem.column is not None:
        return _("第%(column)s列") % {"column": problem.column}
    return ""


def _problem_text(problem: Problem) -> str:
    text = problem.message
    if problem.expected:
        text += _("（应为：%(expected)s）") % {"expected": problem.expected}
    return text


def _numbers(items: list[int] | None) -> str:
    return ", ".join(str(item) for item in items) if items else ""


def detected_values(understanding: Understanding, preview: ImportPreview) -> dict[str, str]:
    """The effective mapping as the form shows it, as placeholders: what a blank field stands for."""
    mapping = understanding.mapping
    none = _("无")
    header = mapping.header_rows or []
    return {
        "layout": layout_label(understanding.layout),
        "sheet": understanding.grid.sheet,
        "header_first": str(header[0]) if header else "",
        "header_last": str(header[1]) if header else "",
        "label_column": str(mapping.label_column or ""),
        "total_rows": _numbers(mapping.total_rows) or (none if mapping.total_rows == [] else ""),
        "total_columns": _numbers(mapping.total_columns) or (none if mapping.total_columns == [] else ""),
        "part_rows": _numbers(mapping.part_rows) or (none if mapping.part_rows == [] else ""),
        "part_columns": _numbers(mapping.part_columns) or (none if mapping.part_columns == [] else ""),
        "ignore_rows": _numbers(mapping.ignore_rows) or none,
        "ignore_columns": _numbers(mapping.ignore_columns) or none,
        "year": str(mapping.year or (understanding.reading.start_year if understanding.reading else "") or ""),
        "area": preview.area_name,
    }


def commit_counts(preview: ImportPreview, actual_counts: Mapping[str, int] | None) -> dict[str, int]:
    """How many values (targets and 实际 figures) the commit would create, update, clear and leave,
    as the preview decided them; into a plan not stored yet, every value is new."""
    reading = preview.reading
    values = reading.values if reading else []
    if preview.target_counts is None:
        return {"created": len(values), "updated": 0, "cleared": 0, "unchanged": 0}
    actuals = actual_counts or {}
    return {key: preview.target_counts[key] + actuals.get(key, 0) for key in preview.target_counts}


def preview_page(
    preview: ImportPreview,
    filename: str,
    conflicts: Iterable[FigureConflict] = (),
    changes: Iterable[FigureChange] = (),
    actual_counts: Mapping[str, int] | None = None,
) -> PreviewPage:
    """Everything the preview shows, worked out here so the template only lays it out.

    `conflicts` are the reported figures the table differs from, `changes` the imported figures the
    commit would change or clear, `actual_counts` how many of each (all three from `preview_actuals`).
    """
    understanding = preview.understanding
    reading = understanding.reading
    grid = understanding.grid
    row_total, column_total = len(grid.rows), grid.width
    shown_rows, shown_columns = min(row_total, SHOWN_ROWS), min(column_total, SHOWN_COLUMNS)

    problem_cells: dict[tuple[int, int], list[str]] = {}
    problem_rows: set[int] = set()
    problem_columns: set[int] = set()
    for problem in understanding.problems:
        if problem.row is not None and problem.column is not None:
            problem_cells.setdefault((problem.row, problem.column), []).append(_problem_text(problem))
        elif problem.row is not None:
            problem_rows.add(problem.row)
        elif problem.column is not None:
            problem_columns.add(problem.column)
    checks = {(r.row, r.column): r for r in understanding.reconciliations}
    words = _cell_words()

    # Merged ranges, 1-based: origin → (rowspan, colspan) as drawn, and every covered cell to skip.
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for top, left, bottom, right in grid.merges:
        origin = (top + 1, left + 1)
        if origin[0] > shown_rows or origin[1] > shown_columns:
            continue
        spans[origin] = (min(bottom + 1, shown_rows) - top, min(right + 1, shown_columns) - left)
        for row in range(top + 1, min(bottom + 1, shown_rows) + 1):
            for column in range(left + 1, min(right + 1, shown_columns) + 1):
                if (row, column) != origin:
                    covered[(row, column)] = origin

    rows: list[GridRow] = []
    for number in range(1, shown_rows + 1):
        cells: list[GridCell] = []
        for column in range(1, shown_columns + 1):
            if (number, column) in covered:
                continue
            rowspan, colspan = spans.get((number, column), (1, 1))
            cell = GridCell(
                text=grid.cell(number - 1, column - 1).strip(),
                row=number,
                column=column,
                rowspan=rowspan,
                colspan=colspan,
            )
            _describe_cell(cell, understanding.tags.get((number, column)), checks, problem_cells, words)
            cells.append(cell)
        role = understanding.row_roles.get(number, "")
        rows.append(
            GridRow(
                number=number,
                role=role,
                role_label=str(ROW_ROLES.get(role, role)),
                cells=cells,
                problem=number in problem_rows,
            )
        )
    columns = [
        GridColumn(
            number=column,
            role=understanding.column_roles.get(column, ""),
            role_label=str(COLUMN_ROLES.get(understanding.column_roles.get(column, ""), "")),
            problem=column in problem_columns,
        )
        for column in range(1, shown_columns + 1)
    ]

    shown = set(covered) | {(row.number, cell.column) for row in rows for cell in row.cells}
    problems = []
    for problem in understanding.problems:
        anchor = ""
        if problem.row is not None and problem.column is not None:
            place = covered.get((problem.row, problem.column), (problem.row, problem.column))
            if (problem.row, problem.column) in shown:
                anchor = f"cell-{place[0]}-{place[1]}"
        elif problem.row is not None and problem.row <= shown_rows:
            anchor = f"grid-row-{problem.row}"
        elif problem.column is not None and problem.column <= shown_columns:
            anchor = f"grid-col-{problem.column}"
        problems.append(ProblemItem(problem.message, _place(problem), problem.expected, anchor))

    findings = [
        FindingItem(
            severity=finding.severity.value,
            severity_label=severity_label(finding.severity.value),
            rule_label=rule_label(finding.rule),
            message=finding.message,
        )
        for finding in understanding.findings
    ]
    levels = Counter(value.level for value in reading.values) if reading else Counter()
    needs_confirmation = preview.area_exists and bool(preview.new_units)
    return PreviewPage(
        filename=filename,
        sheet=grid.sheet,
        sheets=understanding.sheets,
        layout=understanding.layout,
        layout_label=str(LAYOUT_SHORT.get(understanding.layout, understanding.layout)),
        title=reading.title if reading else "",
        area_name=preview.area_name,
        area_exists=preview.area_exists,
        years=(
            ""
            if reading is None
            else str(reading.start_year)
            if reading.start_year == reading.end_year
            else f"{reading.start_year}—{reading.end_year}"
        ),
        unit_count=len(reading.units) if reading else 0,
        indicator_count=len(reading.indicators) if reading else 0,
        value_count=len(reading.values) if reading else 0,
        level_counts=[(row_label(level), count) for level, count in sorted(levels.items())],
        reconciled=len(understanding.reconciliations) - len(understanding.unreconciled),
        unreconciled=len(understanding.unreconciled),
        finding_counts=dict(Counter(finding.severity for finding in findings)),
        problems=problems,
        proposals=list(understanding.proposals),
        notes=list(reading.notes) if reading else [],
        findings=findings,
        new_units=[NewUnit(name, preview.suggestions.get(name, [])) for name in preview.new_units],
        needs_confirmation=needs_confirmation,
        can_commit=understanding.can_commit,
        columns=columns,
        rows=rows,
        row_total=row_total,
        column_total=column_total,
        detected=detected_values(understanding, preview),
        conflicts=conflict_items(conflicts),
        actual_changes=change_items(changes),
        indicator_changes=indicator_change_items(preview.indicator_changes),
        commit_counts=commit_counts(preview, actual_counts),
        target_changes=[
            TargetChangeItem(
                indicator=change.indicator,
                unit=change.unit,
                year=change.year,
                level=row_label(change.level),
                before=format_decimal(change.before) or "—",
                after=format_decimal(change.after) or "—",
                cleared=change.after is None,
            )
            for change in preview.target_changes
        ],
    )


def _describe_cell(
    cell: GridCell,
    tag: CellTag | None,
    checks: Mapping[tuple[int, int], Any],
    problem_cells: Mapping[tuple[int, int], list[str]],
    words: Mapping[str, str],
) -> None:
    """The cell's kind, its reconciliation mark, its problems and the lines of its tooltip and popover."""
    lines: list[str] = []
    if tag is not None:
        cell.kind = "total" if tag.is_total else ("part" if tag.is_part else "value")
        lines += _tag_lines(tag, words)
    check = checks.get((cell.row, cell.column))
    if check is not None:
        cell.units_sum = format_decimal(check.units_sum)
        if check.reconciles:
            cell.mark = "ok"
            lines.append(words["ok"] % {"sum": cell.units_sum})
        else:
            cell.mark = "bad"
            lines.append(words["bad"] % {"total": format_decimal(check.total), "sum": cell.units_sum})
    for message in problem_cells.get((cell.row, cell.column), []):
        cell.problem = True
        lines.append(words["problem"] % {"message": message})
    if lines:
        place = words["place"] % {"row": cell.row, "column": cell.column}
        cell.heading = place
        cell.detail = lines
        cell.title = place + "\n" + "\n".join(lines)


def plan_message(outcome: Any) -> str:
    """The Django message after a commit: 已导入：title（新增 N，修改 N，清空 N，未变 N）."""
    counts = outcome.counts
    text = _("已导入：%(title)s（新增 %(created)s，修改 %(updated)s，清空 %(cleared)s，未变 %(unchanged)s）") % {
        "title": outcome.plan.title,
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "cleared": counts.get("cleared", 0),
        "unchanged": counts.get("unchanged", 0),
    }
    if outcome.created_units:
        names = [unit.name for unit in outcome.created_units]
        text += _("；新建单位：%(units)s") % {"units": names_listed(names, more=str(_("…等{count}个")))}
    if outcome.indicator_changes:
        text += _("；修改已有指标 %(count)s 处") % {"count": len(outcome.indicator_changes)}
    if outcome.conflicts:
        text += _("；与已填报数据不一致 %(count)s 处，已保留填报值") % {"count": len(outcome.conflicts)}
    if outcome.file_seen_before:
        text += _("；此文件（相同内容）以前已导入过")
    return text


# -- the mapping form's fields, as the template lays them out ----------------------------------------

FIELD_LABELS: dict[str, Promise] = {
    "layout": gettext_lazy("表格结构"),
    "sheet": gettext_lazy("工作表"),
    "header_first": gettext_lazy("表头首行"),
    "header_last": gettext_lazy("表头末行"),
    "label_column": gettext_lazy("名称列"),
    "total_rows": gettext_lazy("合计行"),
    "total_columns": gettext_lazy("合计列"),
    "part_rows": gettext_lazy("其中行（不计入合计）"),
    "part_columns": gettext_lazy("其中列（不计入合计）"),
    "ignore_rows": gettext_lazy("忽略的行"),
    "ignore_columns": gettext_lazy("忽略的列"),
    "year": gettext_lazy("年份"),
    "area": gettext_lazy("所属地区"),
}


@dataclass
class FormField:
    name: str
    label: str
    value: str
    placeholder: str
    error: str = ""
    kind: str = "text"  # text, number or select
    options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"id_{self.name}"


def form_fields(form: MappingForm, page: PreviewPage) -> list[FormField]:
    """The mapping form's fields: what was typed as the value, what was detected as the placeholder."""
    fields_: list[FormField] = []
    for name in MAPPING_FIELDS:
        label = str(FIELD_LABELS[name])
        value, detected, error = form.values[name], page.detected.get(name, ""), form.errors.get(name, "")
        if name == "layout":
            auto = _("自动识别（当前：%(layout)s）") % {"layout": page.layout_label}
            options = [("", auto), *((key, str(text)) for key, text in LAYOUT_CHOICES.items())]
            fields_.append(FormField(name, label, value, "", error, "select", options))
        elif name == "sheet":
            if len(page.sheets) > 1 or value:
                auto = _("自动选择（当前：%(sheet)s）") % {"sheet": page.sheet}
                options = [("", auto), *((sheet, sheet) for sheet in page.sheets)]
                fields_.append(FormField(name, label, value, "", error, "select", options))
        elif name in NUMBER_FIELDS:
            fields_.append(FormField(name, label, value, detected, error, "number"))
        else:
            fields_.append(FormField(name, label, value, detected, error))
    return fields_
