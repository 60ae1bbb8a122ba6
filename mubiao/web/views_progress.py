"""The progress pages: each finds its plan, reads the year and period asked for, asks the presenter, renders.

A query the dashboard cannot show (?year=abc, a year outside the plan, an unknown indicator or unit)
answers 404 with a page that says what was wrong and links back to the overview.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from mubiao.exports.downloads import progress_xlsx_response
from mubiao.plans.models import Plan
from mubiao.reporting.due import reminders
from mubiao.reporting.selectors import pending_switch_offered
from mubiao.web.dashboard import (
    DashboardQueryError,
    Selection,
    chosen_selection,
    indicator_page,
    milestones_page,
    overview_page,
    rankings_page,
    unit_page,
)
from mubiao.web.reporting import reminder_views
from mubiao.web.views import _plan_or_404


def _render(
    request: HttpRequest,
    plan_id: int,
    template: str,
    build: Callable[[Plan, Selection], object],
    extra: Callable[[Plan], dict[str, Any]] | None = None,
) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    try:
        # Whoever reads decides which figures not yet approved may count (none for anonymous visitors).
        page = build(plan, chosen_selection(plan, request.GET, request.user))
    except DashboardQueryError as error:
        return render(request, "web/progress_missing.html", {"plan": plan, "message": str(error)}, status=404)
    return render(request, template, {"plan": plan, "page": page} | (extra(plan) if extra else {}))


@require_safe
def progress_overview(request: HttpRequest, plan_id: int) -> HttpResponse:
    # Above the cards: which units have figures overdue or sent back (mubiao.reporting.due.reminders).
    return _render(
        request,
        plan_id,
        "web/progress_overview.html",
        overview_page,
        # Returned figures are pending ones: their count only for readers who may see the plan's pending figures.
        lambda plan: {
            "reminders": reminder_views(reminders(plan=plan), with_returned=pending_switch_offered(plan, request.user))
        },
    )


@require_safe
def progress_sheet_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse | FileResponse:
    """The progress sheet (附件1) of the period the pages show: approved figures only, whoever asks."""
    plan = _plan_or_404(plan_id)
    try:
        selection = chosen_selection(plan, request.GET)  # no viewer: pending figures never count
    except DashboardQueryError as error:
        return render(request, "web/progress_missing.html", {"plan": plan, "message": str(error)}, status=404)
    return progress_xlsx_response(plan, year=selection.year, period=selection.period)


@require_safe
def progress_indicator(request: HttpRequest, plan_id: int, number: str) -> HttpResponse:
    return _render(
        request,
        plan_id,
        "web/progress_indicator.html",
        lambda plan, selection: indicator_page(plan, selection, number),
    )


@require_safe
def progress_unit(request: HttpRequest, plan_id: int, org_unit_id: int) -> HttpResponse:
    return _render(
        request, plan_id, "web/progress_unit.html", lambda plan, selection: unit_page(plan, selection, org_unit_id)
    )


@require_safe
def progress_rankings(request: HttpRequest, plan_id: int) -> HttpResponse:
    view = request.GET.get("view", "score")
    return _render(
        request, plan_id, "web/progress_rankings.html", lambda plan, selection: rankings_page(plan, selection, view)
    )


@require_safe
def progress_milestones(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _render(request, plan_id, "web/progress_milestones.html", milestones_page)
