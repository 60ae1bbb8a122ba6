"""Decomposition through the API: the same inputs and answer as `mubiao decompose --format json`.

Nothing is written. It needs a signed-in user: a large plan's table takes a second or two to solve.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mubiao.api.permissions import REPORTING_PERMISSION_CLASSES
from mubiao.api.selectors import record_or_404
from mubiao.domain.decomposition import Share
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.decomposition import (
    LEVEL_NAMES,
    BaseChoice,
    DecompositionInputError,
    answer_json,
    decompose,
)


class LockSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=100, help_text="单位（表中的名称）")
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    level = serializers.CharField(max_length=10, help_text="committed/stretch 或 确保/力争")
    value = serializers.DecimalField(max_digits=20, decimal_places=4, min_value=Decimal(0))

    def validate_level(self, value: str) -> str:
        if value.strip() not in LEVEL_NAMES:
            raise serializers.ValidationError(_("须为 committed、stretch、确保 或 力争"))
        return LEVEL_NAMES[value.strip()]


class DecompositionRequestSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=20, help_text="指标序号，如 3")
    method = serializers.ChoiceField(choices=[s.value for s in Share], default=Share.PROPORTIONAL.value)
    base = serializers.CharField(max_length=20, default="equal", help_text="actual:2018 或 equal")
    floor = serializers.DecimalField(max_digits=20, decimal_places=4, default=Decimal(0), min_value=Decimal(0))
    locks = LockSerializer(many=True, required=False, default=list)


class DecompositionView(APIView):
    permission_classes = REPORTING_PERMISSION_CLASSES

    @extend_schema(
        operation_id="plan_decompose",
        summary="目标分解 Decompose an indicator",
        description=(
            "把一个指标的全市各年合计（确保、力争）分解到各单位、各年：与 `mubiao decompose --format json` 相同。"
            "feasible 为 true 时给出每个单元格的基数、份额、理想值、最终值、原因标签与说明，以及各单位、各年的"
            "理想值之和与最终值之和、韦伯斯特除数；为 false 时 problems 逐条说明须改动哪个合计或规则、改多少。"
            "不写入数据库。\\n\\n"
            "An indicator's city totals split into unit × year targets, both levels: the answer of "
            "`mubiao decompose --format json`. Nothing is written."
        ),
        request=DecompositionRequestSerializer,
        responses={
            200: OpenApiResponse(description="the answer (feasible or not)"),
            400: OpenApiResponse(description="输入有误"),
            401: OpenApiResponse(description="未登录"),
            404: OpenApiResponse(description="规划或指标不存在"),
        },
        tags=["decomposition"],
    )
    def post(self, request: Request, plan_id: int) -> Response:
        plan = record_or_404(Plan, plan_id)
        given = DecompositionRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data: dict[str, Any] = given.validated_data
        indicator = Indicator.objects.filter(plan=plan, number=data["indicator"].strip()).first()
        if indicator is None:
            raise NotFound(_("规划中没有序号为{number}的指标").format(number=data["indicator"]))
        try:
            result = decompose(
                plan,
                indicator,
                base=BaseChoice.parse(data["base"]),
                share=Share(data["method"]),
                floor=data["floor"],
                locks={(lock["unit"], lock["year"], lock["level"]): lock["value"] for lock in data["locks"]},
            )
        except DecompositionInputError as error:
            raise ValidationError({"non_field_errors": [str(error)]}) from error
        return Response(answer_json(result.answer, result.findings))
