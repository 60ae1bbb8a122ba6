"""The import pages: an administrator uploads a decomposition table, sees what mubiao understood, corrects the
mapping, and commits — all or nothing.

    GET/POST /import/                    the upload form; a good upload is stored and the preview follows
    GET      /import/<sha256>/           the preview, the mapping from the query (blank fields: detected)
    POST     /import/<sha256>/           commit (the mapping in hidden fields), or apply a saved mapping file
    GET      /import/<sha256>/mapping.json   the effective mapping, as `mubiao import --save-mapping` writes it

The uploaded bytes wait under settings.IMPORT_UPLOAD_ROOT, named by their SHA-256; the session says which of
them this administrator uploaded. The commit reads the stored bytes again and understands them with the
submitted mapping: nothing the browser sends back is taken for a reading. Sizes are checked before a body is
read (the declared length, then a cap while the file streams in), file types by their content (read_grids),
and every refusal is a page with the reason — 400, 403, 404 or 413, never a 500.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from mubiao.accounts.permissions import Action, require
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.problems import Problem, TableError
from mubiao.plans.importing import ImportPreview, preview_file
from mubiao.reporting.importing import import_reading, preview_actuals
from mubiao.tables.mapping import LayoutMapping, MappingError
from mubiao.tables.sources import MAX_UPLOAD_BYTES, read_grids
from mubiao.web.importing import (
    FORM_OVERHEAD_BYTES,
    MAX_MAPPING_BYTES,
    SHA256,
    CappedUploadHandler,
    MappingForm,
    ProblemItem,
    clean_filename,
    conflict_items,
    conflict_text,
    declared_length,
    form_fields,
    mapping_form,
    mapping_values,
    pending_bytes,
    pending_store,
    plan_message,
    preview_page,
    session_filename,
    session_forget,
    session_remember,
    values_query,
)
from mubiao.web.views import denied_page

MEGABYTES = f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB"

#: How many conflicts the message after a commit names one by one; the preview lists them all.
SHOWN_CONFLICTS = 20

logger = logging.getLogger(__name__)


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user, Door.WEB)


def _refused(request: HttpRequest) -> HttpResponse | None:
    """The denied page unless the user administers (importing a plan is administration)."""
    try:
        require(_actor(request), Action.ADMINISTER)
    except PermissionDenied:
        message = _("只有管理员可以导入目标分解表")
        return denied_page(request, message)
    return None


def _too_large_message() -> str:
    return _("文件超过导入上限 %(limit)s，未读取也未保存") % {"limit": MEGABYTES}


def _problem_items(problems: list[Problem]) -> list[ProblemItem]:
    items = []
    for problem in problems:
        place = ""
        if problem.row is not None:
            place = _("第%(row)s行") % {"row": problem.row}
        if problem.column is not None:
            place += _("第%(column)s列") % {"column": problem.column}
        items.append(ProblemItem(problem.message, place, problem.expected, ""))
    return items


def _understood(content: bytes, filename: str, mapping: LayoutMapping) -> ImportPreview:
    """preview_file, with a reader's crash on a mapping it cannot use turned into a refusal, not a 500.

    The readers answer a bad mapping with problems; where one raises instead (a label column past the table's
    last column does, in crosstab), the administrator gets the page with the reason and the log gets the trace.
    """
    try:
        preview = preview_file(content, filename, mapping)
    except (LookupError, ValueError) as exc:
        logger.exception("import preview of %s failed with mapping %s", filename, mapping)
        message = _("无法按此映射读取表格：请检查所填的行号、列号是否在表格范围内")
        raise TableError(filename, [Problem(message)]) from exc
    return preview


# -- 1. the upload ------------------------------------------------------------------------------------


def _upload_page(
    request: HttpRequest, *, status: int = 200, error: str = "", problems: list[Problem] | None = None
) -> HttpResponse:
    context = {
        "limit": MEGABYTES,
        "error": error,
        "problems": _problem_items(problems or []),
        "area": request.POST.get("area", "") if request.method == "POST" else "",
    }
    return render(request, "web/import_upload.html", context, status=status)


@csrf_exempt  # checked by csrf_protect below, once the size is known and the upload capped
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    refused = _refused(request)
    if refused is not None:
        return refused
    if request.method != "POST":
        return _upload_page(request)
    if declared_length(request.META) > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        # Refused on the length it declares, before a byte of the body is read (request.POST is not touched).
        context = {"limit": MEGABYTES, "error": _too_large_message()}
        return render(request, "web/import_upload.html", context, status=413)
    cap = CappedUploadHandler(MAX_UPLOAD_BYTES, request)
    request.upload_handlers.insert(0, cap)
    response: HttpResponse = csrf_protect(_upload_received)(request, cap)
    return response


def _upload_received(request: HttpRequest, cap: CappedUploadHandler) -> HttpResponse:
    upload = request.FILES.get("file")
    if cap.exceeded or (upload is not None and upload.size is not None and upload.size > MAX_UPLOAD_BYTES):
        return _upload_page(request, status=413, error=_too_large_message())
    if upload is None:
        return _upload_page(request, status=400, error=_("请选择要导入的文件"))
    filename = clean_filename(upload.name or "")
    if not filename:
        return _upload_page(request, status=400, error=_("文件没有名称"))
    content = upload.read()
    try:
        read_grids(content, filename)  # type and structure by content; nothing is stored until it opens
    except TableError as error:
        return _upload_page(
            request, status=400, error=_("无法读取“%(name)s”") % {"name": filename}, problems=error.problems
        )
    sha256 = pending_store(content)
    session_remember(request.session, sha256, filename)
    area = request.POST.get("area", "").strip()[:100]
    query = "?" + urlencode({"area": area}) if area else ""
    return HttpResponseRedirect(reverse("web:import_preview", args=[sha256]) + query)


# -- 2. the preview, and the commit -------------------------------------------------------------------


def _stored(request: HttpRequest, sha256: str) -> tuple[str, bytes] | HttpResponse:
    """The upload's name and bytes, or the page saying they are not (or no longer) there."""
    filename = session_filename(request.session, sha256) if SHA256.fullmatch(sha256) else None
    content = pending_bytes(sha256) if filename is not None else None
    if filename is None or content is None:
        message = _("找不到这次上传的文件（可能已过期，或不是在本次登录中上传的），请重新上传")
        return render(request, "web/import_upload.html", {"limit": MEGABYTES, "error": message}, status=404)
    return filename, content


def _failed(request: HttpRequest, sha256: str, filename: str, form: MappingForm, error: TableError) -> HttpResponse:
    """The file could not be understood with this mapping at all (a sheet that is not there, say)."""
    context = {
        "sha256": sha256,
        "filename": filename,
        "problems": _problem_items(error.problems),
        "form": form,
    }
    return render(request, "web/import_failed.html", context, status=400)


def _preview_response(
    request: HttpRequest,
    sha256: str,
    filename: str,
    form: MappingForm,
    preview: ImportPreview,
    *,
    status: int = 200,
    refusal: list[Problem] | None = None,
    mapping_error: str = "",
    confirm_error: str = "",
    confirmed: bool = False,
) -> HttpResponse:
    figures = preview_actuals(preview)
    page = preview_page(preview, filename, figures.conflicts, figures.changes, figures.counts)
    url = reverse("web:import_preview", args=[sha256])
    context = {
        "sha256": sha256,
        "page": page,
        "form": form,
        "fields": form_fields(form, page),
        "preview_url": url,
        "mapping_url": reverse("web:import_mapping", args=[sha256]),
        "refusal": _problem_items(refusal) if refusal else [],
        "mapping_error": mapping_error,
        "confirm_error": confirm_error,
        "confirmed": confirmed,
        "mapping_limit": f"{MAX_MAPPING_BYTES // 1024} KB",
        "problem_prefix": _("问题：%(message)s") % {"message": ""},
    }
    return render(request, "web/import_preview.html", context, status=status)


def _previewed(
    request: HttpRequest, sha256: str, filename: str, content: bytes, form: MappingForm, **extra: Any
) -> HttpResponse:
    try:
        preview = _understood(content, filename, form.mapping)
    except TableError as error:
        return _failed(request, sha256, filename, form, error)
    status = extra.pop("status", 400 if form.errors else 200)
    return _preview_response(request, sha256, filename, form, preview, status=status, **extra)


@csrf_exempt  # checked by csrf_protect below, once the size is known and the upload capped
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_preview(request: HttpRequest, sha256: str) -> HttpResponse:
    refused = _refused(request)
    if refused is not None:
        return refused
    stored = _stored(request, sha256)
    if isinstance(stored, HttpResponse):
        return stored
    filename, content = stored
    if request.method != "POST":
        return _previewed(request, sha256, filename, content, mapping_form(request.GET))
    if declared_length(request.META) > MAX_MAPPING_BYTES + FORM_OVERHEAD_BYTES:
        message = _("映射文件超过 %(limit)s，不是 mubiao 保存的映射文件") % {"limit": f"{MAX_MAPPING_BYTES // 1024} KB"}
        return _previewed(
            request, sha256, filename, content, mapping_form(request.GET), status=413, mapping_error=message
        )
    cap = CappedUploadHandler(MAX_MAPPING_BYTES, request)
    request.upload_handlers.insert(0, cap)
    response: HttpResponse = csrf_protect(_preview_posted)(request, sha256, filename, content, cap)
    return response


def _preview_posted(
    request: HttpRequest, sha256: str, filename: str, content: bytes, cap: CappedUploadHandler
) -> HttpResponse:
    if "apply_mapping" in request.POST:
        return _apply_mapping(request, sha256, filename, content, cap)
    return _commit(request, sha256, filename, content)


def _apply_mapping(
    request: HttpRequest, sha256: str, filename: str, content: bytes, cap: CappedUploadHandler
) -> HttpResponse:
    """A saved mapping file, read into the form's fields: the preview follows with it."""
    upload = request.FILES.get("mapping_file")
    current = mapping_form(request.GET)
    error = ""
    if cap.exceeded or (upload is not None and upload.size is not None and upload.size > MAX_MAPPING_BYTES):
        error = _("映射文件超过 %(limit)s，不是 mubiao 保存的映射文件") % {"limit": f"{MAX_MAPPING_BYTES // 1024} KB"}
    elif upload is None:
        error = _("请选择映射文件（JSON）")
    else:
        try:
            mapping = LayoutMapping.from_json(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            error = _("映射文件不是 UTF-8 文本")
        except MappingError as exc:
            error = _("映射文件无法使用：%(reason)s") % {"reason": str(exc)}
        else:
            query = values_query(mapping_values(mapping))
            return HttpResponseRedirect(reverse("web:import_preview", args=[sha256]) + ("?" + query if query else ""))
    return _previewed(request, sha256, filename, content, current, status=400, mapping_error=error)


def _commit(request: HttpRequest, sha256: str, filename: str, content: bytes) -> HttpResponse:
    """Understand the stored bytes again with the submitted mapping and write them, all or nothing."""
    form = mapping_form(request.POST)
    confirmed = request.POST.get("confirm_units") == "1"
    try:
        preview = _understood(content, filename, form.mapping)
    except TableError as error:
        return _failed(request, sha256, filename, form, error)
    understanding = preview.understanding

    def refused(**why: Any) -> HttpResponse:
        return _preview_response(request, sha256, filename, form, preview, status=400, confirmed=confirmed, **why)

    if form.errors:
        return refused()
    if not understanding.can_commit or understanding.reading is None:
        return refused(refusal=understanding.problems or [Problem(_("表格没有可导入的数值"))])
    if preview.area_exists and preview.new_units and not confirmed:
        count = len(preview.new_units)
        return refused(confirm_error=_("表中有%(count)s个新单位：请核对后勾选“确认创建这些新单位”") % {"count": count})
    try:
        outcome = import_reading(
            reading=understanding.reading,
            content=content,
            filename=filename,
            actor=_actor(request),
            area_name=form.mapping.area,
            create_units=confirmed,
        )
    except TableError as error:
        return refused(refusal=error.problems)
    session_forget(request.session, sha256)
    messages.success(request, plan_message(outcome))
    conflicts = conflict_items(outcome.conflicts)
    for item in conflicts[:SHOWN_CONFLICTS]:
        messages.warning(request, conflict_text(item))
    if len(conflicts) > SHOWN_CONFLICTS:
        more = len(conflicts) - SHOWN_CONFLICTS
        messages.warning(request, _("另有 %(count)s 处与已填报数据不一致") % {"count": more})
    return HttpResponseRedirect(reverse("web:plan", args=[outcome.plan.pk]))


# -- the mapping file ---------------------------------------------------------------------------------


@login_required
@require_safe
def import_mapping(request: HttpRequest, sha256: str) -> HttpResponse:
    """The effective mapping of the preview as it stands, in the format of `mubiao import --save-mapping`."""
    refused = _refused(request)
    if refused is not None:
        return refused
    stored = _stored(request, sha256)
    if isinstance(stored, HttpResponse):
        return stored
    filename, content = stored
    form = mapping_form(request.GET)
    try:
        preview = _understood(content, filename, form.mapping)
    except TableError as error:
        return _failed(request, sha256, filename, form, error)
    if form.errors:
        return _preview_response(request, sha256, filename, form, preview, status=400)
    response = HttpResponse(
        preview.understanding.mapping.to_json() + "\n", content_type="application/json; charset=utf-8"
    )
    name = f"{Path(filename).stem or 'table'}.mapping.json"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
