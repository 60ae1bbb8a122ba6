"""The exports as downloads, for the web pages and the API alike."""

from __future__ import annotations

import io
import re

from django.http import FileResponse

from mubiao.exports.official import official_table
from mubiao.exports.xlsx import official_workbook
from mubiao.plans.models import Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What no file name on Windows, macOS or Linux may hold, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def download_name(title: str, suffix: str) -> str:
    """A file name made of a title: characters a file system refuses become _, and it stays short."""
    return _UNSAFE.sub("_", title).strip(" .")[:80] + suffix


def official_xlsx_response(plan: Plan) -> FileResponse:
    """The plan's official table (.xlsx) as an attachment named after the plan."""
    content = official_workbook(official_table(plan))
    name = download_name(f"{plan.title}目标分解任务表", ".xlsx")
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=name, content_type=XLSX)
