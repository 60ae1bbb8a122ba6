"""Reading plans: plain data for the domain core, the pages, the API and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from mubiao.domain.findings import Finding
from mubiao.domain.milestones import MilestoneSpec
from mubiao.domain.periods import Period, PeriodKind
from mubiao.domain.readings import TableReading
from mubiao.domain.validation import IndicatorFacts, PlanFacts, validate_plan
from mubiao.domain.values import Comparison, Direction, IndicatorKind, Level
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Milestone, Plan, PlanUnit, SourceFile, Target
from mubiao.reporting.models import ActualValue


class PlanNotFound(LookupError):
    """No plan, or more than one, answers to what the user typed; the message says which."""


#: The largest id a bigint column holds; a larger number in a URL or a command is simply not found.
MAX_ID = 2**63 - 1


def plan_by_id(pk: int) -> Plan | None:
    return Plan.objects.select_related("area").filter(pk=pk).first() if 0 < pk <= MAX_ID else None


def plan_get(identifier: str | int | None) -> Plan:
    """A plan by id (a number is always an id) or by part of its title; without either, the only plan."""
    plans = Plan.objects.select_related("area")
    if identifier is None or str(identifier).strip() == "":
        found = list(plans.order_by("id")[:2])
        if len(found) == 1:
            return found[0]
        raise PlanNotFound(
            "还没有导入任何规划" if not found else "有多个规划，请指明规划编号或名称（mubiao plans 可列出）"
        )
    text = str(identifier).strip()
    if text.isdigit():
        plan = plan_by_id(int(text))
        if plan is None:
            raise PlanNotFound(f"找不到编号为 {text} 的规划")
        return plan
    matches = list(plans.filter(Q(title__icontains=text) | Q(table_title__icontains=text)).order_by("id")[:5])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise PlanNotFound(f"找不到规划“{text}”")
    raise PlanNotFound(f"“{text}”对应多个规划：" + "；".join(f"{p.pk} {p.title}" for p in matches))


def plan_source_files(plan: Plan) -> list[SourceFile]:
    """The files the plan was imported from, newest first, without their stored bytes."""
    return list(SourceFile.objects.filter(plan=plan).defer("content").order_by("-imported_at", "-id"))


def plan_table_files(plan: Plan) -> frozenset[int]:
    """The ids of the plan's source files that are decomposition tables — they gave targets — as opposed
    to long tables of actual values: what a table's re-import may clear is what an earlier table gave."""
    found = Target.objects.filter(indicator__plan=plan, source_file__isnull=False).order_by()
    return frozenset(found.values_list("source_file_id", flat=True).distinct())


def plan_of_reading(area: OrgUnit, reading: TableReading) -> Plan | None:
    """The stored plan a table goes into: the same area, title and span of years."""
    return Plan.objects.filter(
        area=area, title=reading.plan_title, start_year=reading.start_year, end_year=reading.end_year
    ).first()


def plan_list() -> list[Plan]:
    return list(Plan.objects.select_related("area").order_by("-start_year", "title"))


@dataclass(frozen=True)
class PlanColumn:
    """One unit column of a plan's table, in table order."""

    org_unit_id: int
    name: str  # the table's short name
    full_name: str
    part_of: str = ""  # an 'of which' (其中) unit: the name of its whole


def plan_columns(plan: Plan) -> list[PlanColumn]:
    return [
        PlanColumn(org_unit_id=pu.org_unit_id, name=pu.header_name, full_name=pu.org_unit.name, part_of=pu.part_of)
        for pu in PlanUnit.objects.filter(plan=plan).select_related("org_unit").order_by("position")
    ]


def plan_indicators(plan: Plan) -> list[Indicator]:
    return list(
        Indicator.objects.filter(plan=plan)
        .prefetch_related("lead_departments", "milestones")
        .order_by("position", "id")
    )


def _milestone_spec(milestone: Milestone, unit_of_measure: str) -> MilestoneSpec:
    return MilestoneSpec(
        year=milestone.year,
        level=Level(milestone.level),
        value=milestone.value,
        comparison=Comparison(milestone.comparison),
        unit_of_measure=unit_of_measure,
        phrase=milestone.phrase,
    )


def plan_facts(plan: Plan, *, with_actuals: bool = True) -> PlanFacts:
    """The plan as plain values for the domain rules: units by their table names, the city by its name.

    With actuals, each unit's year-end actual joins the targets as the 'actual' row (what the
    below_last_actual rule compares with); progress, which reads actuals by period, leaves them out.
    """
    columns = plan_columns(plan)
    names: dict[int, str] = {column.org_unit_id: column.name for column in columns}
    names[plan.area_id] = plan.area.name
    indicators = plan_indicators(plan)
    facts = PlanFacts(
        start_year=plan.start_year,
        end_year=plan.end_year,
        city=plan.area.name,
        units=[column.name for column in columns],
        unit_parts={column.name: column.part_of for column in columns if column.part_of},
        indicators=[
            IndicatorFacts(
                key=str(indicator.pk),
                number=indicator.number,
                name=indicator.name,
                kind=IndicatorKind(indicator.kind),
                direction=Direction(indicator.direction),
                unit_of_measure=indicator.unit_of_measure,
                parent_key=str(indicator.parent_id) if indicator.parent_id else None,
                milestones=tuple(_milestone_spec(m, indicator.unit_of_measure) for m in indicator.milestones.all()),
            )
            for indicator in indicators
        ],
    )
    rows = Target.objects.filter(indicator__plan=plan, value__isnull=False).values_list(
        "indicator_id", "org_unit_id", "year", "level", "value"
    )
    for indicator_id, unit_id, year, level, value in rows:
        if unit_id in names and value is not None:
            facts.cells[(str(indicator_id), names[unit_id], year, level)] = value
    if with_actuals:
        for (indicator_id, unit_id, year), value in year_end_actuals(plan, unit_ids=list(names)).items():
            facts.cells[(str(indicator_id), names[unit_id], year, "actual")] = value
    return facts


def year_end_actuals(plan: Plan, *, unit_ids: list[int]) -> dict[tuple[int, int, int], Decimal]:
    """(indicator id, unit id, year) → the year's figure: the annual value, else one that ends the year
    (Q4, December). A figure of part of a year (2019-Q2) is not the year's: the table's 实际 row and the
    checks that compare with last year's actual wait for the year to end."""
    latest: dict[tuple[int, int, int], tuple[int, Decimal]] = {}
    # The table and its checks hold the official record: approved figures, which everyone may see.
    actuals = ActualValue.objects.official().filter(indicator__plan=plan, org_unit_id__in=unit_ids, value__isnull=False)
    for indicator_id, unit_id, year, kind, number, value in actuals.values_list(
        "indicator_id", "org_unit_id", "year", "period_kind", "period_number", "value"
    ):
        if value is None:
            continue
        rank = 13 if kind == "year" else (number * 3 if kind == "quarter" else number)
        if rank < 12:
            continue
        key = (indicator_id, unit_id, year)
        if key not in latest or rank >= latest[key][0]:
            latest[key] = (rank, value)
    return {key: value for key, (_, value) in latest.items()}


def plan_findings(plan: Plan, facts: PlanFacts | None = None) -> list[Finding]:
    return validate_plan(facts or plan_facts(plan))


@dataclass(frozen=True)
class LongRow:
    """One stored value in long form: the tidy export."""

    indicator_number: str
    indicator: str
    unit: str
    year: int
    level: str
    value: Decimal
    period: str = ""


def plan_long_rows(plan: Plan) -> list[LongRow]:
    """One row per stored value, in table order; blank cells are not rows. Targets by year; actual
    values by their own period (2019, 2019-Q2, 2019-07), the official ones only: approved figures."""
    facts = plan_facts(plan, with_actuals=False)
    unit_order = {name: index for index, name in enumerate([facts.city, *facts.units])}
    indicator_order = {i.key: (index, i) for index, i in enumerate(facts.indicators)}
    level_order = {"committed": 0, "stretch": 1, "actual": 2}
    keyed = []
    for (key, unit, year, level), value in facts.cells.items():
        position, indicator = indicator_order[key]
        keyed.append(
            (
                (position, year, level_order[level], unit_order[unit], 0, 0),
                LongRow(indicator.number, indicator.name, unit, year, level, value, str(year)),
            )
        )
    names = {column.org_unit_id: column.name for column in plan_columns(plan)} | {plan.area_id: plan.area.name}
    actuals = ActualValue.objects.official().filter(indicator__plan=plan, value__isnull=False, org_unit_id__in=names)
    for indicator_id, unit_id, year, period_text, figure in actuals.values_list(
        "indicator_id", "org_unit_id", "year", "period", "value"
    ):
        if figure is None:
            continue
        position, indicator = indicator_order[str(indicator_id)]
        period = Period.parse(period_text)
        name = names[unit_id]
        keyed.append(
            (
                (
                    position,
                    year,
                    level_order["actual"],
                    period.end_month,
                    period.kind is PeriodKind.YEAR,
                    unit_order[name],
                ),
                LongRow(indicator.number, indicator.name, name, year, "actual", figure, period_text),
            )
        )
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


# -- the table as the official layout shows it ---------------------------------------------------


@dataclass
class TableCell:
    value: Decimal | None
    findings: list[Finding] = field(default_factory=list)
    source: str = ""

    @property
    def severity(self) -> str:
        if not self.findings:
            return ""
        return min((f.severity.value for f in self.findings), key=["error", "warning", "info"].index)


@dataclass
class TableRow:
    year: int
    level: str
    total: TableCell
    cells: list[TableCell]
    findings: list[Finding] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return {"committed": "确保", "stretch": "力争", "actual": "实际"}[self.level]


@dataclass
class TableBlock:
    indicator: Indicator
    rows: list[TableRow]
    findings: list[Finding]
    milestones: list[Milestone]
    lead_departments: list[str]


@dataclass
class PlanTable:
    plan: Plan
    columns: list[PlanColumn]
    blocks: list[TableBlock]
    findings: list[Finding]
    facts: PlanFacts


@dataclass
class _CellMaker:
    """Builds the cells of one table row, each with the findings that point at it."""

    facts: PlanFacts
    sources: dict[tuple[str, int, int, str], str]
    key: str
    year: int
    level: str
    findings: list[Finding]

    def __call__(self, unit: str, unit_id: int) -> TableCell:
        # below_last_actual is about the committed cell, though it compares with last year's actual.
        flagged = [
            f
            for f in self.findings
            if f.unit == unit
            and (f.level == self.level or (f.rule == "below_last_actual" and self.level == "committed"))
        ]
        if unit != self.facts.city:
            # A blank cell that could close a row's gap points at that row's finding.
            flagged += [f for f in self.findings if f.unit is None and f.level == self.level and unit in f.implied]
        return TableCell(
            value=self.facts.value(self.key, unit, self.year, self.level),
            findings=flagged,
            source=self.sources.get((self.key, unit_id, self.year, self.level), ""),
        )


def plan_table(plan: Plan) -> PlanTable:
    """The decomposition table laid out as published, every flagged cell carrying its findings."""
    facts = plan_facts(plan)
    findings = plan_findings(plan, facts)
    columns = plan_columns(plan)
    provenance = (
        "indicator_id",
        "org_unit_id",
        "year",
        "source_file_id",
        "source_sheet",
        "source_row",
        "source_column",
    )
    sources = {
        (str(t.indicator_id), t.org_unit_id, t.year, t.level): t.provenance_label
        for t in Target.objects.filter(indicator__plan=plan, value__isnull=False).only(*provenance, "level")
    }
    # The 实际 row shows the year-end (annual) actual, as the table does.
    sources.update(
        ((str(a.indicator_id), a.org_unit_id, a.year, "actual"), a.provenance_label)
        for a in ActualValue.objects.official()
        .filter(indicator__plan=plan, value__isnull=False, period_kind="year")
        .only(*provenance)
    )
    blocks = []
    for indicator in plan_indicators(plan):
        key = str(indicator.pk)
        own = [f for f in findings if f.indicator_number == indicator.number]
        rows = []
        for year in plan.years:
            for level in ("committed", "stretch", "actual"):
                if not facts.row_present(key, year, level):
                    continue
                here = [f for f in own if f.year == year]
                cell = _CellMaker(facts, sources, key, year, level, here)
                row_findings = [f for f in here if f.unit is None and f.level == level]
                total = cell(facts.city, plan.area_id)
                total.findings = total.findings + row_findings
                rows.append(
                    TableRow(
                        year=year,
                        level=level,
                        total=total,
                        cells=[cell(c.name, c.org_unit_id) for c in columns],
                        findings=row_findings,
                    )
                )
        blocks.append(
            TableBlock(
                indicator=indicator,
                rows=rows,
                findings=own,
                milestones=list(indicator.milestones.all()),
                lead_departments=[d.name for d in indicator.lead_departments.all()],
            )
        )
    return PlanTable(plan=plan, columns=columns, blocks=blocks, findings=findings, facts=facts)
