"""The bulletins (通报): the issued ones listed for everyone; a draft an administrator reviews, edits and issues.

The draft's text is generated from approved figures only (mubiao.exports.bulletin); the administrator edits
it in the browser, may download it as Word or PDF to read it through, and issues it: numbered, stored
with its SHA-256, audited. Re-issuing a period makes a new version; nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from mubiao.accounts.permissions import Action, can, grants_for
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.refusals import Refusal, Refused
from mubiao.exports.bulletin import HEADINGS, BulletinText
from mubiao.exports.bulletin_document import Section
from mubiao.exports.bulletin_pdf import FontsMissing
from mubiao.exports.downloads import document_response
from mubiao.exports.models import Bulletin
from mubiao.exports.services import (
    BulletinFileDamaged,
    bulletin_file,
    bulletin_issue,
    checked_text,
    draft_file,
    draft_for,
    next_numbering,
)
from mubiao.plans.models import Plan
from mubiao.plans.selectors import MAX_ID
from mubiao.refusals import refusals_by_field
from mubiao.reporting.selectors import latest_actual_year
from mubiao.web.dashboard import DashboardQueryError, Selection, chosen_selection
from mubiao.web.views import _plan_or_404, denied_page


def _may_issue(request: HttpRequest) -> bool:
    return can(grants_for(request.user), Action.ADMINISTER)


@require_safe
def bulletins(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    issued = list(
        Bulletin.objects.filter(plan=plan).only(
            "id",
            "number",
            "version",
            "period",
            "issue_label",
            "title",
            "issued_at",
            "issued_by_label",
            "docx_sha256",
            "pdf_sha256",
            "docx_size",
            "pdf_size",
        )
    )
    # The year offered first: the latest with approved figures, as the progress pages open on.
    latest = latest_actual_year(plan) or plan.start_year
    return render(
        request,
        "web/bulletins.html",
        {"plan": plan, "issued": issued, "may_issue": _may_issue(request), "years": list(plan.years), "latest": latest},
    )


def _selection(plan: Plan, request: HttpRequest) -> Selection:
    query = request.GET if request.method != "POST" else request.POST
    return chosen_selection(plan, {key: query.get(key, "") for key in ("year", "period")})


def _text_from(post: Any, default: BulletinText) -> tuple[BulletinText, Refusal | None]:
    """The text as the form sends it (each line a paragraph), and the refusal of a date that is not one."""
    sections = tuple(
        Section(heading, tuple(line.strip() for line in post.get(f"section_{index}", "").splitlines() if line.strip()))
        for index, heading in enumerate(HEADINGS)
    )
    typed, bad_date = post.get("signed_on", "").strip(), None
    try:
        signed_on = dt.date.fromisoformat(typed) if typed else default.signed_on
    except ValueError:
        signed_on, bad_date = default.signed_on, Refusal("bulletin_date_invalid", "signed_on", {"text": typed[:40]})
    text = BulletinText(
        issuer=post.get("issuer", "").strip(),
        issue_label=post.get("issue_label", "").strip(),
        title=post.get("title", "").strip(),
        recipients=post.get("recipients", "").strip(),
        sections=sections,
        signature=post.get("signature", "").strip(),
        signed_on=signed_on,
        copies_to=post.get("copies_to", "").strip(),
    )
    return text, bad_date


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_draft(request: HttpRequest, plan_id: int) -> HttpResponse | FileResponse:
    plan = _plan_or_404(plan_id)
    if not _may_issue(request):
        message = _("只有管理员可以起草和签发通报")
        return denied_page(request, message)
    try:
        selection = _selection(plan, request)
        facts, default = draft_for(plan, year=selection.year, period=selection.period)
    except (DashboardQueryError, ValueError) as error:
        return render(request, "web/progress_missing.html", {"plan": plan, "message": str(error)}, status=404)
    text, errors, status = default, {}, 200
    if request.method == "POST":
        action = request.POST.get("action")
        text, bad_date = _text_from(request.POST, default)
        try:
            if bad_date is not None:
                raise Refused(bad_date)
            if action in ("docx", "pdf"):
                text = checked_text(text, plan)
                content, _version = draft_file(plan, facts, text, action)
                return document_response(content, f"{text.title}（草稿）", action)
            if action == "issue":
                actor = Actor.for_user(request.user, Door.WEB)
                bulletin = bulletin_issue(
                    actor=actor,
                    plan=plan,
                    year=selection.year,
                    period=facts.period,
                    text=text,
                    expected_digest=request.POST.get("facts", ""),
                )
                messages.success(request, _("已签发：%(bulletin)s") % {"bulletin": str(bulletin)})
                return HttpResponseRedirect(reverse("web:bulletins", args=[plan.pk]))
            raise Http404(_("未知的操作"))
        except PermissionDenied as denied:
            return denied_page(request, denied)
        except Refused as refused:
            errors, status = refusals_by_field(refused.refusals, "form"), 400
        except FontsMissing as missing:
            errors, status = {"form": [str(missing)]}, 503  # the set-up was not run: say so, not a server error
    numbering = next_numbering(plan, facts.period)
    return render(
        request,
        "web/bulletin_draft.html",
        {
            "plan": plan,
            "facts": facts,
            "text": text,
            "sections": [
                (index, section.heading, "\n".join(section.paragraphs), errors.get(f"section_{index}", []))
                for index, section in enumerate(text.sections)
            ],
            "numbering": numbering,
            "year": selection.year,
            "period": str(facts.period),
            # The figures the text below was written from: issuing refuses when they have changed since.
            "facts_digest": request.POST.get("facts", facts.digest) if request.method == "POST" else facts.digest,
            "errors": errors,
        },
        status=status,
    )


@require_safe
def bulletin_download(request: HttpRequest, bulletin_id: int, kind: str) -> FileResponse:
    """An issued bulletin as it was issued, checked against its SHA-256: public, as the bulletin itself is."""
    bulletin = get_object_or_404(Bulletin, pk=min(bulletin_id, MAX_ID + 1))
    if kind not in ("docx", "pdf"):
        raise Http404(kind)
    try:
        content = bulletin_file(bulletin, kind)
    except BulletinFileDamaged as damaged:
        raise Http404(str(damaged)) from damaged
    suffix = f"（第{bulletin.version}版）" if bulletin.version > 1 else ""
    return document_response(content, f"{bulletin.issue_label}{bulletin.title}{suffix}", kind)
