"""The assessment door of the API: a plan's scores for a period, its rules, and its bonus, deduction and veto items.

Reading is open like the rest of progress (approved figures only, unless the caller asks for the pending
ones it may see); changing the rules and recording or withdrawing items needs a signed-in administrator.
Refusals come back as 400 with each reason under the field it concerns and its code.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mubiao.api.filters import RankingFilter, parse_filters
from mubiao.api.permissions import API_PERMISSION_CLASSES, REPORTING_PERMISSION_CLASSES
from mubiao.api.reporting import refusal_details
from mubiao.api.selectors import record_or_404
from mubiao.assessment.models import AssessmentItem
from mubiao.assessment.selectors import plan_assessment, plan_items, rules_of, scheme_of
from mubiao.assessment.services import item_add, item_withdraw, scheme_save
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.assessment import UnitScore
from mubiao.domain.refusals import Refused
from mubiao.plans.models import Plan
from mubiao.plans.selectors import MAX_ID

_REFUSED = OpenApiResponse(
    description="有误：逐项说明哪个字段、为什么。Refused: each reason under its field, with its code."
)
_SIGN_IN = OpenApiResponse(description="未登录（需令牌或会话）。Not signed in: a token or a session is needed.")
_NOT_ADMIN = OpenApiResponse(description="不是管理员；此次尝试已记录。Not an administrator; the attempt is recorded.")
_WRITE_ANSWERS = {400: _REFUSED, 401: _SIGN_IN, 403: _NOT_ADMIN}


def _plan(pk: int) -> Plan:
    return record_or_404(Plan, pk)


def _answer_refusals(call: Any) -> Any:
    try:
        return call()
    except Refused as refused:
        raise ValidationError(refusal_details(refused.refusals, default="non_field_errors")) from None
    except DjangoPermissionDenied as denied:
        raise PermissionDenied(str(denied) or _("无权执行此操作。")) from None


class _OpenReadSignedInWrite(APIView):
    """Reading open to anyone, as progress is; writing for signed-in users (the service asks for an administrator)."""

    def get_permissions(self) -> list[BasePermission]:
        classes = (
            API_PERMISSION_CLASSES
            if self.request.method in ("GET", "HEAD", "OPTIONS")
            else REPORTING_PERMISSION_CLASSES
        )
        return [permission() for permission in classes]


# -- what goes out ------------------------------------------------------------------------------


class TermSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="指标序号 The indicator's number")
    title = serializers.CharField()
    points = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)
    rate = serializers.DecimalField(max_digits=12, decimal_places=4, coerce_to_string=False, allow_null=True)
    earned = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)
    capped = serializers.BooleanField()
    reported = serializers.BooleanField()


class UnitScoreSerializer(serializers.Serializer):
    unit = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    previous_rank = serializers.IntegerField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True, help_text="名次变化，正数为上升 Places gained")
    score = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True)
    base = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True)
    bonus = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)
    deduction = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)
    vetoes = serializers.ListField(child=serializers.CharField())
    grade = serializers.CharField()
    explanation = serializers.CharField()
    terms = TermSerializer(many=True)


def _score_data(score: UnitScore) -> dict[str, Any]:
    return {
        "unit": score.unit,
        "rank": score.rank,
        "previous_rank": score.previous_rank,
        "rank_change": score.rank_change,
        "score": score.score,
        "base": None if score.base is None else round(score.base, 2),
        "bonus": score.bonus,
        "deduction": score.deduction,
        "vetoes": list(score.vetoes),
        "grade": score.grade,
        "explanation": score.explanation(),
        "terms": [vars(term) | {"earned": round(term.earned, 2)} for term in score.terms],
    }


class TierSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=20, help_text="等次名称，如 优秀")
    bound = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)


class RulesSerializer(serializers.Serializer):
    points = serializers.DictField(
        child=serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False),
        help_text="指标序号 → 分值 Indicator number → points",
    )
    cap = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False, help_text="超额封顶（倍）")
    bonus_cap = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    grade_basis = serializers.ChoiceField(choices=["score", "rank"])
    tiers = TierSerializer(many=True)
    full_marks = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True)
    most = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True)
    version = serializers.IntegerField(required=False, allow_null=True, help_text="当前版本，用于防止覆盖他人修改")


def _rules_data(plan: Plan) -> dict[str, Any]:
    scheme = scheme_of(plan)
    rules = rules_of(plan, scheme)
    return {
        "points": dict(rules.points),
        "cap": rules.cap,
        "bonus_cap": rules.bonus_cap,
        "grade_basis": rules.grade_basis.value,
        "tiers": [{"name": tier.label, "bound": tier.bound} for tier in rules.tiers],
        "full_marks": rules.full_marks,
        "most": rules.most,
        "version": scheme.version if scheme else None,
    }


class ItemSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="org_unit.short_name", read_only=True)
    org_unit = serializers.IntegerField(source="org_unit_id", min_value=1, max_value=MAX_ID)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False, required=False)

    class Meta:
        model = AssessmentItem
        fields = [
            "id",
            "org_unit",
            "unit",
            "year",
            "month",
            "kind",
            "points",
            "reason",
            "basis",
            "evidence_name",
            "created_at",
            "withdrawn_at",
            "withdrawn_reason",
        ]
        read_only_fields = ["id", "unit", "evidence_name", "created_at", "withdrawn_at", "withdrawn_reason"]


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


# -- the views ----------------------------------------------------------------------------------


class AssessmentScoresView(APIView):
    permission_classes = API_PERMISSION_CLASSES

    @extend_schema(
        operation_id="plan_assessment",
        summary="考核得分 Assessment scores",
        description=(
            "某年某期间各单位的考核得分：各指标分值×完成序时进度的比例（超过封顶倍数不再加分），无目标的指标"
            "按有目标指标折算满分，加分（不超过上限）、扣分、一票否决（排在最后、定为最低等次），名次、等次、"
            "与上一期相比的名次变化和逐项计分说明。只计审核通过的数据。\n\n"
            "Every unit's score for a period: each indicator's points × its completion of the time-elapsed "
            "expectation, capped; scaled to the full marks over the indicators with targets; bonuses (capped), "
            "deductions and vetoes; rank, grade, change of rank since the previous period and the term-by-term "
            "explanation. Approved figures only unless include_pending."
        ),
        parameters=[RankingFilter],
        responses={200: UnitScoreSerializer(many=True)},
        tags=["assessment"],
    )
    def get(self, request: Request, plan_id: int) -> Response:
        plan = _plan(plan_id)
        filters = parse_filters(RankingFilter, request.query_params, context={"plan": plan})
        assessment = plan_assessment(
            plan,
            year=filters["year"],
            period=filters.get("period"),
            viewer=request.user,
            include_pending=filters.get("include_pending", False),
        )
        return Response(
            {
                "plan": plan.pk,
                "period": str(assessment.period),
                "previous_period": str(assessment.previous) if assessment.previous else None,
                "scores": UnitScoreSerializer([_score_data(s) for s in assessment.scores], many=True).data,
            }
        )


class AssessmentRulesView(_OpenReadSignedInWrite):
    @extend_schema(
        operation_id="plan_assessment_rules",
        summary="考核办法 Assessment rules",
        responses={200: RulesSerializer},
        tags=["assessment"],
    )
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(RulesSerializer(_rules_data(_plan(plan_id))).data)

    @extend_schema(
        operation_id="plan_assessment_rules_update",
        summary="设置考核办法 Set the assessment rules",
        description=(
            "管理员。各项一并检查，有误时逐项说明、不保存。"
            "Administrators only; every problem is reported and nothing is saved."
        ),
        request=RulesSerializer,
        responses={200: RulesSerializer, **_WRITE_ANSWERS},
        tags=["assessment"],
    )
    def put(self, request: Request, plan_id: int) -> Response:
        plan = _plan(plan_id)
        given = RulesSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        _answer_refusals(
            lambda: scheme_save(
                actor=Actor.for_user(request.user, Door.API),
                plan=plan,
                points=data["points"],
                cap=data["cap"],
                bonus_cap=data["bonus_cap"],
                grade_basis=data["grade_basis"],
                tiers=[(tier["name"], tier["bound"]) for tier in data["tiers"]],
                expected_version=data.get("version"),
            )
        )
        return Response(RulesSerializer(_rules_data(plan)).data)


class AssessmentItemsView(_OpenReadSignedInWrite):
    @extend_schema(
        operation_id="plan_assessment_items",
        summary="加减分及否决事项 Bonus, deduction and veto items",
        responses={200: ItemSerializer(many=True)},
        tags=["assessment"],
    )
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(ItemSerializer(plan_items(_plan(plan_id)), many=True).data)

    @extend_schema(
        operation_id="plan_assessment_items_create",
        summary="登记加减分或否决事项 Record an item",
        description=(
            "管理员。kind 为 bonus、deduction 或 veto；须写明事由（reason）和依据（basis）；以 multipart 提交时可附"
            "证明材料（evidence）。\n\n"
            "Administrators only. `kind` is bonus, deduction or veto; a reason and its basis are required; sent as "
            "multipart, an `evidence` file may come with it."
        ),
        request=ItemSerializer,
        responses={201: ItemSerializer, **_WRITE_ANSWERS},
        tags=["assessment"],
    )
    def post(self, request: Request, plan_id: int) -> Response:
        plan = _plan(plan_id)
        given = ItemSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        upload = request.FILES.get("evidence")  # multipart: the evidence file with the item
        item = _answer_refusals(
            lambda: item_add(
                actor=Actor.for_user(request.user, Door.API),
                plan=plan,
                org_unit_id=data["org_unit_id"],
                year=data["year"],
                month=data.get("month", 1),
                kind=data["kind"],
                points=data.get("points", 0),
                reason=data["reason"],
                basis=data["basis"],
                evidence=(upload.name or "", upload.read()) if upload is not None else None,
            )
        )
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class AssessmentItemWithdrawView(APIView):
    permission_classes = REPORTING_PERMISSION_CLASSES

    @extend_schema(
        operation_id="assessment_item_withdraw",
        summary="撤销事项 Withdraw an item",
        description=(
            "管理员。事项不再计入考核，记录保留；须说明原因，已撤销的不能再撤销。\n\n"
            "Administrators only. The item stops counting and stays on record; a reason is required."
        ),
        request=WithdrawSerializer,
        responses={
            200: ItemSerializer,
            404: OpenApiResponse(description="编号不存在。No record with this id."),
            **_WRITE_ANSWERS,
        },
        tags=["assessment"],
    )
    def post(self, request: Request, item_id: int) -> Response:
        item = record_or_404(AssessmentItem, item_id)
        given = WithdrawSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        item = _answer_refusals(
            lambda: item_withdraw(
                actor=Actor.for_user(request.user, Door.API), item=item, reason=given.validated_data["reason"]
            )
        )
        return Response(ItemSerializer(item).data)
