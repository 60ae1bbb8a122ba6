"""Presenters: the selectors' plain data shaped for the templates, so that no template computes.

Every value a page shows — a formatted number, a rowspan, a severity class, a hover text, a count —
is worked out here, by small pure functions over what the selectors return.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mubiao.domain.findings import Finding, decimal_to_json
from mubiao.domain.numbers import format_decimal
from mubiao.domain.series import target_series
from mubiao.domain.values import IndicatorKind, Severity
from mubiao.plans.models import Plan
from mubiao.plans.selectors import (
    PlanColumn,
    PlanTable,
    TableBlock,
    TableCell,
    TableRow,
    plan_facts,
    plan_findings,
    plan_source_files,
)

#: Row kinds of the table, in the words of the UI (translated; the domain's own labels are Chinese only).
ROW_LABELS: dict[str, Promise] = {"committed": _("确保"), "stretch": _("力争"), "actual": _("实际")}

SEVERITY_LABELS: dict[str, Promise] = {"error": _("错误"), "warning": _("警告"), "info": _("提示")}

#: The same words heading a count ("Errors 9" in English, where a single finding is "Error").
SEVERITY_COUNT_LABELS: dict[str, Promise] = {
    "error": pgettext_lazy("count", "错误"),
    "warning": pgettext_lazy("count", "警告"),
    "info": pgettext_lazy("count", "提示"),
}

#: The rules of mubiao.domain.validation by name; an unknown rule is shown by its code.
RULE_LABELS: dict[str, Promise] = {
    "sum_mismatch": _("合计不符"),
    "milestone_unmet": _("未达到里程碑"),
    "stretch_below_committed": _("力争低于确保"),
    "below_last_actual": _("低于上年实际"),
    "part_exceeds_whole": _("其中项超过总量"),
}

WHOLE_ROW: Promise = _("整行")
BLANK: Promise = _("空白")


def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(severity, severity))


def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule))


def row_label(level: str | None) -> str:
    return "" if level is None else str(ROW_LABELS.get(level, level))


def years_label(plan: Plan) -> str:
    return f"{plan.start_year}—{plan.end_year}"


@dataclass(frozen=True)
class SeverityCounts:
    """How many findings of each severity; `total` counts them all."""

    error: int = 0
    warning: int = 0
    info: int = 0

    @property
    def total(self) -> int:
        return self.error + self.warning + self.info

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> SeverityCounts:
        counts = Counter(f.severity.value for f in findings)
        return cls(error=counts["error"], warning=counts["warning"], info=counts["info"])


# -- home ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSummary:
    """One plan as the plan list and the plan page's header show it."""

    plan: Plan
    years: str
    indicator_count: int
    unit_count: int
    counts: SeverityCounts


def plan_summary(plan: Plan) -> PlanSummary:
    facts = plan_facts(plan)
    return PlanSummary(
        plan=plan,
        years=years_label(plan),
        indicator_count=len(facts.indicators),
        unit_count=len(facts.units),
        counts=SeverityCounts.of(plan_findings(plan, facts)),
    )


def table_summary(table: PlanTable) -> PlanSummary:
    """The summary of a plan from its laid-out table, which already holds its findings."""
    return PlanSummary(
        plan=table.plan,
        years=years_label(table.plan),
        indicator_count=len(table.blocks),
        unit_count=len(table.columns),
        counts=SeverityCounts.of(table.findings),
    )


# -- the plan page: the decomposition table --------------------------------------------------------


def block_anchor(indicator_id: int) -> str:
    return f"indicator-{indicator_id}"


def row_anchor(indicator_id: int, year: int, level: str) -> str:
    return f"indicator-{indicator_id}-{year}-{level}"


@dataclass(frozen=True)
class FindingView:
    """A finding with its labels translated and its numbers formatted, for a popover or a table row."""

    finding: Finding
    severity: str
    severity_label: str
    rule_label: str
    level_label: str
    unit_label: str
    expected: str
    found: str
    implied: list[str]
    anchor: str = ""

    @property
    def message(self) -> str:
        return self.finding.message


def finding_view(finding: Finding, anchor: str = "") -> FindingView:
    return FindingView(
        finding=finding,
        severity=finding.severity.value,
        severity_label=severity_label(finding.severity.value),
        rule_label=rule_label(finding.rule),
        level_label=row_label(finding.level),
        unit_label=finding.unit if finding.unit is not None else str(WHOLE_ROW),
        expected=format_decimal(finding.expected),
        found=format_decimal(finding.found),
        implied=[f"{name} = {format_decimal(value)}" for name, value in finding.implied.items()],
        anchor=anchor,
    )


@dataclass(frozen=True)
class CellView:
    """One value cell: its text (blank stays blank) and, when flagged, what the popover shows."""

    text: str
    unit: str
    severity: str
    heading: str
    source: str
    findings: list[FindingView]
    popover_id: str

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def label(self) -> str:
        """What a screen reader says for the cell's button: its value (or that it is blank), then where it is."""
        return f"{self.text or BLANK} · {self.heading}"

    @property
    def title(self) -> str:
        """The hover text: every finding's message, one per line."""
        return "\n".join(f.message for f in self.findings)


def cell_view(cell: TableCell, *, unit: str, popover_id: str, heading: str) -> CellView:
    return CellView(
        text=format_decimal(cell.value),
        unit=unit,
        severity=cell.severity,
        heading=heading,
        source=cell.source,
        findings=[finding_view(f) for f in cell.findings],
        popover_id=popover_id if cell.findings else "",
    )


@dataclass(frozen=True)
class RowView:
    """One row of a block. `year_rowspan` is 0 on the rows that the year cell above already spans."""

    anchor: str
    year: int
    year_rowspan: int
    level: str
    level_label: str
    total: CellView
    cells: list[CellView]
    starts_year: bool


@dataclass(frozen=True)
class BlockView:
    """One indicator: its descriptive cells (spanning the block) and its rows."""

    anchor: str
    number: str
    name: str
    goal_text: str
    unit_of_measure: str
    kind_label: str
    direction_label: str
    lead_departments: list[str]
    responsible_units: str
    milestones: list[str]
    remarks: str
    rows: list[RowView]
    counts: SeverityCounts

    @property
    def rowspan(self) -> int:
        # A block without any stored row still takes one line, saying so.
        return max(len(self.rows), 1)


def _row_views(block: TableBlock, columns: Sequence[PlanColumn], city: str) -> list[RowView]:
    indicator_id = block.indicator.pk
    rows_per_year = Counter(row.year for row in block.rows)
    views: list[RowView] = []
    previous_year: int | None = None
    for row in block.rows:
        anchor = row_anchor(indicator_id, row.year, row.level)
        starts_year = row.year != previous_year
        previous_year = row.year
        views.append(
            RowView(
                anchor=anchor,
                year=row.year,
                year_rowspan=rows_per_year[row.year] if starts_year else 0,
                level=row.level,
                level_label=row_label(row.level),
                total=_cell(row, row.total, city, f"{anchor}-total", block),
                cells=[
                    _cell(row, cell, column.name, f"{anchor}-{index}", block)
                    for index, (column, cell) in enumerate(zip(columns, row.cells, strict=True))
                ],
                starts_year=starts_year,
            )
        )
    return views


def _cell(row: TableRow, cell: TableCell, unit: str, popover_id: str, block: TableBlock) -> CellView:
    heading = f"{block.indicator.name} · {row.year} · {row_label(row.level)} · {unit}"
    return cell_view(cell, unit=unit, popover_id=f"pop-{popover_id}", heading=heading)


def block_view(block: TableBlock, columns: Sequence[PlanColumn], city: str) -> BlockView:
    indicator = block.indicator
    return BlockView(
        anchor=block_anchor(indicator.pk),
        number=indicator.number,
        name=indicator.name,
        goal_text=indicator.goal_text,
        unit_of_measure=indicator.unit_of_measure,
        kind_label=str(indicator.get_kind_display()),
        direction_label=str(indicator.get_direction_display()),
        lead_departments=block.lead_departments,
        responsible_units=indicator.responsible_units,
        milestones=[m.phrase or str(m) for m in block.milestones],
        remarks=indicator.remarks,
        rows=_row_views(block, columns, city),
        counts=SeverityCounts.of(block.findings),
    )


@dataclass(frozen=True)
class SourceFileView:
    filename: str
    sha256: str
    size: int
    imported_at: datetime


@dataclass(frozen=True)
class TablePage:
    """Everything the plan page shows."""

    summary: PlanSummary
    columns: list[PlanColumn]
    blocks: list[BlockView]
    sources: list[SourceFileView]
    city: str
    charts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def value_colspan(self) -> int:
        """Year, level, the city total and the unit columns: what an indicator without rows leaves empty."""
        return 3 + len(self.columns)

    @property
    def full_colspan(self) -> int:
        """Every column: number, name, goal, the value columns and the responsible units."""
        return self.value_colspan + 4

    @property
    def flagged_cells(self) -> list[CellView]:
        """Every flagged cell once, so the page can hold their popovers outside the table."""
        return [cell for block in self.blocks for row in block.rows for cell in [row.total, *row.cells] if cell.flagged]


def source_file_views(plan: Plan) -> list[SourceFileView]:
    """The plan's source files as shown: name, hash, size and when (never the stored bytes)."""
    return [
        SourceFileView(filename=f.filename, sha256=f.sha256, size=f.size, imported_at=f.imported_at)
        for f in plan_source_files(plan)
    ]


def table_page(table: PlanTable, sources: list[SourceFileView]) -> TablePage:
    city = table.plan.area.name
    return TablePage(
        summary=table_summary(table),
        columns=table.columns,
        blocks=[block_view(block, table.columns, city) for block in table.blocks],
        sources=sources,
        city=city,
        charts=milestone_charts(table),
    )


#: The words of the milestone charts, translated here since the chart script only draws.
def _chart_labels() -> dict[str, str]:
    return {
        "committed": str(_("确保（年度）")),
        "stretch": str(_("力争（年度）")),
        "cumulative_committed": str(_("确保累计")),
        "cumulative_stretch": str(_("力争累计")),
        "milestone": str(_("里程碑")),
        "met": str(_("年度目标可达到")),
        "unmet": str(_("年度目标达不到")),
        "reached": str(_("目标累计")),
    }


def milestone_charts(table: PlanTable) -> list[dict[str, Any]]:
    """Per indicator, the city's annual targets, their running totals and the milestones, ready for ECharts.

    A milestone the annual targets do not reach is the thing to see at a glance (milestone_unmet).
    """
    charts = []
    labels = _chart_labels()
    for indicator in table.facts.indicators:
        series = target_series(table.facts, indicator)
        if not series.milestones and not any(v is not None for v in series.annual["committed"]):
            continue
        is_flow = indicator.kind is IndicatorKind.FLOW
        charts.append(
            {
                "id": f"chart-{indicator.key}",
                "title": f"{indicator.number}. {indicator.name}",
                "unit": indicator.unit_of_measure,
                "flow": is_flow,
                "years": [str(year) for year in series.years],
                "annual": {level: [decimal_to_json(v) for v in values] for level, values in series.annual.items()},
                "cumulative": (
                    {level: [decimal_to_json(v) for v in values] for level, values in series.cumulative.items()}
                    if is_flow
                    else {}
                ),
                "milestones": [
                    {
                        "year": str(point.year),
                        "level": point.level,
                        "value": decimal_to_json(point.value),
                        "reached": decimal_to_json(point.reached),
                        "met": point.met,
                    }
                    for point in series.milestones
                ],
                "labels": labels,
            }
        )
    return charts


# -- the findings page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeverityFilter:
    """One choice of the severity filter: its query value ('' for all), label, count and whether chosen."""

    value: str
    label: str
    count: int
    active: bool


@dataclass(frozen=True)
class FindingsPage:
    summary: PlanSummary
    severity: str
    filters: list[SeverityFilter]
    findings: list[FindingView] = field(default_factory=list)


def chosen_severity(value: str | None) -> str:
    """The severity asked for in the query string, or '' (all) for anything that is not one."""
    text = (value or "").strip().lower()
    return text if text in {s.value for s in Severity} else ""


def finding_anchor(finding: Finding, table: PlanTable) -> str:
    """Where a finding lives on the plan page: its row when the row is shown, else its indicator's block."""
    for block in table.blocks:
        if block.indicator.number != finding.indicator_number:
            continue
        for row in block.rows:
            if row.year == finding.year and row.level == finding.level:
                return row_anchor(block.indicator.pk, row.year, row.level)
        return block_anchor(block.indicator.pk)
    return ""


def findings_page(table: PlanTable, severity: str) -> FindingsPage:
    summary = table_summary(table)
    counts = summary.counts
    filters = [SeverityFilter(value="", label=str(_("全部")), count=counts.total, active=severity == "")]
    filters += [
        SeverityFilter(
            value=s.value,
            label=str(SEVERITY_COUNT_LABELS[s.value]),
            count=getattr(counts, s.value),
            active=severity == s.value,
        )
        for s in Severity
    ]
    shown = [f for f in table.findings if not severity or f.severity.value == severity]
    return FindingsPage(
        summary=summary,
        severity=severity,
        filters=filters,
        findings=[finding_view(f, anchor=finding_anchor(f, table)) for f in shown],
    )
