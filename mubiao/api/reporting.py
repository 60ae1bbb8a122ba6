"""The reporting door of the API: due lists, the review queue, entering, submitting and reviewing figures, evidence.

Thin, like the read-only door: check the request, call `mubiao.reporting.workflow` or `mubiao.reporting.due`,
serialise. Who may do what is decided by `mubiao.accounts.permissions`, the layer the web uses too; this module
only turns the answers into HTTP:

- `StaleVersion` (the figure was saved since the version the caller saw) → 409 with the current version;
- `WorkflowError` (a refused step) → 400, each refusal's words (in the caller's language) under the field
  the refusal names, with its code (`{"value": ["…"]}`, code `value_not_whole`); never by reading the words;
- `PermissionDenied` → 403, or 404 when the caller may not even see the figure (the refusal is recorded
  as a security event either way);
- no token and no session → 401.

A figure in a request body is read by the workflow's `figure_parse` (the domain's one number parser
and its rule for counts), and a period by its `period_parse`. JSON numbers keep the text they were
written in (`WrittenNumberJSONParser`), so `1e3` is refused as an exponent rather than read as 1000.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ErrorDetail, NotFound, ParseError, ValidationError
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import json
from rest_framework.views import APIView

from mubiao.accounts.permissions import Action, can, grants_for, require
from mubiao.api import selectors
from mubiao.api.filters import PlanFilter, RecordField, parse_filters, unit_ids
from mubiao.api.permissions import REPORTING_PERMISSION_CLASSES
from mubiao.api.serializers import OrgUnitRefSerializer, PlainDecimalField, TargetIndicatorSerializer
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.refusals import Refusal
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, PlanUnit
from mubiao.plans.selectors import MAX_ID
from mubiao.refusals import refusal_text
from mubiao.reporting.due import actual_history, due_items, review_queue
from mubiao.reporting.models import ActualStatus, ActualValue, Evidence
from mubiao.reporting.workflow import (
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

# -- errors -------------------------------------------------------------------------------------


class Conflict(APIException):
    """409: the figure was saved since the version the caller saw; nothing was written.

    The body keeps `current_version` a number: `{"detail": "该数据已被他人修改…", "current_version": 3}`.
    """

    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_version"
    default_detail = "该数据已被他人修改，请重新读取后再保存。"

    def __init__(self, message: str, current_version: int | None) -> None:
        super().__init__(message)
        self.detail: Any = {"detail": ErrorDetail(message, code=self.default_code), "current_version": current_version}


def refusal_details(refusals: Iterable[Refusal], default: str) -> dict[str, list[ErrorDetail]]:
    """The refusals' words in the caller's language under the fields they name, each with its code.

    The shape of `mubiao.refusals.refusals_by_field`, with DRF's ErrorDetail so a client can tell
    `value_not_whole` from `ytd_below_previous` without reading the words.
    """
    details: dict[str, list[ErrorDetail]] = {}
    for refusal in refusals:
        details.setdefault(refusal.field or default, []).append(ErrorDetail(refusal_text(refusal), code=refusal.code))
    return details


def _stale_message(*, seen: int | None, current: int | None) -> str:
    if current is None:
        return _("该数据已被他人修改，请重新读取后再保存。")
    if seen is None:
        return _("该数据已被他人修改或已有填报（当前版本为 {current}），请带上当前版本（version）重新保存。").format(
            current=current
        )
    return _("该数据已被他人修改（您看到的是版本 {seen}，当前版本为 {current}），请重新读取后再保存。").format(
        seen=seen, current=current
    )


@contextmanager
def _doors_answer(*, field: str, seen: int | None, current_version: Callable[[], int | None]) -> Iterator[None]:
    """Turn the workflow's refusals into the API's answers (400, 403, 409) — never a 500."""
    try:
        yield
    except StaleVersion:
        current = current_version()
        raise Conflict(_stale_message(seen=seen, current=current), current) from None
    except WorkflowError as error:
        raise ValidationError(refusal_details(error.refusals, default=field)) from None
    except DjangoPermissionDenied as denied:
        raise ApiPermissionDenied(str(denied) or _("无权执行此操作。")) from None
    except DjangoValidationError as invalid:
        if hasattr(invalid, "error_dict"):
            raise ValidationError(invalid.message_dict) from None
        raise ValidationError({field: invalid.messages}) from None


# -- serializers: what goes out -----------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file attached to a figure: its name, type, size and hash, and where to fetch it."""

    uploaded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    url = serializers.SerializerMethodField(help_text="下载地址（仅可查看该数据的用户可下载）。Download URL.")

    class Meta:
        model = Evidence
        fields = ["id", "filename", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "url"]

    def get_url(self, evidence: Evidence) -> str:
        return reverse("api:evidence-detail", kwargs={"pk": evidence.pk})


class ActualSerializer(serializers.ModelSerializer):
    """A reported figure with where it stands in review; `version` is what the next change must send back."""

    indicator = TargetIndicatorSerializer(read_only=True)
    unit = OrgUnitRefSerializer(source="org_unit", read_only=True)
    value = PlainDecimalField(
        allow_null=True, help_text='实际值（流量为年初至今累计，存量为当前水平）；字符串，如 "31"。'
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="状态的中文名称。")
    submitted_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    reviewed_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    evidence = EvidenceSerializer(many=True, read_only=True, help_text="佐证材料。Evidence files.")

    class Meta:
        model = ActualValue
        fields = [
            "id",
            "indicator",
            "unit",
            "period",
            "value",
            "note",
            "status",
            "status_label",
            "return_reason",
            "version",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
            "evidence",
        ]
        read_only_fields = fields


class DueItemSerializer(serializers.Serializer):
    """One figure the caller has to report (or has reported and not yet had approved)."""

    indicator_id = serializers.IntegerField(read_only=True)
    indicator_number = serializers.CharField(read_only=True, help_text="表中序号。Number in the table.")
    indicator = serializers.CharField(read_only=True, help_text="指标名称。")
    unit_id = serializers.IntegerField(read_only=True)
    unit = serializers.CharField(read_only=True, help_text="单位简称。")
    period = serializers.CharField(read_only=True, help_text="期间：2019、2019-Q3 或 2019-07。")
    deadline = serializers.DateField(read_only=True, help_text="填报截止日。")
    state = serializers.ChoiceField(
        choices=[
            ("due", "待填报"),
            ("overdue", "已逾期"),
            ("returned", "已退回"),
            ("draft", "草稿"),
            ("submitted", "待审核"),
        ],
        read_only=True,
        help_text="due 待填报、overdue 已逾期、returned 已退回、draft 草稿、submitted 待审核。",
    )
    actual_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="已有填报的编号，否则 null。")
    value = PlainDecimalField(allow_null=True)
    version = serializers.IntegerField(read_only=True, allow_null=True)
    return_reason = serializers.CharField(read_only=True, help_text="退回原因（仅已退回）。")


class HistoryEntrySerializer(serializers.Serializer):
    """One step of a figure's history: who, when, through which door, what before and after, why."""

    at = serializers.DateTimeField(read_only=True)
    actor_label = serializers.CharField(read_only=True, help_text="操作人。")
    door = serializers.CharField(read_only=True, help_text="途径：web、api、cli、import…")
    action = serializers.CharField(read_only=True, help_text="操作。")
    before = serializers.JSONField(read_only=True, allow_null=True, help_text="修改前。")
    after = serializers.JSONField(read_only=True, allow_null=True, help_text="修改后。")
    reason = serializers.CharField(read_only=True, help_text="原因。")


class ConflictSerializer(serializers.Serializer):
    """The answer to a stale save (409)."""

    detail = serializers.CharField(read_only=True)
    current_version = serializers.IntegerField(read_only=True, allow_null=True)


# -- serializers: what comes in -----------------------------------------------------------------


class WrittenNumber(str):
    """A JSON number as it was written (`12.5`, `1e3`), so the one parser reads the text, not a float."""


class WrittenNumberJSONParser(JSONParser):
    """JSON whose fractional and exponent numbers stay text: `1e3` reaches the parser as "1e3", not 1000.0.

    Python's json reads 1e3 as the float 1000.0 and 0.1 as a binary fraction; figures are Decimal and
    an exponent is refused (issue 9), so the number's written form is kept for `parse_decimal`.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            return json.loads(text, parse_float=WrittenNumber, parse_constant=json.strict_constant)
        except (LookupError, ValueError) as error:  # an unknown charset, bad bytes, bad JSON
            raise ParseError(f"JSON parse error - {error}") from None
        except RecursionError:  # [[[[… nested deeper than the parser goes: hostile, never a figure
            raise ParseError("JSON parse error - nested too deeply") from None


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}], "nullable": True})
class FigureTextField(serializers.Field):
    """A figure as the caller wrote it — a JSON string or number — kept as text.

    The text is read later by the workflow's `figure_parse` against its indicator (whole numbers for
    counts, no exponents, separators only where they belong); null is a blank figure.
    """

    default_error_messages = {"invalid": _lazy('实际值应为数值或数值的文字，例如 45 或 "12.5"。')}

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool) or not isinstance(data, str | int | float | Decimal):
            self.fail("invalid")
        # A float only arrives through a parser that lost the written form; repr keeps its exponent.
        return repr(data) if isinstance(data, float) else str(data)

    def to_representation(self, value: Any) -> Any:
        return value


def _value_field(*, required: bool) -> FigureTextField:
    return FigureTextField(
        required=required,
        allow_null=True,
        help_text=(
            '实际值：流量为年初至今累计，存量为当前水平。可为数字或字符串（"31"、"1,234"）；以家、个、项等计数的'
            "指标须为整数；不接受科学记数法（1e3）。A number or a string; counts are whole; no exponents."
        ),
        error_messages={"required": _lazy("请填写实际值。")},
    )


def _acknowledged_field() -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "确认累计值与本年其他期间不衔接（低于之前一期或高于之后一期；流量指标须确认，否则答复 400，"
            "代码 ytd_below_previous 或 ytd_above_next）。Confirms a year-to-date figure below an earlier "
            "period's or above a later one's (else 400, code ytd_below_previous or ytd_above_next)."
        ),
    )


def _refused(error: WorkflowError, default: str) -> ValidationError:
    return ValidationError(refusal_details(error.refusals, default=default))


def _version_field(*, required: bool = True) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=required,
        allow_null=not required,
        min_value=1,
        help_text="您读取时看到的版本号（version）；数据已被他人修改时拒绝（409）。The version you saw.",
        error_messages={
            "required": _lazy("请提供您看到的版本号（version）。"),
            "null": _lazy("请提供您看到的版本号（version）。"),
            "invalid": _lazy("版本号应为正整数。"),
            "min_value": _lazy("版本号应为正整数。"),
            "max_string_length": _lazy("版本号应为正整数。"),
        },
    )


def _note_field() -> serializers.CharField:
    # The limit is the workflow's (note_too_long), the same for every door.
    return serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="填报说明，至多2000字。Note, 2,000 characters at most.",
        trim_whitespace=True,
    )


class ActualEnterSerializer(serializers.Serializer):
    """A figure to enter: saved as a draft (a new one, or a correction of a draft or a returned one)."""

    indicator = RecordField(lookup=selectors.indicator_by_id, noun="指标", help_text="指标编号（id）。")
    unit = serializers.CharField(
        help_text="单位编号，或简称、全称、别名（柳南）。Org unit id or name.",
        error_messages={"required": _lazy("请指定单位。"), "blank": _lazy("请指定单位。")},
    )
    period = serializers.CharField(
        help_text="期间：2019（全年）、2019-Q3（季度）或 2019-07（月份），须在规划期内。",
        error_messages={"required": _lazy("请指定期间，例如 2019-Q3。"), "blank": _lazy("请指定期间，例如 2019-Q3。")},
    )
    value = _value_field(required=True)
    note = _note_field()
    version = _version_field(required=False)
    acknowledged = _acknowledged_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The period and the figure read by the workflow's one rule for this indicator; every refusal at once."""
        indicator: Indicator = attrs["indicator"]
        refusals: list[Refusal] = []
        try:
            attrs["period"] = period_parse(indicator, attrs["period"])
        except WorkflowError as error:
            refusals.extend(error.refusals)
        try:
            attrs["value"] = figure_parse(indicator, attrs["value"])
        except WorkflowError as error:
            refusals.extend(error.refusals)
        if refusals:
            raise ValidationError(refusal_details(refusals, default="value"))
        attrs["unit"] = self._unit_of_plan(attrs["unit"].strip(), indicator)
        return attrs

    @staticmethod
    def _unit_of_plan(text: str, indicator: Indicator) -> OrgUnit:
        """The unit the name or id means among the plan's units (two cities may each have a 城中)."""
        try:
            named = set(unit_ids(text))
        except serializers.ValidationError as error:
            raise ValidationError({"unit": error.detail}) from None
        plan = indicator.plan
        of_plan = {plan.area_id, *PlanUnit.objects.filter(plan=plan).values_list("org_unit_id", flat=True)}
        candidates = sorted(named & of_plan)
        if len(candidates) != 1:
            raise ValidationError(
                {"unit": [_("单位“{input}”不是该规划的填报单位。").format(input=text)]}
                if not candidates
                else {"unit": [_("“{input}”可指多个单位，请使用单位编号。").format(input=text)]}
            )
        return OrgUnit.objects.get(pk=candidates[0])


class ActualUpdateSerializer(serializers.Serializer):
    """A correction of a draft or a returned figure, with the version the caller saw."""

    value = _value_field(required=False)
    note = _note_field()
    version = _version_field()
    acknowledged = _acknowledged_field()


class VersionSerializer(serializers.Serializer):
    """A step (submit, approve) on the version the caller saw."""

    version = _version_field()


class ReasonSerializer(serializers.Serializer):
    """A step that needs a reason (return, unlock), on the version the caller saw."""

    version = _version_field()
    reason = serializers.CharField(
        max_length=2000,
        help_text="原因（必填）。Reason (required).",
        error_messages={"required": _lazy("请填写原因。"), "blank": _lazy("请填写原因。")},
    )


class EvidenceUploadSerializer(serializers.Serializer):
    """A file to attach as evidence: pdf, xlsx, docx, jpg or png, checked by its content."""

    file = serializers.FileField(
        help_text="佐证文件：pdf、xlsx、docx、jpg 或 png，按内容检查类型，有大小上限。",
        error_messages={
            "required": _lazy("请选择要上传的文件。"),
            "invalid": _lazy("请以 multipart/form-data 上传文件（字段名 file）。"),
            "empty": _lazy("文件为空。"),
            "no_name": _lazy("文件缺少文件名。"),
            "max_length": _lazy("文件名过长。"),
        },
    )

    def validate_file(self, upload: Any) -> Any:
        limit = settings.EVIDENCE_MAX_BYTES
        if upload.size > limit:
            raise serializers.ValidationError(
                _("文件过大（{size} 字节），上限为 {limit} 字节。").format(size=upload.size, limit=limit)
            )
        return upload


# -- views --------------------------------------------------------------------------------------

_UNAUTHENTICATED = OpenApiResponse(
    description="未登录：请求头须带 `Authorization: Token <key>`（或已登录的会话）。No token and no session."
)
_FORBIDDEN = OpenApiResponse(description="无权执行此操作（已记录为安全事件）。Not allowed; the refusal is audited.")
_NOT_FOUND = OpenApiResponse(
    description="编号不存在，或无权查看该数据（已记录）。No such figure, or the caller may not see it."
)
_INVALID = OpenApiResponse(
    description="请求无效：响应按字段说明原因，未写入任何数据。Invalid; the body names the field. Nothing written."
)
_STALE = OpenApiResponse(
    response=ConflictSerializer,
    description="数据已被他人修改（版本不符），未写入任何数据；响应给出当前版本。Stale version; nothing written.",
)


def _api_actor(request: Request) -> Actor:
    return Actor.for_user(request.user, Door.API)


def _departments(actual: ActualValue) -> list[int]:
    return list(actual.indicator.lead_departments.values_list("pk", flat=True))


def _not_found(pk: object) -> NotFound:
    return NotFound(_("编号为 {pk} 的实际值不存在。").format(pk=pk))


def _version_of(pk: int) -> Callable[[], int | None]:
    return lambda: ActualValue.objects.filter(pk=pk).values_list("version", flat=True).first()


class ReportingView(APIView):
    """What every reporting endpoint shares: authentication required, the API door's actor."""

    permission_classes = REPORTING_PERMISSION_CLASSES

    @property
    def actor(self) -> Actor:
        return _api_actor(self.request)


class DueListView(ReportingView):
    @extend_schema(
        operation_id="reporting_due",
        summary="待填报 Due items",
        description=(
            "当前用户（填报人）所辖单位需填报的数据：待填报、已逾期、已退回、草稿与待审核，附截止日与退回原因。"
            "可按规划筛选。无填报范围的用户得到空列表。\n\n"
            "The caller's due, overdue, returned, draft and submitted figures over the units of their scope, "
            "with deadlines and return reasons. Empty for a user who reports for no unit. Not paginated."
        ),
        parameters=[PlanFilter],
        responses={200: DueItemSerializer(many=True), 400: _INVALID, 401: _UNAUTHENTICATED},
        tags=["reporting"],
    )
    def get(self, request: Request) -> Response:
        filters = parse_filters(PlanFilter, request.query_params)
        items = due_items(user=request.user, plan=filters.get("plan"))
        return Response(DueItemSerializer(items, many=True).data)


class ReviewQueueView(ReportingView):
    @extend_schema(
        operation_id="reporting_review",
        summary="待审核 Review queue",
        description=(
            "当前用户（审核人，或管理员）可审核的已提交数据。可按规划筛选。\n\n"
            "The submitted figures the caller may review. Not paginated."
        ),
        parameters=[PlanFilter],
        responses={200: ActualSerializer(many=True), 400: _INVALID, 401: _UNAUTHENTICATED},
        tags=["reporting"],
    )
    def get(self, request: Request) -> Response:
        filters = parse_filters(PlanFilter, request.query_params)
        queue = review_queue(user=request.user, plan=filters.get("plan"))
        return Response(ActualSerializer(queue, many=True).data)


def _step_schema(*, summary: str, description: str, request: type[serializers.Serializer]) -> Any:
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={
            200: ActualSerializer,
            400: _INVALID,
            401: _UNAUTHENTICATED,
            403: _FORBIDDEN,
            404: _NOT_FOUND,
            409: _STALE,
        },
        tags=["reporting"],
    )


class ActualViewSet(viewsets.GenericViewSet):
    """Reported figures: enter, correct, submit, approve, return, unlock; their history and evidence."""

    permission_classes = REPORTING_PERMISSION_CLASSES
    serializer_class = ActualSerializer
    queryset = ActualValue.objects.all()
    lookup_value_regex = r"[0-9]+"
    pagination_class = None
    parser_classes = [WrittenNumberJSONParser, FormParser, MultiPartParser]

    @property
    def actor(self) -> Actor:
        return _api_actor(self.request)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return {
            "create": ActualEnterSerializer,
            "partial_update": ActualUpdateSerializer,
            "submit": VersionSerializer,
            "approve": VersionSerializer,
            "return_": ReasonSerializer,
            "unlock": ReasonSerializer,
            "history": HistoryEntrySerializer,
            "evidence": EvidenceUploadSerializer,
        }.get(self.action, ActualSerializer)

    # -- helpers ----------------------------------------------------------------------------------

    def _figure(self, pk: str | None, action_wanted: Action) -> ActualValue:
        """The figure, or 404 when there is none — or when the caller may not even see it.

        Unseen is refused through `require`, so the attempt is recorded as a security event and
        answered as if the figure did not exist.
        """
        if pk is None or not pk.isdigit() or int(pk) > MAX_ID:
            raise _not_found(pk)
        actual = ActualValue.objects.select_related("indicator__plan", "org_unit").filter(pk=int(pk)).first()
        if actual is None:
            raise _not_found(pk)
        departments = _departments(actual)
        if actual.status == ActualStatus.APPROVED or can(
            grants_for(self.request.user),
            Action.VIEW_PENDING,
            org_unit_id=actual.org_unit_id,
            lead_department_ids=departments,
        ):
            return actual
        try:
            require(
                self.actor,
                action_wanted,
                obj=actual,
                org_unit_id=actual.org_unit_id,
                lead_department_ids=departments,
            )
        except DjangoPermissionDenied:
            raise _not_found(pk) from None
        return actual

    def _checked(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @staticmethod
    def _answer(actual: ActualValue, code: int = status.HTTP_200_OK) -> Response:
        fresh = ActualValue.objects.select_related("indicator", "org_unit", "submitted_by", "reviewed_by").get(
            pk=actual.pk
        )
        return Response(ActualSerializer(fresh).data, status=code)

    # -- endpoints --------------------------------------------------------------------------------

    @extend_schema(
        summary="填报 Enter a figure",
        description=(
            "保存一个单位某期间某指标的实际值为草稿（新填报为版本 1）。已有草稿或已退回的数据须带上看到的"
            "版本号（version），否则或版本不符时答复 409；已提交或已通过的数据不能修改（400）。"
            "只能填报自己单位（及下属单位）的数据。新建答复 201，修改答复 200。\n\n"
            "Save a unit's figure for a period as a draft (version 1 when new). Correcting an existing draft "
            "or returned figure needs the version you saw, else 409. Submitted and approved figures cannot be "
            "changed (400). 201 when created, 200 when a draft was corrected."
        ),
        request=ActualEnterSerializer,
        responses={
            201: ActualSerializer,
            200: ActualSerializer,
            400: _INVALID,
            401: _UNAUTHENTICATED,
            403: _FORBIDDEN,
            409: _STALE,
        },
        tags=["reporting"],
    )
    def create(self, request: Request) -> Response:
        data = self._checked(ActualEnterSerializer)
        indicator: Indicator = data["indicator"]
        unit: OrgUnit = data["unit"]
        period = str(data["period"])
        existing = ActualValue.objects.filter(indicator=indicator, org_unit=unit, period=period)
        existed = existing.exists()

        def current() -> int | None:
            return existing.values_list("version", flat=True).first()

        with _doors_answer(field="value", seen=data.get("version"), current_version=current):
            actual = actual_enter(
                actor=self.actor,
                indicator=indicator,
                org_unit=unit,
                period=period,
                value=data["value"],
                note=data.get("note", ""),
                expected_version=data.get("version"),
                acknowledged=data["acknowledged"],
            )
        return self._answer(actual, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary="数据详情 Figure detail",
        description=(
            "一个填报数据及其审核状态、版本与佐证材料。已通过的数据任何登录用户可看；未通过的仅本单位填报人、"
            "牵头部门审核人、查看人与管理员可看，其他人答复 404。\n\n"
            "A figure with its review status, version and evidence. Approved figures are visible to every "
            "signed-in user; pending ones only to those who may see pending figures (else 404)."
        ),
        responses={200: ActualSerializer, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
        tags=["reporting"],
    )
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        actual = self._figure(pk, Action.VIEW_PENDING)
        return self._answer(actual)

    @_step_schema(
        summary="修改草稿 Correct a figure",
        description=(
            "修改草稿或已退回的数据（实际值、说明），须带上看到的版本号；版本不符答复 409，不写入任何数据。"
            "未给出的字段保持不变。\n\n"
            "Correct a draft or returned figure (value, note) with the version you saw; a stale version is 409 "
            "and nothing is written. Fields left out keep their values."
        ),
        request=ActualUpdateSerializer,
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        actual = self._figure(pk, Action.ENTER)
        data = self._checked(ActualUpdateSerializer)
        with _doors_answer(field="value", seen=data["version"], current_version=_version_of(actual.pk)):
            value = figure_parse(actual.indicator, data["value"]) if "value" in data else actual.value
            actual = actual_enter(
                actor=self.actor,
                indicator=actual.indicator,
                org_unit=actual.org_unit,
                period=actual.period,
                value=value,
                note=data.get("note", actual.note),
                expected_version=data["version"],
                acknowledged=data["acknowledged"],
            )
        return self._answer(actual)

    @_step_schema(
        summary="提交审核 Submit",
        description=(
            "把草稿或已退回的数据提交给牵头部门审核。\n\nSend a draft or returned figure to the lead department."
        ),
        request=VersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        actual = self._figure(pk, Action.SUBMIT)
        data = self._checked(VersionSerializer)
        with _doors_answer(field="status", seen=data["version"], current_version=_version_of(actual.pk)):
            actual = actual_submit(actor=self.actor, actual=actual, expected_version=data["version"])
        return self._answer(actual)

    @_step_schema(
        summary="审核通过 Approve",
        description=(
            "牵头部门审核人（或管理员）通过已提交的数据；通过后锁定，计入正式进度。\n\n"
            "A reviewer of a lead department approves a submitted figure; it is locked and counts from now on."
        ),
        request=VersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        actual = self._figure(pk, Action.REVIEW)
        data = self._checked(VersionSerializer)
        with _doors_answer(field="status", seen=data["version"], current_version=_version_of(actual.pk)):
            actual = actual_approve(actor=self.actor, actual=actual, expected_version=data["version"])
        return self._answer(actual)

    @_step_schema(
        summary="退回 Return",
        description=(
            "审核人把已提交的数据退回填报人，须说明原因。\n\n"
            "A reviewer returns a submitted figure to its reporter, with a reason."
        ),
        request=ReasonSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        actual = self._figure(pk, Action.REVIEW)
        data = self._checked(ReasonSerializer)
        with _doors_answer(field="reason", seen=data["version"], current_version=_version_of(actual.pk)):
            actual = actual_return(
                actor=self.actor, actual=actual, reason=data["reason"], expected_version=data["version"]
            )
        return self._answer(actual)

    @_step_schema(
        summary="解锁 Unlock",
        description=(
            "管理员解锁已通过的数据（退回填报人修改），须说明原因。\n\n"
            "The administrator reopens an approved figure (it goes back to the reporter), with a reason."
        ),
        request=ReasonSerializer,
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: str | None = None) -> Response:
        actual = self._figure(pk, Action.UNLOCK)
        data = self._checked(ReasonSerializer)
        with _doors_answer(field="reason", seen=data["version"], current_version=_version_of(actual.pk)):
            actual = actual_unlock(
                actor=self.actor, actual=actual, reason=data["reason"], expected_version=data["version"]
            )
        return self._answer(actual)

    @extend_schema(
        summary="修改历史 History",
        description=(
            "数据的每一步：何时、何人、经何途径（网页、接口、命令行、导入）、修改前后、原因。"
            "历史包含未通过的值与退回原因，因此仅可查看未审核数据的用户可看。\n\n"
            "Every step of the figure: when, who, through which door, before and after, why. It shows "
            "pending values and return reasons, so only those who may see pending figures may read it."
        ),
        responses={
            200: HistoryEntrySerializer(many=True),
            401: _UNAUTHENTICATED,
            403: _FORBIDDEN,
            404: _NOT_FOUND,
        },
        tags=["reporting"],
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        actual = self._figure(pk, Action.VIEW_PENDING)
        with _doors_answer(field="history", seen=None, current_version=_version_of(actual.pk)):
            require(
                self.actor,
                Action.VIEW_PENDING,
                obj=actual,
                org_unit_id=actual.org_unit_id,
                lead_department_ids=_departments(actual),
            )
        return Response(HistoryEntrySerializer(actual_history(actual), many=True).data)

    @extend_schema(
        summary="上传佐证材料 Attach evidence",
        description=(
            "以 multipart/form-data 上传一个佐证文件（字段名 file）：pdf、xlsx、docx、jpg 或 png，"
            "类型按文件内容检查（改扩展名无效），大小有上限。已提交或已通过的数据不能再添加。\n\n"
            "Upload one evidence file (multipart, field `file`): pdf, xlsx, docx, jpg or png, its type checked "
            "by content, size-limited. Not once the figure is submitted or approved."
        ),
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={
            201: EvidenceSerializer,
            400: _INVALID,
            401: _UNAUTHENTICATED,
            403: _FORBIDDEN,
            404: _NOT_FOUND,
        },
        tags=["reporting"],
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        actual = self._figure(pk, Action.ENTER)
        upload = self._checked(EvidenceUploadSerializer)["file"]
        with _doors_answer(field="file", seen=None, current_version=_version_of(actual.pk)):
            attached = evidence_attach(
                actor=self.actor, actual=actual, filename=upload.name or "", content=upload.read()
            )
        return Response(EvidenceSerializer(attached).data, status=status.HTTP_201_CREATED)


class EvidenceViewSet(viewsets.GenericViewSet):
    """Evidence files, served only to those who may see the figure they belong to."""

    permission_classes = REPORTING_PERMISSION_CLASSES
    serializer_class = EvidenceSerializer
    queryset = Evidence.objects.all()
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        summary="下载佐证材料 Download evidence",
        description=(
            "佐证文件本身（以附件形式，原文件名与类型）。已通过数据的材料任何登录用户可下载；"
            "其他的仅可查看该数据的用户可下载，否则答复 404。\n\n"
            "The evidence file itself, as an attachment. Evidence of approved figures is open to every signed-in "
            "user; other evidence only to those who may see the figure (else 404)."
        ),
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="文件内容。The file."
            ),
            401: _UNAUTHENTICATED,
            404: _NOT_FOUND,
        },
        tags=["reporting"],
    )
    def retrieve(self, request: Request, pk: str | None = None) -> HttpResponse:
        missing = NotFound(_("编号为 {pk} 的佐证材料不存在。").format(pk=pk))
        if pk is None or not pk.isdigit() or int(pk) > MAX_ID:
            raise missing
        evidence = Evidence.objects.select_related("actual__indicator", "actual__org_unit").filter(pk=int(pk)).first()
        if evidence is None:
            raise missing
        actual = evidence.actual
        visible = actual.status == ActualStatus.APPROVED or can(
            grants_for(request.user),
            Action.VIEW_PENDING,
            org_unit_id=actual.org_unit_id,
            lead_department_ids=_departments(actual),
        )
        try:
            content = evidence_read(actor=_api_actor(request), evidence=evidence)
        except DjangoPermissionDenied as denied:
            if not visible:
                raise missing from None
            raise ApiPermissionDenied(str(denied)) from None
        except WorkflowError as error:
            raise _refused(error, "file") from None
        response = HttpResponse(content, content_type=evidence.content_type or "application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=evidence.filename)
        response["Content-Length"] = str(len(content))
        return response
