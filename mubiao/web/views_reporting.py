"""The reporting pages: a reporter's due list and entry form, a reviewer's queue, a figure's history, evidence.

Thin doors over mubiao.reporting.workflow: every write goes through its services (which check the
permission, lock the row, compare the version and write the audit record), and the page answers
what the service said — 400 with the refusal next to the field, 409 for a stale save, 403 when not allowed.
Refusals are data (code, field, params): the page puts each one's words under the field it names and
never reads a message to find out where it belongs. What is typed in the value field is read by the
workflow's `figure_parse`, the domain's one number parser, before any service is called.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mubiao.accounts.permissions import Action, can, grants_for, require
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.refusals import Refusal
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator
from mubiao.refusals import refusal_text, refusals_by_field
from mubiao.reporting.due import actual_history, due_items, review_queue
from mubiao.reporting.models import ActualStatus, ActualValue, Evidence
from mubiao.reporting.workflow import (
    NeedsAcknowledgement,
    StaleVersion,
    WorkflowError,
    actual_approve,
    actual_enter,
    actual_return,
    actual_submit,
    actual_unlock,
    evidence_attach,
    evidence_read,
    figure_parse,
    period_parse,
)
from mubiao.web.reporting import (
    entry_page,
    history_rows,
    label_of_period,
    review_rows,
)
from mubiao.web.reporting import (
    report_home as report_home_page,
)
from mubiao.web.views import denied_page

#: The entry form's fields a refusal can be shown under; a refusal about anything else (its status, its
#: version, the period) is shown above the form. The workflow calls the evidence file `file`.
ENTRY_FIELDS = {"value": "value", "note": "note", "file": "evidence"}

#: How many approved figures the administrator's unlock list shows: the most recently reviewed first, then
#: the most recently imported or entered.
RECENTLY_APPROVED = 50


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user, Door.WEB)


def _denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return denied_page(request, error)


def _unseen_or_denied(request: HttpRequest, error: PermissionDenied, actual: ActualValue) -> HttpResponse:
    """A refusal about a figure: 404 when the figure is pending — to a reader who may not see it, it does
    not exist (as the API answers) — 403 when it is approved, which anyone may know of. Either way the
    attempt is already recorded as a security event by `require`."""
    if actual.status != ActualStatus.APPROVED:
        raise Http404(_("找不到该数据"))
    return _denied(request, error)


def _lead_department_ids(indicator: Indicator) -> list[int]:
    return [department.pk for department in indicator.lead_departments.all()]


def _version(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except (TypeError, ValueError):
        return None


# -- the reporter's home -----------------------------------------------------------------------------


@login_required
@require_safe
def report_home(request: HttpRequest) -> HttpResponse:
    page = report_home_page(due_items(user=request.user))
    return render(request, "web/reporting_home.html", {"page": page})


# -- the entry page ----------------------------------------------------------------------------------


def _entry_target(indicator_id: int, org_unit_id: int, period: str) -> tuple[Indicator, OrgUnit, str]:
    """The figure an entry page is about; a period the indicator cannot have is not found.

    The period is checked by the workflow's one rule (readable, within the plan, at the indicator's
    frequency); a figure stored before that rule existed stays reachable at its period.
    """
    indicator = get_object_or_404(Indicator.objects.select_related("plan"), pk=indicator_id)
    org_unit = get_object_or_404(OrgUnit, pk=org_unit_id)
    try:
        parsed = str(period_parse(indicator, period))
    except WorkflowError as error:
        if (
            error.code == "period_wrong_frequency"
            and ActualValue.objects.filter(indicator=indicator, org_unit=org_unit, period=period).exists()
        ):
            return indicator, org_unit, period
        raise Http404(str(error)) from error
    return indicator, org_unit, parsed


def _entry_errors(refusals: tuple[Refusal, ...]) -> dict[str, str]:
    """The refusals' words by the form field they name; the rest above the form."""
    grouped: dict[str, list[str]] = {}
    for field, texts in refusals_by_field(refusals, default="form").items():
        grouped.setdefault(ENTRY_FIELDS.get(field, "form"), []).extend(texts)
    return {field: "；".join(texts) for field, texts in grouped.items()}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_entry(request: HttpRequest, indicator_id: int, org_unit_id: int, period: str) -> HttpResponse:
    indicator, org_unit, period = _entry_target(indicator_id, org_unit_id, period)
    actual = ActualValue.objects.filter(indicator=indicator, org_unit=org_unit, period=period).first()
    actor = _actor(request)
    departments = _lead_department_ids(indicator)
    grants = grants_for(request.user)
    may_enter = can(grants, Action.ENTER, org_unit_id=org_unit.pk)
    seen = Action.VIEW if actual is not None and actual.status == ActualStatus.APPROVED else Action.VIEW_PENDING
    try:
        if request.method == "POST":
            require(actor, Action.ENTER, obj=actual or indicator, org_unit_id=org_unit.pk, grants=grants)
            if "submit" in request.POST:
                require(actor, Action.SUBMIT, obj=actual or indicator, org_unit_id=org_unit.pk, grants=grants)
        elif not may_enter:
            require(
                actor,
                seen,
                obj=actual or indicator,
                org_unit_id=org_unit.pk,
                lead_department_ids=departments,
                grants=grants,
            )
    except PermissionDenied as error:
        return _denied(request, error)

    # The way back: a reporter's list for whoever may enter here, the review queue for a reviewer reading it.
    back = (
        (reverse("web:report_home"), _("我的填报"))
        if may_enter
        else (reverse("web:review"), _("审核"))
        if grants.is_admin or grants.reviewer_departments
        else (reverse("web:home"), _("规划"))
    )
    if request.method != "POST":
        page = entry_page(indicator=indicator, org_unit=org_unit, period=period, actual=actual, may_enter=may_enter)
        return render(request, "web/reporting_entry.html", {"page": page, "back": back})

    typed = {"value": request.POST.get("value", ""), "note": request.POST.get("note", "")}
    acknowledged = request.POST.get("acknowledged", "") in {"1", "on", "true"}
    errors: dict[str, str] = {}
    status = 400
    needs_acknowledgement = False
    try:
        value = figure_parse(indicator, typed["value"])
        _save(request, actor, indicator, org_unit, period, actual, value, typed["note"], acknowledged)
    except StaleVersion as error:
        errors = _entry_errors(error.refusals)
        status = 409
    except NeedsAcknowledgement as error:
        errors = _entry_errors(error.refusals)
        needs_acknowledgement = True
    except WorkflowError as error:
        errors = _entry_errors(error.refusals)
    except PermissionDenied as error:
        return _denied(request, error)
    else:
        if "submit" in request.POST:
            messages.success(request, _("已提交，等待牵头部门审核"))
        else:
            messages.success(request, _("草稿已保存"))
        return HttpResponseRedirect(request.path)
    # After a refusal the form shows what is stored now; what was typed stays, unless someone else saved since.
    current = ActualValue.objects.filter(pk=actual.pk).first() if actual is not None else None
    page = entry_page(
        indicator=indicator,
        org_unit=org_unit,
        period=period,
        actual=current,
        may_enter=may_enter,
        typed=None if status == 409 else typed,
        needs_acknowledgement=needs_acknowledgement,
    )
    return render(request, "web/reporting_entry.html", {"page": page, "errors": errors, "back": back}, status=status)


def _save(
    request: HttpRequest,
    actor: Actor,
    indicator: Indicator,
    org_unit: OrgUnit,
    period: str,
    actual: ActualValue | None,
    value: Decimal | None,
    note: str,
    acknowledged: bool,
) -> ActualValue:
    """Save the draft, attach the files, and submit when asked — all or nothing.

    Permission was checked before (so a refusal's security event is not rolled back with the work);
    a refused file or a refused submission rolls back the saved value too. Every step compares the
    version the user saw with the stored one (the workflow refuses a stale one).
    """
    seen_version = _version(request.POST.get("version"))
    uploads = request.FILES.getlist("evidence")
    submitting = "submit" in request.POST
    with transaction.atomic():
        # Submitting a figure as it stands needs no new draft first; anything else is entered.
        ready = (
            actual is not None
            and actual.value == value
            and actual.note == note.strip()
            and actual.status in {ActualStatus.DRAFT.value, ActualStatus.RETURNED.value}
        )
        version = seen_version
        if not (submitting and ready):
            actual = actual_enter(
                actor=actor,
                indicator=indicator,
                org_unit=org_unit,
                period=period,
                value=value,
                note=note,
                expected_version=seen_version if actual is not None else None,
                acknowledged=acknowledged,
            )
            version = actual.version
        assert actual is not None
        for upload in uploads:
            evidence_attach(actor=actor, actual=actual, filename=upload.name or "", content=upload.read())
        if submitting:
            if version is None:
                raise WorkflowError(Refusal("version_required", "version"))
            actual = actual_submit(actor=actor, actual=actual, expected_version=version)
    return actual


# -- the review queue --------------------------------------------------------------------------------


def _review_context(request: HttpRequest) -> dict[str, Any]:
    grants = grants_for(request.user)
    approved: list[ActualValue] = []
    if grants.is_admin:
        approved = list(
            ActualValue.objects.filter(status=ActualStatus.APPROVED)
            .select_related("indicator", "org_unit", "submitted_by", "reviewed_by")
            .order_by(F("reviewed_at").desc(nulls_last=True), "-updated_at", "-pk")[:RECENTLY_APPROVED]
        )
    return {
        "rows": review_rows(review_queue(user=request.user)),
        "approved": review_rows(approved),
        "is_admin": grants.is_admin,
    }


@login_required
@require_safe
def review_home(request: HttpRequest) -> HttpResponse:
    grants = grants_for(request.user)
    if not (grants.is_admin or grants.reviewer_departments):
        return _denied(request, PermissionDenied(_("只有审核人和管理员可以审核")))
    return render(request, "web/reporting_review.html", _review_context(request))


@login_required
@require_POST
def review_step(request: HttpRequest, actual_id: int, step: str) -> HttpResponse:
    actual = get_object_or_404(ActualValue.objects.select_related("indicator", "org_unit"), pk=actual_id)
    actor = _actor(request)
    version = _version(request.POST.get("version"))
    reason = request.POST.get("reason", "").strip()
    errors: dict[int, str] = {}
    status = 400
    try:
        if version is None:
            raise WorkflowError(Refusal("version_required", "version"))
        if step == "approve":
            actual_approve(actor=actor, actual=actual, expected_version=version)
            messages.success(request, _("已通过：%(what)s") % {"what": _describe(actual)})
        elif step == "return":
            actual_return(actor=actor, actual=actual, reason=reason, expected_version=version)
            messages.success(request, _("已退回：%(what)s") % {"what": _describe(actual)})
        elif step == "unlock":
            actual_unlock(actor=actor, actual=actual, reason=reason, expected_version=version)
            messages.success(request, _("已解锁：%(what)s") % {"what": _describe(actual)})
        else:
            raise Http404(step)
    except PermissionDenied as error:
        return _denied(request, error)
    except StaleVersion as error:
        errors[actual.pk] = "；".join(refusal_text(refusal) for refusal in error.refusals)
        status = 409
    except WorkflowError as error:
        errors[actual.pk] = "；".join(refusal_text(refusal) for refusal in error.refusals)
    else:
        return HttpResponseRedirect(reverse("web:review"))
    context = _review_context(request) | {"errors": errors, "error_id": actual.pk, "error": errors[actual.pk]}
    return render(request, "web/reporting_review.html", context, status=status)


def _describe(actual: ActualValue) -> str:
    return f"{actual.org_unit.short_name} · {actual.indicator.name} · {label_of_period(actual.period)}"


# -- a figure's history, and its evidence ------------------------------------------------------------


@login_required
@require_safe
def value_history(request: HttpRequest, actual_id: int) -> HttpResponse:
    actual = get_object_or_404(ActualValue.objects.select_related("indicator", "org_unit"), pk=actual_id)
    try:
        # Even an approved figure's history shows its pending past (drafts, returned values and reasons),
        # so reading it takes the right to see the figure's pending values — as the API's history does.
        require(
            _actor(request),
            Action.VIEW_PENDING,
            obj=actual,
            org_unit_id=actual.org_unit_id,
            lead_department_ids=_lead_department_ids(actual.indicator),
        )
    except PermissionDenied as error:
        return _unseen_or_denied(request, error, actual)
    context = {
        "actual": actual,
        "what": _describe(actual),
        "status_label": ActualStatus(actual.status).label,
        "rows": history_rows(actual_history(actual)),
        "entry_url": reverse("web:report_entry", args=[actual.indicator_id, actual.org_unit_id, actual.period]),
    }
    return render(request, "web/reporting_history.html", context)


@login_required
@require_safe
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("actual"), pk=evidence_id)
    try:
        content = evidence_read(actor=_actor(request), evidence=evidence)
    except PermissionDenied as error:
        return _unseen_or_denied(request, error, evidence.actual)
    except WorkflowError as error:
        raise Http404(str(error)) from error
    response = HttpResponse(content, content_type=evidence.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, evidence.filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
