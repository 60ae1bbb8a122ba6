"""The pages: each view finds its plan, asks the selectors, shapes the result and renders it."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mubiao.domain.refusals import Refused
from mubiao.exports.downloads import official_docx_response, official_xlsx_response
from mubiao.plans.models import Plan
from mubiao.plans.selectors import plan_by_id, plan_list, plan_table
from mubiao.web.presenters import chosen_severity, findings_page, plan_summary, source_file_views, table_page


def denied_page(request: HttpRequest, message: object = "") -> HttpResponse:
    """The 403 page, saying why: the refusal's words, or 无权访问."""
    return render(request, "web/reporting_denied.html", {"message": str(message) or _("无权访问")}, status=403)


def _plan_or_404(plan_id: int) -> Plan:
    plan = plan_by_id(plan_id)
    if plan is None:
        raise Http404(_("找不到编号为 %(id)s 的规划") % {"id": plan_id})
    return plan


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"summaries": [plan_summary(plan) for plan in plan_list()]})


@require_safe
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    page = table_page(plan_table(plan), source_file_views(plan))
    return render(request, "web/plan.html", {"page": page, "plan": plan})


@require_safe
def plan_export_xlsx(request: HttpRequest, plan_id: int) -> FileResponse:
    """The plan in its official layout (.xlsx): what the plan page shows everyone, approved figures only."""
    return official_xlsx_response(_plan_or_404(plan_id))


@require_safe
def plan_export_docx(request: HttpRequest, plan_id: int) -> HttpResponse | FileResponse:
    """The plan in its official layout as a Word attachment; a plan too wide for Word gets the reason."""
    plan = _plan_or_404(plan_id)
    try:
        return official_docx_response(plan)
    except Refused as refused:
        return render(request, "400.html", {"exception": str(refused)}, status=400)


@require_safe
def plan_findings(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    page = findings_page(plan_table(plan), chosen_severity(request.GET.get("severity")))
    return render(request, "web/findings.html", {"page": page, "plan": plan})


# -- the site's own error pages for what Django would answer with its bare ones ----------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: a request the site cannot take (a malformed upload, a suspicious file name), in the site's page."""
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form sent without its page's token — most often a page left open across a new sign-in."""
    message = _("表单已过期（可能在其他窗口重新登录过），请返回上一页、刷新后再提交。")
    return render(request, "403.html", {"exception": message}, status=403)
