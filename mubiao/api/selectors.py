"""Reads the API needs beyond `mubiao.plans.selectors`: querysets shaped for serialisation.

Each list endpoint is served by one queryset whose related rows are joined or prefetched up
front, so the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Case, Count, F, Model, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from mubiao.accounts.permissions import Viewer
from mubiao.domain.names import squash
from mubiao.domain.periods import Period
from mubiao.domain.progress import CompositeScore
from mubiao.orgunits.models import OrgUnit, OrgUnitAlias
from mubiao.plans.models import Indicator, Milestone, Plan, SourceFile, Target
from mubiao.plans.selectors import MAX_ID
from mubiao.reporting.selectors import ProgressRow, plan_progress, plan_scores

ModelT = TypeVar("ModelT", bound=Model)


def plans_for_api() -> QuerySet[Plan]:
    """Plans with their area, their source files (without the file content) and their counts.

    `target_count` counts targets that hold a value; cleared (blank) cells are not targets set.
    """
    source_files = SourceFile.objects.defer("content").order_by("imported_at", "id")
    return (
        Plan.objects.select_related("area")
        .prefetch_related(Prefetch("source_files", queryset=source_files))
        .annotate(
            indicator_count=Count("indicators", distinct=True),
            target_count=Count(
                "indicators__targets", filter=Q(indicators__targets__value__isnull=False), distinct=True
            ),
        )
        .order_by("-start_year", "title", "id")
    )


def plans_for_findings() -> QuerySet[Plan]:
    """Plans with just what `plan_findings` reads from the plan row itself."""
    return Plan.objects.select_related("area")


def indicators_for_api(*, plan: Plan | None = None) -> QuerySet[Indicator]:
    """Indicators in table order, with lead departments and milestones prefetched."""
    indicators = Indicator.objects.prefetch_related(
        "lead_departments", Prefetch("milestones", queryset=Milestone.objects.order_by("year", "level"))
    ).order_by("plan_id", "position", "id")
    if plan is not None:
        indicators = indicators.filter(plan=plan)
    return indicators


def indicator_by_id(pk: int) -> Indicator | None:
    return Indicator.objects.filter(pk=pk).first() if pk <= MAX_ID else None


def indicator_numbered(plan: Plan, number: str) -> Indicator | None:
    """The plan's indicator with this number in the table (序号 "3"), if it has one."""
    return Indicator.objects.filter(plan=plan, number=number).first()


def orgunits_for_api(*, parent: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """Org units, roots first, then each unit's children together in table order; aliases prefetched.

    NULLs sort first on SQLite and last on PostgreSQL: the roots are put first explicitly.
    """
    units = OrgUnit.objects.prefetch_related(
        Prefetch("aliases", queryset=OrgUnitAlias.objects.order_by("id"))
    ).order_by(F("parent_id").asc(nulls_first=True), "position", "id")
    if parent is not None:
        units = units.filter(parent=parent)
    return units


def orgunit_by_id(pk: int) -> OrgUnit | None:
    return OrgUnit.objects.filter(pk=pk).first() if pk <= MAX_ID else None


def orgunits_named(name: str) -> list[OrgUnit]:
    """Units whose short name, full name or alias is `name`, inner spaces and widths ignored.

    More than one unit can answer (two cities may each have a 城中区); the caller decides.
    """
    spellings = sorted({name.strip(), squash(name)} - {""})
    if not spellings:
        return []
    matching = Q(short_name__in=spellings) | Q(name__in=spellings) | Q(pk__in=_alias_owner_ids(spellings))
    return list(OrgUnit.objects.filter(matching).order_by("id"))


def _alias_owner_ids(spellings: Sequence[str]) -> QuerySet[OrgUnitAlias, int]:
    return OrgUnitAlias.objects.filter(alias__in=spellings).values_list("unit_id", flat=True)


@dataclass(frozen=True)
class TargetQuery:
    """What the targets endpoint was asked for; None means 'any'."""

    plan: Plan | None = None
    indicator: Indicator | None = None
    unit_ids: tuple[int, ...] | None = None
    year: int | None = None
    level: str | None = None
    include_cleared: bool = False


def targets_for_api(query: TargetQuery) -> QuerySet[Target]:
    """Targets in the order of the published table: indicator, year, level, the city first, then its units.

    Each row comes with its indicator, unit and source file in the same query; the file's
    content is never read.
    """
    targets = (
        Target.objects.select_related("indicator", "org_unit", "source_file")
        .defer("source_file__content")
        .annotate(area_first=Case(When(org_unit_id=F("indicator__plan__area_id"), then=Value(0)), default=Value(1)))
        .order_by(
            "indicator__plan_id",
            "indicator__position",
            "indicator_id",
            "year",
            "level",
            "area_first",
            "org_unit__position",
            "org_unit_id",
        )
    )
    if not query.include_cleared:
        targets = targets.filter(value__isnull=False)
    if query.plan is not None:
        targets = targets.filter(indicator__plan=query.plan)
    if query.indicator is not None:
        targets = targets.filter(indicator=query.indicator)
    if query.unit_ids is not None:
        targets = targets.filter(org_unit_id__in=query.unit_ids)
    if query.year is not None:
        targets = targets.filter(year=query.year)
    if query.level is not None:
        targets = targets.filter(level=query.level)
    return targets


@dataclass(frozen=True)
class IndicatorRanking:
    """One indicator's units for a period: those with a rate best first (ties share a rank), then
    those without a committed target (rank None) in table order. The city itself is not ranked."""

    indicator_number: str
    indicator: str
    units: list[ProgressRow]


@dataclass(frozen=True)
class PlanRankings:
    """Who ranks where in a period: per indicator, and by composite score across the indicators."""

    plan: Plan
    year: int
    period: Period
    indicators: list[IndicatorRanking]
    scores: list[CompositeScore]


def plan_rankings(
    plan: Plan, *, year: int, period: Period | None = None, viewer: Viewer = None, include_pending: bool = False
) -> PlanRankings:
    """The rankings `plan_progress` and `plan_scores` compute, grouped by indicator; nothing is re-ranked here.

    Of the figures `viewer` may see: approved ones, and with `include_pending` those not yet approved in
    the viewer's scope."""
    progress = plan_progress(plan, year=year, period=period, viewer=viewer, include_pending=include_pending)
    rows_by_indicator: dict[str, list[ProgressRow]] = {}
    for row in progress.rows:
        rows_by_indicator.setdefault(row.indicator_number, []).append(row)
    indicators = [
        IndicatorRanking(
            indicator_number=number,
            indicator=rows[0].indicator,
            units=sorted((row for row in rows if not row.is_city), key=lambda row: (row.rank is None, row.rank or 0)),
        )
        for number, rows in rows_by_indicator.items()
    ]
    return PlanRankings(plan, progress.year, progress.period, indicators, plan_scores(progress))


def record_or_404(model: type[ModelT], pk: int) -> ModelT:
    """The row with this id, or NotFound saying so as the API does elsewhere (Django's own words are English
    and name the model class)."""
    found = model._default_manager.filter(pk=min(pk, MAX_ID + 1)).first()
    if found is None:
        raise NotFound(_("编号为 {pk} 的{noun}不存在。").format(pk=pk, noun=model._meta.verbose_name))
    return found
