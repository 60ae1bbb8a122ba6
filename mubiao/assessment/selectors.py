"""Reading assessments: a plan's rules, its items, and every unit's score for a period, ranked and explained.

Scores are computed on the same progress the pages show (mubiao.reporting.selectors.plan_progress):
official figures only unless the reader asks for the pending ones it may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mubiao.accounts.permissions import Viewer
from mubiao.assessment.models import AssessmentItem, AssessmentScheme
from mubiao.domain.assessment import (
    ONE,
    Figure,
    GradeBasis,
    Item,
    ItemKind,
    Rules,
    Tier,
    UnitScore,
    assess,
    default_points,
)
from mubiao.domain.periods import Period, previous_period
from mubiao.domain.progress import completion_rate
from mubiao.domain.values import Direction
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.selectors import PlanProgress, ProgressRow, plan_progress


def scheme_of(plan: Plan) -> AssessmentScheme | None:
    return AssessmentScheme.objects.filter(plan=plan).first()


def rules_of(plan: Plan, scheme: AssessmentScheme | None = None, weights: dict[str, Decimal] | None = None) -> Rules:
    """The plan's rules: its scheme where one is stored, the defaults elsewhere; every indicator has points.
    `weights` (indicator number → weight, in table order) when the caller has read the indicators already."""
    scheme = scheme if scheme is not None else scheme_of(plan)
    if weights is None:
        weights = dict(Indicator.objects.filter(plan=plan).order_by("position", "id").values_list("number", "weight"))
    points = default_points(weights)
    if scheme is None:
        return Rules(points=points)
    stored = {number: Decimal(str(value)) for number, value in (scheme.points or {}).items() if number in points}
    return Rules(
        points=points | stored,
        cap=scheme.cap,
        bonus_cap=scheme.bonus_cap,
        grade_basis=GradeBasis(scheme.grade_basis),
        tiers=tuple(Tier(str(label), Decimal(str(bound))) for label, bound in scheme.tiers),
    )


def items_in_force(plan: Plan, period: Period) -> list[AssessmentItem]:
    """The items that count for a period: of its year, from a month the period reaches, not withdrawn."""
    return list(
        AssessmentItem.objects.filter(
            plan=plan, year=period.year, month__lte=period.end_month, withdrawn_at__isnull=True
        ).select_related("org_unit")
    )


def plan_items(plan: Plan) -> list[AssessmentItem]:
    """Every item of the plan, withdrawn ones included, newest year first."""
    return list(AssessmentItem.objects.filter(plan=plan).select_related("org_unit").order_by("-year", "-month", "-id"))


@dataclass(frozen=True)
class PlanAssessment:
    plan: Plan
    period: Period
    previous: Period | None  # the period the rank changes compare with
    rules: Rules
    titles: dict[str, str]  # indicator number → name
    scores: list[UnitScore]
    progress: PlanProgress

    @property
    def ranked(self) -> list[UnitScore]:
        return [score for score in self.scores if score.rank is not None]


def _figure(row: ProgressRow, direction: Direction) -> Figure:
    expected = row.due
    if row.actual is None:
        return Figure(None, expected, None)
    if expected == 0:  # a step schedule that expects nothing yet: on schedule, whatever was done
        return Figure(row.actual, expected, ONE)
    return Figure(row.actual, expected, completion_rate(row.actual, expected, direction))


def _unit_figures(progress: PlanProgress, directions: dict[str, Direction]) -> dict[str, dict[str, Figure]]:
    """unit → indicator number → figure, for the indicators the unit has a committed target on."""
    figures: dict[str, dict[str, Figure]] = {}
    for row in progress.rows:
        if row.is_city:
            continue
        mine = figures.setdefault(row.unit, {})  # every unit appears, with or without targets
        if row.committed:
            mine[row.indicator_number] = _figure(row, directions[row.indicator_number])
    return figures


def _items(plan: Plan, period: Period, names: dict[int, str]) -> list[Item]:
    return [
        Item(names[item.org_unit_id], ItemKind(item.kind), item.points, item.reason, item.basis)
        for item in items_in_force(plan, period)
        if item.org_unit_id in names
    ]


def plan_assessment(
    plan: Plan,
    *,
    year: int,
    period: Period | str | None = None,
    viewer: Viewer = None,
    include_pending: bool = False,
    progress: PlanProgress | None = None,
    previous_ranks: dict[str, int | None] | None = None,
) -> PlanAssessment:
    """Every unit's score for a period, ranked, with its change of rank since the period before.

    Pass `progress` when the caller has read it already; `previous_ranks` to compare with another
    period than the one before (a bulletin compares with the previous bulletin).
    """
    if progress is None:
        progress = plan_progress(plan, year=year, period=period, viewer=viewer, include_pending=include_pending)
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .order_by("position", "id")
        .values_list("number", "name", "direction", "weight")
    )
    directions = {number: Direction(direction) for number, _, direction, _ in indicators}
    titles = {number: name for number, name, _, _ in indicators}
    rules = rules_of(plan, weights={number: weight for number, _, _, weight in indicators})
    names = dict(plan.plan_units.values_list("org_unit_id", "header_name"))
    before = previous_period(progress.period)
    previous: Period | None = None
    if previous_ranks is None:
        previous_ranks = {}
        if before.year >= plan.start_year:
            previous = before
            earlier = plan_progress(
                plan, year=before.year, period=before, viewer=viewer, include_pending=include_pending
            )
            earlier_scores = assess(_unit_figures(earlier, directions), rules, titles, _items(plan, before, names))
            previous_ranks = {score.unit: score.rank for score in earlier_scores}
    scores = assess(
        _unit_figures(progress, directions), rules, titles, _items(plan, progress.period, names), previous_ranks
    )
    return PlanAssessment(plan, progress.period, previous, rules, titles, scores, progress)
