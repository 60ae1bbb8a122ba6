"""A synthetic province of test data: cities, their counties, one plan per city, targets and monthly actuals.

For benchmarks and load tests, not for real work: values are drawn from a seeded `random.Random`, so
the same arguments always give the same province. Everything is written in one transaction, the
many plain rows (targets, actuals) with `insert_rows` (COPY on PostgreSQL), and the synthesis is
recorded by ONE audit record on the province rather than one per value — it is test data.

The numbers hold together the way real tables do: each unit's target is drawn, the city's is the sum
of its units'; stretch is above committed; monthly actuals are year to date for a flow (rising through
the year to the year-end figure) and a level for a stock (moving from last year's level toward this
year's); the city's actual is the sum of its units'.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import Model

from mubiao.audit.services import Actor, audit_record
from mubiao.domain.periods import Period, PeriodKind
from mubiao.orgunits.models import OrgUnit, OrgUnitKind
from mubiao.plans.models import Indicator, Milestone, Plan, PlanUnit, Target
from mubiao.plans.services import NewTarget, targets_create
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import ImportedFigure, actuals_create

DEFAULT_PROVINCE = "合成省"
DEFAULT_SEED = 20180601
REASON = "合成测试数据"

_NUMERALS = "零一二三四五六七八九"

#: (name, unit of measure, typical yearly flow per county) — stock indicators read "…保有量".
_SUBJECTS: tuple[tuple[str, str, int], ...] = (
    ("高新技术企业", "家", 20),
    ("科技型中小企业", "家", 40),
    ("自治区级以上创新平台", "个", 4),
    ("发明专利授权", "件", 60),
    ("技术合同登记", "项", 30),
    ("规模以上工业企业研发机构", "个", 6),
    ("科技成果转化项目", "项", 10),
    ("众创空间和孵化器", "家", 2),
    ("科技特派员", "人", 25),
    ("新型研发机构", "家", 1),
)


def chinese_number(n: int) -> str:
    """1 → 一, 14 → 十四, 20 → 二十, 105 → 一百零五 (for names: 合成十四市)."""
    if n < 0:
        raise ValueError("负数")
    if n < 10:
        return _NUMERALS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = "零" + _NUMERALS[rest]
    else:
        tail = (_NUMERALS[1] if rest < 20 else "") + chinese_number(rest)
    return chinese_number(hundreds) + "百" + tail


@dataclass(frozen=True)
class SynthesisSpec:
    """What to synthesize: a province of `cities` cities, each with `units` counties and one plan."""

    province: str = DEFAULT_PROVINCE
    cities: int = 14
    units: int = 10
    indicators: int = 50
    start_year: int = 2018
    end_year: int = 2022
    seed: int = DEFAULT_SEED
    milestones: bool = True

    def __post_init__(self) -> None:
        if not self.province.strip():
            raise ValueError("省名不能为空")
        for label, value in (("市", self.cities), ("县", self.units), ("指标", self.indicators)):
            if value < 1:
                raise ValueError(f"{label}的数目至少为1")
        if not 1949 <= self.start_year <= self.end_year <= 2200:
            raise ValueError(f"年份{self.start_year}—{self.end_year}无效")

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def city_name(self, index: int) -> str:
        return f"{self.province.removesuffix('省')}{chinese_number(index)}市"

    def unit_short_name(self, index: int) -> str:
        return f"{chinese_number(index)}县"


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator as every city's plan has it: same number, name, kind and size everywhere."""

    number: int
    name: str
    unit_of_measure: str
    kind: str  # "flow" | "stock"
    typical: int  # a county's typical yearly flow (a stock starts near ten of them)


def indicator_specs(count: int) -> list[IndicatorSpec]:
    """Indicators 1…count: flows and stocks in turn (every third a stock), names distinct within a plan."""
    specs = []
    for number in range(1, count + 1):
        subject, unit, typical = _SUBJECTS[(number - 1) % len(_SUBJECTS)]
        group = (number - 1) // len(_SUBJECTS)
        kind = "stock" if number % 3 == 0 else "flow"
        name = f"{subject}保有量" if kind == "stock" else f"新增{subject}"
        if group:
            name += f"（{chinese_number(group + 1)}类）"
        specs.append(IndicatorSpec(number, name, unit, kind, typical * (1 + group % 3)))
    return specs


@dataclass
class CityValues:
    """One city's drawn values. Index 0 of a unit axis is the city itself (the sum), 1… its counties.

    targets[(indicator index, unit index, year, level)] = value;
    actuals[(indicator index, unit index, year)] = the 12 month-end year-to-date values (levels for a stock).
    """

    targets: dict[tuple[int, int, int, str], int] = field(default_factory=dict)
    actuals: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)


def _month_shares(rng: random.Random) -> list[float]:
    """How far through the year's change each month-end is: rising, not always evenly, 1 in December."""
    shares, reached = [], 0.0
    for month in range(1, 12):
        reached = max(reached, min(1.0, month / 12 * rng.uniform(0.75, 1.15)))
        shares.append(reached)
    return [*shares, 1.0]


def draw_city(rng: random.Random, spec: SynthesisSpec, indicators: Sequence[IndicatorSpec]) -> CityValues:
    """Draw one city's targets and actuals; the city's figures are the sums of its counties'."""
    values = CityValues()
    years = list(spec.years)
    for i, indicator in enumerate(indicators):
        growth = rng.uniform(0.03, 0.12)
        for u in range(1, spec.units + 1):
            size = rng.uniform(0.4, 1.8)
            level = round(indicator.typical * 10 * size)  # a stock's level before the first year
            for k, year in enumerate(years):
                shares = _month_shares(rng)
                achieved = rng.uniform(0.7, 1.35)
                if indicator.kind == "flow":
                    committed = max(1, round(indicator.typical * size * (1 + growth) ** k * rng.uniform(0.9, 1.1)))
                    stretch = committed + max(1, round(committed * rng.uniform(0.08, 0.3)))
                    year_end = round(committed * achieved)
                    months = [round(year_end * share) for share in shares]
                else:
                    committed = max(level + 1, round(level * (1 + growth) * rng.uniform(0.98, 1.04)))
                    stretch = committed + max(1, round((committed - level) * rng.uniform(0.1, 0.4)))
                    year_end = max(0, round(level + (committed - level) * achieved))
                    months = [round(level + (year_end - level) * share) for share in shares]
                    level = year_end
                values.targets[(i, u, year, "committed")] = committed
                values.targets[(i, u, year, "stretch")] = stretch
                values.actuals[(i, u, year)] = months
        for year in years:
            for level_name in ("committed", "stretch"):
                values.targets[(i, 0, year, level_name)] = sum(
                    values.targets[(i, u, year, level_name)] for u in range(1, spec.units + 1)
                )
            series = [values.actuals[(i, u, year)] for u in range(1, spec.units + 1)]
            values.actuals[(i, 0, year)] = [sum(column) for column in zip(*series, strict=True)]
    return values


class ProvinceExists(ValueError):
    """A province of that name is already there: nothing is written."""


@dataclass(frozen=True)
class SynthesisOutcome:
    province: OrgUnit
    plans: list[Plan]
    counts: dict[str, int]


def synthesize_province(
    spec: SynthesisSpec, *, actor: Actor, progress: Callable[[str], None] | None = None
) -> SynthesisOutcome:
    """Write the province in one transaction; refuse, writing nothing, when one of that name exists.

    `progress` is told after each stage (the province's units, then each city) for a progress bar.
    """
    step = progress or (lambda _description: None)
    rng = random.Random(spec.seed)
    indicators = indicator_specs(spec.indicators)
    counts = dict.fromkeys(("org_units", "plans", "plan_units", "indicators", "milestones", "targets", "actuals"), 0)
    with transaction.atomic():
        if OrgUnit.objects.filter(name=spec.province, kind=OrgUnitKind.PROVINCE).exists():
            raise ProvinceExists(f"已有名为“{spec.province}”的省级单位，未作任何改动（换一个 --province 名称）")
        province, cities, counties = _create_org_units(spec)
        counts["org_units"] = 1 + len(cities) + sum(len(units) for units in counties)
        step("单位")
        plans: list[Plan] = []
        for city, units in zip(cities, counties, strict=True):
            drawn = draw_city(rng, spec, indicators)
            plan = Plan.objects.create(
                title=f"{city.name}科技创新目标分解方案（合成测试数据）",
                table_title=f"{city.name}科技创新目标分解任务表（{spec.start_year}-{spec.end_year}年）",
                issuer=f"{city.name}人民政府",
                area=city,
                start_year=spec.start_year,
                end_year=spec.end_year,
                notes=f"由 mubiao synthesize 生成（种子 {spec.seed}），仅供测试。",
            )
            plans.append(plan)
            PlanUnit.objects.bulk_create(
                PlanUnit(plan=plan, org_unit=unit, position=position, header_name=unit.short_name)
                for position, unit in enumerate(units, start=1)
            )
            created = Indicator.objects.bulk_create(
                Indicator(
                    plan=plan,
                    number=str(indicator.number),
                    position=indicator.number,
                    name=indicator.name,
                    goal_text=_goal_text(indicator, drawn, i, spec),
                    unit_of_measure=indicator.unit_of_measure,
                    kind=indicator.kind,
                    direction="higher",
                    responsible_units="各县",
                    reporting_frequency="monthly",  # the synthesis draws a figure per month
                )
                for i, indicator in enumerate(indicators)
            )
            indicator_ids = [row.pk for row in created]
            if spec.milestones:
                counts["milestones"] += len(
                    Milestone.objects.bulk_create(
                        Milestone(
                            indicator_id=indicator_ids[i],
                            year=spec.end_year,
                            level="committed",
                            value=Decimal(_milestone_value(indicator, drawn, i, spec)),
                            comparison="at_least",
                            phrase=_goal_text(indicator, drawn, i, spec),
                        )
                        for i, indicator in enumerate(indicators)
                    )
                )
            unit_ids = [city.pk, *(unit.pk for unit in units)]
            counts["plans"] += 1
            counts["plan_units"] += len(units)
            counts["indicators"] += len(indicator_ids)
            # Through the one writer of each record, on its bulk path (COPY on PostgreSQL).
            counts["targets"] += targets_create(rows=_targets(drawn, indicator_ids, unit_ids), source=None)
            counts["actuals"] += actuals_create(
                actor=actor,
                plan=plan,
                figures=_figures(drawn, indicator_ids, unit_ids),
                source=None,
                sheet="",
                reason=REASON,
            )
            step(city.name)
        audit_record(
            actor=actor,
            action="synthesize",
            obj=province,
            before=None,
            after={
                "seed": spec.seed,
                "cities": spec.cities,
                "units_per_city": spec.units,
                "indicators_per_plan": spec.indicators,
                "years": f"{spec.start_year}-{spec.end_year}",
                "plans": [plan.pk for plan in plans],
                "counts": counts,
            },
            reason=REASON,
        )
    _analyze((OrgUnit, Plan, PlanUnit, Indicator, Milestone, Target, ActualValue))
    return SynthesisOutcome(province=province, plans=plans, counts=counts)


def _analyze(models: Sequence[type[Model]]) -> None:
    """VACUUM ANALYZE the tables just filled (PostgreSQL, outside any transaction only), as after any bulk
    load: until autovacuum gets round to it, the planner takes a 462,000-row table for an empty one and
    picks plans ten times slower (a province ranking took 260 ms before ANALYZE, 17 ms after), and the
    first readers of every fresh row pay for setting its hint bits."""
    connection = connections[router.db_for_write(ActualValue)]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) " + ", ".join(quote(model._meta.db_table) for model in models))


def _create_org_units(spec: SynthesisSpec) -> tuple[OrgUnit, list[OrgUnit], list[list[OrgUnit]]]:
    province = OrgUnit.objects.create(name=spec.province, short_name=spec.province, kind=OrgUnitKind.PROVINCE)
    cities = OrgUnit.objects.bulk_create(
        OrgUnit(
            name=spec.city_name(c),
            short_name=spec.city_name(c),
            kind=OrgUnitKind.CITY,
            parent=province,
            position=c,
        )
        for c in range(1, spec.cities + 1)
    )
    counties = OrgUnit.objects.bulk_create(
        OrgUnit(
            name=f"{city.name}{spec.unit_short_name(u)}",
            short_name=spec.unit_short_name(u),
            kind=OrgUnitKind.COUNTY,
            parent=city,
            position=u,
        )
        for city in cities
        for u in range(1, spec.units + 1)
    )
    by_city = [counties[i * spec.units : (i + 1) * spec.units] for i in range(len(cities))]
    return province, cities, by_city


def _milestone_value(indicator: IndicatorSpec, drawn: CityValues, i: int, spec: SynthesisSpec) -> int:
    """The city's end-year milestone: a flow's committed targets added up, a stock's last committed level."""
    if indicator.kind == "stock":
        return drawn.targets[(i, 0, spec.end_year, "committed")]
    return sum(drawn.targets[(i, 0, year, "committed")] for year in spec.years)


def _goal_text(indicator: IndicatorSpec, drawn: CityValues, i: int, spec: SynthesisSpec) -> str:
    value = _milestone_value(indicator, drawn, i, spec)
    verb = "累计新增" if indicator.kind == "flow" else "达到"
    return f"到{spec.end_year}年{verb}{value}{indicator.unit_of_measure}以上"


def _targets(drawn: CityValues, indicator_ids: list[int], unit_ids: list[int]) -> Iterator[NewTarget]:
    for (i, u, year, level), value in drawn.targets.items():
        yield NewTarget(indicator_ids[i], unit_ids[u], year, level, Decimal(value))


def _figures(drawn: CityValues, indicator_ids: list[int], unit_ids: list[int]) -> Iterator[ImportedFigure]:
    for (i, u, year), months in drawn.actuals.items():
        indicator_id, unit_id = indicator_ids[i], unit_ids[u]
        for month, value in enumerate(months, start=1):
            yield ImportedFigure(indicator_id, unit_id, Period(year, PeriodKind.MONTH, month), Decimal(value))


def expected_counts(spec: SynthesisSpec) -> dict[str, int]:
    """How many rows a synthesis of `spec` writes, for checks and for the command's summary."""
    years = len(spec.years)
    per_plan_cells = spec.indicators * (spec.units + 1) * years
    return {
        "org_units": 1 + spec.cities * (1 + spec.units),
        "plans": spec.cities,
        "plan_units": spec.cities * spec.units,
        "indicators": spec.cities * spec.indicators,
        "milestones": spec.cities * spec.indicators if spec.milestones else 0,
        "targets": spec.cities * per_plan_cells * 2,
        "actuals": spec.cities * per_plan_cells * 12,
    }


def parse_years(text: str) -> tuple[int, int]:
    """'2018-2022' (or 2018—2022, or one year) → (2018, 2022)."""
    parts = [part for part in text.replace("—", "-").replace("–", "-").split("-") if part.strip()]
    if not 1 <= len(parts) <= 2 or not all(part.strip().isdigit() for part in parts):
        raise ValueError(f"“{text}”不是年份范围（应为 2018-2022）")
    first, last = int(parts[0]), int(parts[-1])
    if first > last:
        raise ValueError(f"年份范围{text}的起始年晚于截止年")
    return first, last
