"""The assessment page (考核办法): the plan's rules and its bonus, deduction and veto items.

Everyone may read them, as they read the rankings they produce; an administrator changes the rules,
records items and withdraws them here. Every refusal is shown under the field it concerns.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from mubiao.accounts.permissions import Action, can, grants_for, require
from mubiao.assessment.models import AssessmentItem
from mubiao.assessment.selectors import plan_items, rules_of, scheme_of
from mubiao.assessment.services import item_add, item_withdraw, scheme_save
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.assessment import ZERO, ItemKind
from mubiao.domain.numbers import format_decimal
from mubiao.domain.refusals import Refused
from mubiao.exports.downloads import download_name
from mubiao.plans.models import Plan
from mubiao.plans.selectors import MAX_ID, plan_indicators
from mubiao.refusals import refusals_by_field
from mubiao.reporting.evidence import EvidenceRefused, evidence_bytes, stored_name_of
from mubiao.web.views import _plan_or_404, denied_page

#: How many tier rows the form offers (empty ones are left out).
TIER_ROWS = 6


@dataclass(frozen=True)
class PointsRow:
    number: str
    name: str
    points: str


def _context(plan: Plan, request: HttpRequest, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    scheme = scheme_of(plan)
    rules = rules_of(plan, scheme)
    grants = grants_for(request.user)
    tiers = [(tier.label, format_decimal(tier.bound)) for tier in rules.tiers]
    return {
        "plan": plan,
        "may_edit": can(grants, Action.ADMINISTER),
        "may_read_evidence": can(grants, Action.VIEW_PENDING),
        "cap": format_decimal(rules.cap),
        "bonus_cap": format_decimal(rules.bonus_cap),
        "rules": rules,
        "rules_text": rules.summary(),
        "version": scheme.version if scheme else "",
        "points": [
            PointsRow(i.number, i.name, format_decimal(rules.points.get(i.number, ZERO))) for i in plan_indicators(plan)
        ],
        "tiers": tiers + [("", "")] * (TIER_ROWS - len(tiers)),
        "items": plan_items(plan),
        "units": list(plan.plan_units.order_by("position").values_list("org_unit_id", "header_name")),
        "kinds": [(kind.value, kind.label) for kind in ItemKind],
        "years": list(plan.years),
        "months": range(1, 13),
        "errors": errors or {},
        "form": request.POST if request.method == "POST" else {},
    }


@require_http_methods(["GET", "HEAD", "POST"])
def assessment(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    if request.method != "POST":
        return render(request, "web/assessment.html", _context(plan, request))
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
    actor = Actor.for_user(request.user, Door.WEB)
    form = request.POST.get("form")
    try:
        if form == "rules":
            _save_rules(actor, plan, request)
            messages.success(request, _("考核办法已保存"))
        elif form == "item":
            upload = request.FILES.get("evidence")
            item = item_add(
                actor=actor,
                plan=plan,
                org_unit_id=_int(request.POST.get("org_unit")),
                year=request.POST.get("year", ""),
                month=request.POST.get("month", "1"),
                kind=request.POST.get("kind", ""),
                points=request.POST.get("points") or "0",
                reason=request.POST.get("reason", ""),
                basis=request.POST.get("basis", ""),
                evidence=(upload.name or "", upload.read()) if upload is not None else None,
            )
            messages.success(request, _("已登记：%(item)s") % {"item": str(item)})
        elif form == "withdraw":
            item = get_object_or_404(AssessmentItem, pk=_int(request.POST.get("item")), plan=plan)
            item_withdraw(actor=actor, item=item, reason=request.POST.get("withdraw_reason", ""))
            messages.success(request, _("已撤销：%(item)s") % {"item": str(item)})
        else:
            raise Http404(_("未知的表单"))
    except PermissionDenied as denied:
        return denied_page(request, denied)
    except Refused as refused:
        errors = {f"{form}_{field}": texts for field, texts in refusals_by_field(refused.refusals, "form").items()}
        return render(request, "web/assessment.html", _context(plan, request, errors), status=400)
    return HttpResponseRedirect(reverse("web:assessment", args=[plan.pk]))


def _int(text: str | None) -> int:
    """An id from a form: anything else is an id nothing has (0), so the service refuses it by name."""
    value = (text or "").strip()
    return min(int(value), MAX_ID + 1) if value.isascii() and value.isdigit() else 0


def _save_rules(actor: Actor, plan: Plan, request: HttpRequest) -> None:
    post = request.POST
    tiers = [
        (post.get(f"tier_label_{i}", ""), post.get(f"tier_bound_{i}", "").strip())
        for i in range(TIER_ROWS)
        if post.get(f"tier_label_{i}", "").strip() or post.get(f"tier_bound_{i}", "").strip()
    ]
    if tiers and not tiers[-1][1]:
        tiers[-1] = (tiers[-1][0], "0")  # the last tier takes everyone left: its bound may stay blank
    version = post.get("version", "").strip()
    scheme_save(
        actor=actor,
        plan=plan,
        points={i.number: post.get(f"points_{i.number}", "") for i in plan_indicators(plan)},
        cap=post.get("cap", ""),
        bonus_cap=post.get("bonus_cap", ""),
        grade_basis=post.get("grade_basis", ""),
        tiers=tiers,
        # The form always says which version it showed; blank, it showed the defaults (no rules stored yet).
        expected_version=int(version) if version.isdigit() and len(version) < 10 else 0,
    )


@login_required
@require_safe
def assessment_evidence(request: HttpRequest, item_id: int) -> HttpResponse | FileResponse:
    """An item's evidence file, for administrators and viewers (the public sees the item's basis, not the file)."""
    item = get_object_or_404(AssessmentItem, pk=min(item_id, MAX_ID + 1))
    try:
        require(Actor.for_user(request.user, Door.WEB), Action.VIEW_PENDING, obj=item)
    except PermissionDenied as denied:
        return denied_page(request, denied)
    if not item.evidence_sha256:
        raise Http404(_("该事项没有证明材料"))
    try:
        content = evidence_bytes(stored_name_of(item.evidence_sha256), item.evidence_sha256)
    except (EvidenceRefused, OSError) as error:
        raise Http404(str(error)) from error
    stem, suffix = os.path.splitext(item.evidence_name)
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=download_name(stem, suffix))
