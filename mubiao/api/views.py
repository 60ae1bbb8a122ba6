"""The read-only API door: check the query, call a selector, serialise. Nothing is computed here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponseBase
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from mubiao.api import selectors
from mubiao.api.filters import (
    FindingFilter,
    OrgUnitFilter,
    PlanFilter,
    ProgressFilter,
    RankingFilter,
    TargetFilter,
    parse_filters,
)
from mubiao.api.permissions import API_PERMISSION_CLASSES
from mubiao.api.serializers import (
    FindingSerializer,
    IndicatorSerializer,
    OrgUnitSerializer,
    PlanProgressSerializer,
    PlanRankingsSerializer,
    PlanSerializer,
    TargetSerializer,
)
from mubiao.domain.refusals import Refused
from mubiao.exports.downloads import (
    DOCX,
    XLSX,
    official_docx_response,
    official_xlsx_response,
    progress_xlsx_response,
)
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, Target
from mubiao.plans.selectors import plan_findings
from mubiao.reporting.selectors import plan_progress

_BAD_FILTER = OpenApiResponse(
    description="查询参数无效，响应说明哪个参数、为什么。A filter value is invalid; the body says which."
)
_NOT_FOUND = OpenApiResponse(description="编号不存在。No record with this id.")
_BAD_PERIOD = OpenApiResponse(
    description=(
        "缺少年份，或年份、期间、指标序号无效（年份须在规划期内，期间须在该年内），响应说明哪个参数、为什么。"
        "The year is missing, or the year, period or indicator is invalid for this plan; the body says which."
    )
)

#: The actions that read a plan row and compute from it, rather than list plans with their counts.
_PLAN_REPORTS = frozenset({"findings", "progress", "rankings"})


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail, nothing else: every other method answers 405. Permissions from one place."""

    permission_classes = API_PERMISSION_CLASSES

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except Http404 as missing:
            # Django's own message is English and names the model class; say it as the API does elsewhere.
            noun = self.get_queryset().model._meta.verbose_name
            raise NotFound(_("编号为 {pk} 的{noun}不存在。").format(pk=self.kwargs.get("pk"), noun=noun)) from missing

    @property
    def is_schema_generation(self) -> bool:
        # drf-spectacular builds a view without a real request to introspect it.
        return bool(getattr(self, "swagger_fake_view", False))


@extend_schema_view(
    list=extend_schema(
        summary="规划列表 List plans",
        description=(
            "全部规划（实施方案）及其目标分解表、来源文件与指标、目标数量。Every plan with its sources and counts."
        ),
    ),
    retrieve=extend_schema(
        summary="规划详情 Plan detail",
        description="一个规划：标题、附件编号、所属地区、起止年份、来源文件（不含内容）与指标、目标数量。",
        responses={200: PlanSerializer, 404: _NOT_FOUND},
    ),
)
class PlanViewSet(ReadOnlyViewSet):
    """Plans (规划) with their decomposition tables."""

    serializer_class = PlanSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        if self.action in _PLAN_REPORTS:
            return selectors.plans_for_findings()
        return selectors.plans_for_api()

    @extend_schema(
        summary="数据质量检查 Data-quality findings",
        description=(
            "规划目标数据的检查结果：合计不符、里程碑未达成、力争低于确保、确保低于上年实际、其中项超过总量。"
            "每条的形状与 `mubiao validate --format json` 相同，数值为 JSON 数字。\n\n"
            "The plan's data-quality findings (sums that do not add up, unmet milestones, stretch below "
            "committed, committed below last year's actual, parts exceeding their whole), in the same "
            "shape as `mubiao validate --format json`; numbers are JSON numbers. Not paginated."
        ),
        parameters=[FindingFilter],
        responses={200: FindingSerializer(many=True), 400: _BAD_FILTER, 404: _NOT_FOUND},
        examples=[
            OpenApiExample(
                "合计不符 A row that does not add up",
                response_only=True,
                value={
                    "rule": "sum_mismatch",
                    "severity": "error",
                    "indicator": "高新技术企业",
                    "indicator_number": "3",
                    "year": 2018,
                    "level": "committed",
                    "unit": None,
                    "expected": 310,
                    "found": 306,
                    "implied": {"三江": 4},
                    "message": (
                        "高新技术企业 2018年确保：各单位合计306，与合计310不符（相差4）。三江为空，若三江为4则相符。"
                    ),
                },
            )
        ],
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def findings(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        filters = parse_filters(FindingFilter, request.query_params)
        findings = [finding.as_dict() for finding in plan_findings(plan)]
        if "severity" in filters:
            findings = [finding for finding in findings if finding["severity"] == filters["severity"]]
        return Response(FindingSerializer(findings, many=True).data)

    @extend_schema(
        summary="正式版式的分解表 The official table (.xlsx)",
        description=(
            "规划的目标分解任务表，按正式印发的版式（附件）导出为 .xlsx：指标分块、年份、确保/力争/实际行、"
            "各单位列、责任单位，表头在每页重复。只含目标和审核通过的年度实际值；可再导入。\n\n"
            "The plan's decomposition table in its official layout as an .xlsx file: indicator blocks, years, "
            "committed/stretch/actual rows, one column per unit, the responsible units, the header repeated "
            "on every printed page. Targets and approved year-end actuals only; it imports back."
        ),
        parameters=[OpenApiParameter("file", str, enum=["xlsx", "docx"], default="xlsx", description="xlsx 或 docx")],
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="the .xlsx file"),
            (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="the .docx file (Word: at most 56 units)"),
            404: _NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="official-table", pagination_class=None)
    def official_table(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        plan = self.get_object()
        kind = request.query_params.get("file", "xlsx")
        if kind not in {"xlsx", "docx"}:
            raise ValidationError({"file": [_("须为 xlsx 或 docx")]})
        if kind == "xlsx":
            return official_xlsx_response(plan)
        try:
            return official_docx_response(plan)
        except Refused as refused:
            raise ValidationError({"file": [str(refused)]}) from refused

    @extend_schema(
        summary="完成情况表 The progress sheet (.xlsx)",
        description=(
            "某年某期间的完成情况表（附件1）：每个指标一节，市在前；确保、力争、累计、完成率、序时进度、"
            "与序时差、同比、位次、状态，按规划设定的百分点标绿、黄、红。只含审核通过的数据。"
            "year 必填；period 默认为该年最新已报期间。\n\n"
            "The progress sheet of a period as an .xlsx: one section per indicator, the city first; targets, "
            "the year-to-date figure, completion rates, the time-elapsed expectation and the gap to it, the "
            "change on last year, rank and status, flagged green, yellow or red by the plan's thresholds. "
            "Approved figures only. `year` is required; `period` defaults to the latest one reported."
        ),
        parameters=[RankingFilter],
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="the .xlsx file"),
            400: _BAD_PERIOD,
            404: _NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="progress-sheet", pagination_class=None)
    def progress_sheet(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        plan = self.get_object()
        filters = parse_filters(RankingFilter, request.query_params, context={"plan": plan})
        return progress_xlsx_response(plan, year=filters["year"], period=filters.get("period"))

    @extend_schema(
        summary="进度 Progress",
        description=(
            "某年某期间各单位（及市本身）每个指标的实际值、确保与力争目标、序时进度、完成率、状态与排名，"
            "以及里程碑累计进度。与 `mubiao progress --format json` 的 rows、milestones 完全相同："
            "数值为 JSON 数字，完成率为比值、保留三位小数（1.426 即 142.6%）。year 必填；"
            "period 默认为该年最新已报期间；indicator 为表中序号（不是编号 id）。\n\n"
            "Every unit's (and the city's) actual, committed and stretch targets, expectation, completion "
            "rates, status and rank on each indicator for a period of a year, and the cumulative progress "
            "toward the milestones. Rows and milestones are exactly those of `mubiao progress --format json`: "
            "numbers are JSON numbers, rates are ratios rounded to three decimals (1.426 = 142.6 %). "
            "`year` is required; `period` defaults to the latest one reported; `indicator` is the number in "
            "the table, not the id. Not paginated."
        ),
        parameters=[ProgressFilter],
        responses={200: PlanProgressSerializer, 400: _BAD_PERIOD, 404: _NOT_FOUND},
        examples=[
            OpenApiExample(
                "高新技术企业 2018 High-tech enterprises in 2018",
                response_only=True,
                value={
                    "plan": 1,
                    "year": 2018,
                    "period": "2018",
                    "rows": [
                        {
                            "indicator_number": "3",
                            "indicator": "高新技术企业",
                            "unit": "柳州市",
                            "period": "2018",
                            "actual": 442,
                            "committed": 310,
                            "stretch": None,
                            "expected": None,
                            "rate_committed": 1.426,
                            "rate_stretch": None,
                            "status": "above_committed",
                            "status_label": "完成确保",
                            "rank": None,
                            "note": "",
                        }
                    ],
                    "milestones": [
                        {
                            "indicator_number": "3",
                            "indicator": "高新技术企业",
                            "year": 2020,
                            "level": "committed",
                            "value": 460,
                            "phrase": "到2020年确保完成460家",
                            "reached": 442,
                            "upto_year": 2018,
                            "rate": 0.961,
                        }
                    ],
                },
            )
        ],
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def progress(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        filters = parse_filters(ProgressFilter, request.query_params, context={"plan": plan})
        # Whoever calls decides which figures not yet approved may count (none for anonymous callers).
        progress = plan_progress(
            plan,
            year=filters["year"],
            period=filters.get("period"),
            indicator_number=filters.get("indicator"),
            viewer=request.user,
            include_pending=filters["include_pending"],
        )
        return Response(PlanProgressSerializer(progress).data)

    @extend_schema(
        summary="排名 Rankings",
        description=(
            "某年某期间各指标的单位排名（按确保完成率，并列同名次，无确保目标的单位名次为 null，排在最后），"
            "以及各单位跨指标的综合得分：按指标权重对完成率加权平均，附算式与各项贡献。市本身不参与排名。"
            "year 必填；period 默认为该年最新已报期间。\n\n"
            "Per indicator, the units ranked by completion rate against committed (ties share a rank; units "
            "without a committed target come last with rank null), and each unit's composite score: the "
            "weighted mean of its rates over the indicators where it has a target, with the formula and each "
            "term. The city itself is not ranked. Not paginated."
        ),
        parameters=[RankingFilter],
        responses={200: PlanRankingsSerializer, 400: _BAD_PERIOD, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def rankings(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        filters = parse_filters(RankingFilter, request.query_params, context={"plan": plan})
        rankings = selectors.plan_rankings(
            plan,
            year=filters["year"],
            period=filters.get("period"),
            viewer=request.user,
            include_pending=filters["include_pending"],
        )
        return Response(PlanRankingsSerializer(rankings).data)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return {
            "findings": FindingSerializer,
            "progress": PlanProgressSerializer,
            "rankings": PlanRankingsSerializer,
        }.get(self.action, PlanSerializer)


@extend_schema_view(
    list=extend_schema(
        summary="指标列表 List indicators",
        description="指标（按表中顺序），可按规划筛选。Indicators in table order, optionally of one plan.",
        parameters=[PlanFilter],
        responses={200: IndicatorSerializer(many=True), 400: _BAD_FILTER},
    ),
    retrieve=extend_schema(
        summary="指标详情 Indicator detail",
        description="一个指标：序号、名称、完成目标、计量单位、类型、方向、牵头部门、责任单位、备注、其中项所属与里程碑。",
        responses={200: IndicatorSerializer, 404: _NOT_FOUND},
    ),
)
class IndicatorViewSet(ReadOnlyViewSet):
    """Indicators (指标) of the plans, with their milestones (里程碑)."""

    serializer_class = IndicatorSerializer

    def get_queryset(self) -> QuerySet[Indicator]:
        if self.action != "list" or self.is_schema_generation:
            return selectors.indicators_for_api()
        filters = parse_filters(PlanFilter, self.request.query_params)
        return selectors.indicators_for_api(plan=filters.get("plan"))


@extend_schema_view(
    list=extend_schema(
        summary="单位列表 List org units",
        description="行政单位（省、市、县区、新区……），按树的顺序，可只列出某单位的直属单位。",
        parameters=[OrgUnitFilter],
        responses={200: OrgUnitSerializer(many=True), 400: _BAD_FILTER},
    ),
    retrieve=extend_schema(
        summary="单位详情 Org unit detail",
        description="一个单位：全称、简称、行政区划代码、类别、上级单位与别名。",
        responses={200: OrgUnitSerializer, 404: _NOT_FOUND},
    ),
)
class OrgUnitViewSet(ReadOnlyViewSet):
    """Org units (行政单位): the administrative tree and the names tables use for its nodes."""

    serializer_class = OrgUnitSerializer

    def get_queryset(self) -> QuerySet[OrgUnit]:
        if self.action != "list" or self.is_schema_generation:
            return selectors.orgunits_for_api()
        filters = parse_filters(OrgUnitFilter, self.request.query_params)
        return selectors.orgunits_for_api(parent=filters.get("parent"))


@extend_schema_view(
    list=extend_schema(
        summary="目标列表 List targets",
        description=(
            "年度目标（确保 committed / 力争 stretch），按表中顺序：指标、年份、级别、市本身在前、再按单位列序。"
            '默认不含已清除的空白目标（空白不是零）。数值为字符串，如 "310"。分页：limit / offset。\n\n'
            "Annual targets in table order, each with its provenance (source file hash, sheet, row, column). "
            'Cleared (blank) targets are left out unless include_cleared=true. Values are strings ("310").'
        ),
        parameters=[TargetFilter],
        responses={200: TargetSerializer(many=True), 400: _BAD_FILTER},
    ),
    retrieve=extend_schema(
        summary="目标详情 Target detail",
        description="一个目标及其来源（文件哈希、工作表、行、列）。One target with its provenance.",
        responses={200: TargetSerializer, 404: _NOT_FOUND},
    ),
)
class TargetViewSet(ReadOnlyViewSet):
    """Targets (目标): one unit, one indicator, one year, one level."""

    serializer_class = TargetSerializer

    def get_queryset(self) -> QuerySet[Target]:
        if self.action != "list" or self.is_schema_generation:
            return selectors.targets_for_api(selectors.TargetQuery(include_cleared=True))
        filters = parse_filters(TargetFilter, self.request.query_params)
        return selectors.targets_for_api(
            selectors.TargetQuery(
                plan=filters.get("plan"),
                indicator=filters.get("indicator"),
                unit_ids=filters.get("unit"),
                year=filters.get("year"),
                level=filters.get("level"),
                include_cleared=filters["include_cleared"],
            )
        )
