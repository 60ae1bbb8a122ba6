"""The exports as downloads, for the web pages and the API alike."""

from __future__ import annotations

import io
import re

from django.http import FileResponse

from mubiao.domain.periods import Period
from mubiao.exports.docx import official_document
from mubiao.exports.official import official_table
from mubiao.exports.progress import progress_sheet
from mubiao.exports.xlsx import official_workbook, progress_workbook
from mubiao.plans.models import Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
#: What no file name on Windows, macOS or Linux may hold, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def download_name(title: str, suffix: str) -> str:
    """A file name made of a title: characters a file system refuses become _, and it stays short."""
    return _UNSAFE.sub("_", title).strip(" .")[:80] + suffix


def document_response(content: bytes, title: str, kind: str) -> FileResponse:
    """A Word or PDF document as an attachment named after its title (a bulletin, issued or drafted)."""
    return _attachment(content, title, f".{kind}", DOCX if kind == "docx" else PDF)


def _attachment(content: bytes, title: str, suffix: str, content_type: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=download_name(title, suffix), content_type=content_type
    )


def official_xlsx_response(plan: Plan) -> FileResponse:
    """The plan's official table (.xlsx) as an attachment named after the plan."""
    return _attachment(official_workbook(official_table(plan)), f"{plan.title}目标分解任务表", ".xlsx", XLSX)


def progress_xlsx_response(plan: Plan, *, year: int, period: Period | None) -> FileResponse:
    """The progress sheet (附件1) of a period, approved figures only, as an attachment."""
    sheet = progress_sheet(plan, year=year, period=period)
    return _attachment(progress_workbook(sheet), f"{plan.title}{sheet.period_label}完成情况表", ".xlsx", XLSX)


def official_docx_response(plan: Plan) -> FileResponse:
    """The plan's official table as a Word attachment; Refused when it is too wide for Word."""
    return _attachment(official_document(official_table(plan)), f"{plan.title}目标分解任务表", ".docx", DOCX)
