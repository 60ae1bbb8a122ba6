"""The bulletins (通报) through the API: the issued ones listed, their files as issued, and a draft as a file.

Open to read like progress: a bulletin holds approved figures only. Issuing is done in the web app or on
the command line, where the text is reviewed first.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mubiao.accounts.permissions import Action, can, grants_for
from mubiao.api.filters import RankingFilter, parse_filters
from mubiao.api.permissions import API_PERMISSION_CLASSES, REPORTING_PERMISSION_CLASSES
from mubiao.api.selectors import record_or_404
from mubiao.exports.bulletin_pdf import FontsMissing
from mubiao.exports.downloads import DOCX, PDF, document_response
from mubiao.exports.models import Bulletin
from mubiao.exports.services import BulletinFileDamaged, bulletin_file, draft_file, draft_for
from mubiao.plans.models import Plan

_FILE = OpenApiParameter("file", str, enum=["docx", "pdf"], default="docx", description="docx 或 pdf")
_FILES = {
    (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="the .docx file"),
    (200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="the PDF file, its Chinese fonts embedded"),
}


def _kind(request: Request) -> str:
    kind = request.query_params.get("file", "docx")
    if kind not in ("docx", "pdf"):
        raise ValidationError({"file": [_("须为 docx 或 pdf")]})
    return kind


class BulletinSerializer(serializers.ModelSerializer):
    docx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "number",
            "version",
            "year",
            "period",
            "issue_label",
            "title",
            "issuer",
            "recipients",
            "signed_on",
            "issued_at",
            "issued_by_label",
            "docx_sha256",
            "docx_size",
            "pdf_sha256",
            "pdf_size",
            "docx_url",
            "pdf_url",
        ]

    def get_docx_url(self, bulletin: Bulletin) -> str:
        return reverse("api:bulletin-file", args=[bulletin.pk]) + "?file=docx"

    def get_pdf_url(self, bulletin: Bulletin) -> str:
        return reverse("api:bulletin-file", args=[bulletin.pk]) + "?file=pdf"


class PlanBulletinsView(APIView):
    permission_classes = API_PERMISSION_CLASSES

    @extend_schema(
        operation_id="plan_bulletins",
        summary="已签发的通报 Issued bulletins",
        description=(
            "规划已签发的全部通报，新的在前；同一期重新签发为新版本，旧版本保留。附文件的 SHA-256。\n\n"
            "Every bulletin issued for the plan, newest first; a re-issue is a new version and the old one "
            "stays. With each file's SHA-256."
        ),
        responses={200: BulletinSerializer(many=True)},
        tags=["bulletins"],
    )
    def get(self, request: Request, plan_id: int) -> Response:
        plan = record_or_404(Plan, plan_id)
        return Response(BulletinSerializer(Bulletin.objects.filter(plan=plan), many=True).data)


class BulletinFileView(APIView):
    permission_classes = API_PERMISSION_CLASSES

    @extend_schema(
        operation_id="bulletin_file",
        summary="通报文件 A bulletin's file",
        description=(
            "已签发通报的 .docx 或 PDF，与签发时完全相同（按 SHA-256 校验）。\n\n"
            "An issued bulletin's .docx or PDF exactly as issued, checked against its SHA-256."
        ),
        parameters=[_FILE],
        responses={**_FILES, 400: OpenApiResponse(description="file 无效"), 404: OpenApiResponse(description="不存在")},
        tags=["bulletins"],
    )
    def get(self, request: Request, bulletin_id: int) -> Any:
        bulletin = record_or_404(Bulletin, bulletin_id)
        kind = _kind(request)
        try:
            content = bulletin_file(bulletin, kind)
        except BulletinFileDamaged as damaged:
            raise NotFound(str(damaged)) from damaged
        return document_response(content, f"{bulletin.issue_label}{bulletin.title}", kind)


class BulletinDraftView(APIView):
    # A draft looks like the bulletin it may become: it is the administrators' to make, as on the web.
    permission_classes = REPORTING_PERMISSION_CLASSES

    @extend_schema(
        operation_id="plan_bulletin_draft",
        summary="通报草稿 A draft bulletin",
        description=(
            "管理员。按某年某期间审核通过的数据生成的通报草稿（未签发，不编号存档，标题下注明“草稿（未签发）”），"
            "正文为系统生成的文字。year 必填；period 默认为该年最新已报期间。\n\n"
            "Administrators only. The bulletin a period's approved figures give, as generated, not issued, and "
            "marked as a draft under its title. `year` is required; `period` defaults to the latest one reported."
        ),
        parameters=[RankingFilter, _FILE],
        responses={
            **_FILES,
            400: OpenApiResponse(description="year、period 或 file 无效"),
            401: OpenApiResponse(description="未登录"),
            403: OpenApiResponse(description="不是管理员"),
        },
        tags=["bulletins"],
    )
    def get(self, request: Request, plan_id: int) -> Any:
        plan = record_or_404(Plan, plan_id)
        if not can(grants_for(request.user), Action.ADMINISTER):
            raise PermissionDenied(_("只有管理员可以起草和签发通报"))
        filters = parse_filters(RankingFilter, request.query_params, context={"plan": plan})
        kind = _kind(request)
        facts, text = draft_for(plan, year=filters["year"], period=filters.get("period"))
        try:
            content, _version = draft_file(plan, facts, text, kind)
        except FontsMissing as missing:
            raise ValidationError({"file": [str(missing)]}) from missing
        return document_response(content, f"{text.title}（草稿）", kind)
