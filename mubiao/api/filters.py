"""Query parameters of the list endpoints, checked before anything is read.

A value that cannot be what the parameter means (`?year=abc`, `?level=foo`, a plan that does not
exist) is answered with 400 and a message naming the parameter, never with a 500 or a silently
empty list. The same serializers document the parameters in the OpenAPI schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mubiao.api import selectors
from mubiao.domain.periods import Period
from mubiao.domain.values import Severity
from mubiao.plans.models import Level, Plan
from mubiao.plans.selectors import plan_by_id

SerializerT = TypeVar("SerializerT", bound=serializers.Serializer)

_ID = re.compile(r"[0-9]+")

#: The years a target may have (the database refuses others).
FIRST_YEAR, LAST_YEAR = 1949, 2200


@extend_schema_field({"type": "integer", "minimum": 1})
class RecordField(serializers.Field[Model, Any, int, Any]):
    """A query parameter that names a record by its id; the record itself is the validated value."""

    default_error_messages = {
        "invalid": _("“{input}”不是{noun}编号：应为正整数。"),
        "does_not_exist": _("编号为 {pk} 的{noun}不存在。"),
    }

    def __init__(self, *, lookup: Callable[[int], Model | None], noun: str, **kwargs: Any) -> None:
        self.lookup = lookup
        self.noun = noun
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Model:
        text = str(data).strip()
        if not _ID.fullmatch(text) or int(text) < 1:
            self.fail("invalid", input=text, noun=self.noun)
        record = self.lookup(int(text))
        if record is None:
            self.fail("does_not_exist", pk=text, noun=self.noun)
        return record

    def to_representation(self, value: Model) -> int:
        return int(value.pk)


def unit_ids(text: str) -> tuple[int, ...]:
    """The ids of the unit(s) a `?unit=` value names: an id, or a short name, full name or alias."""
    if _ID.fullmatch(text):
        unit = selectors.orgunit_by_id(int(text))
        units = [unit] if unit is not None else []
    else:
        units = selectors.orgunits_named(text)
    if not units:
        raise serializers.ValidationError(
            _("找不到单位“{input}”：请使用单位编号、简称、全称或别名（可在 /api/orgunits/ 查询）。").format(input=text)
        )
    return tuple(unit.pk for unit in units)


def _year_field(*, required: bool = False) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=required,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text="年份，例如 2018。Year, e.g. 2018.",
        error_messages={
            "required": _("请指定年份，例如 2018。"),
            "invalid": _("年份应为整数，例如 2018。"),
            "min_value": _("年份不能早于 {min_value} 年。"),
            "max_value": _("年份不能晚于 {max_value} 年。"),
            "max_string_length": _("年份应为整数，例如 2018。"),
        },
    )


def _plan_field() -> RecordField:
    return RecordField(lookup=plan_by_id, noun="规划", required=False, help_text="规划编号。Plan id.")


class PlanFilter(serializers.Serializer):
    """`?plan=`: the indicators of one plan."""

    plan = _plan_field()


class OrgUnitFilter(serializers.Serializer):
    """`?parent=`: the units directly under one unit."""

    # Declared here rather than as a class attribute: `parent` is a Field's own attribute (its serializer).
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "parent": RecordField(
                lookup=selectors.orgunit_by_id,
                noun="上级单位",
                required=False,
                help_text="上级单位编号：只列出其直属单位。Id of the parent unit: list its direct children only.",
            )
        }


class TargetFilter(serializers.Serializer):
    """The filters of the targets endpoint; all optional, combined with AND."""

    plan = _plan_field()
    indicator = RecordField(
        lookup=selectors.indicator_by_id, noun="指标", required=False, help_text="指标编号。Indicator id."
    )
    unit = serializers.CharField(
        required=False,
        help_text=(
            "单位编号，或表中使用的简称、全称、别名（如 三江、柳州市；忽略空格）。"
            "Org unit id, or a short name, full name or alias as tables write it (inner spaces ignored)."
        ),
    )
    year = _year_field()
    level = serializers.ChoiceField(
        choices=Level.choices,
        required=False,
        help_text="级别：committed（确保）或 stretch（力争）。Level: committed or stretch.",
        error_messages={"invalid_choice": _("“{input}”不是有效的级别：应为 committed（确保）或 stretch（力争）。")},
    )
    include_cleared = serializers.BooleanField(
        required=False,
        default=False,
        error_messages={"invalid": _("“{input}”不是布尔值：应为 true 或 false。")},
        help_text=(
            "包括已清除（空白）的目标，其 value 为 null。默认不包括：空白不是零。"
            "Include cleared (blank) targets, whose value is null. Off by default: blank is not zero."
        ),
    )

    def validate_unit(self, value: str) -> tuple[int, ...]:
        return unit_ids(value.strip())


class FindingFilter(serializers.Serializer):
    """`?severity=`: only the findings of one severity."""

    severity = serializers.ChoiceField(
        choices=[(severity.value, severity.label) for severity in Severity],
        required=False,
        help_text="严重程度：error（错误）、warning（警告）或 info（提示）。Severity: error, warning or info.",
        error_messages={"invalid_choice": _("“{input}”不是有效的严重程度：应为 error、warning 或 info。")},
    )


class RankingFilter(serializers.Serializer):
    """`?year=&period=`: the period of a plan's progress. The plan itself is the serializer's context."""

    year = _year_field(required=True)
    period = serializers.CharField(
        required=False,
        help_text=(
            "期间：2019（全年）、2019-Q3（季度）或 2019-07（月份），须在所选年份内；默认为该年最新已报期间。"
            "Period: a year, quarter or month of that year; by default the latest one reported."
        ),
    )
    include_pending = serializers.BooleanField(
        required=False,
        default=False,
        error_messages={"invalid": _("“{input}”不是布尔值：应为 true 或 false。")},
        help_text=(
            "同时计入尚未审核通过（草稿、待审核、退回）且调用者有权查看的数据：填报人本单位的、审核人所牵头指标的、"
            "管理员与查看人的全部。匿名调用者只看到审核通过的数据。默认只计审核通过的数据。"
            "Count too the figures not yet approved (draft, submitted, returned) that the caller may see: a "
            "reporter's own units, a reviewer's indicators, all for administrators and viewers. Anonymous "
            "callers see approved figures only. Off by default: official progress counts approved figures."
        ),
    )

    @property
    def plan(self) -> Plan | None:
        return self.context.get("plan")

    def validate_year(self, value: int) -> int:
        plan = self.plan
        if plan is not None and not plan.start_year <= value <= plan.end_year:
            message = _("年份{year}不在规划期{start}—{end}年内。")
            raise serializers.ValidationError(message.format(year=value, start=plan.start_year, end=plan.end_year))
        return value

    def validate_period(self, value: str) -> Period:
        return period_field_value(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        period = attrs.get("period")
        if period is not None and period.year != attrs["year"]:
            raise serializers.ValidationError(
                {"period": [_("期间{period}不在{year}年内。").format(period=period, year=attrs["year"])]}
            )
        return attrs


class ProgressFilter(RankingFilter):
    """`?year=&period=&indicator=`: the period of a plan's progress and, optionally, one of its indicators."""

    indicator = serializers.CharField(
        required=False,
        help_text=(
            "只看某个指标：表中的序号（如 3），不是指标编号（id）。"
            "One indicator only, by its number in the table (3), not by its id."
        ),
    )

    def validate_indicator(self, value: str) -> str:
        number = value.strip()
        plan = self.plan
        if plan is not None and selectors.indicator_numbered(plan, number) is None:
            raise serializers.ValidationError(
                _("规划中没有序号为{number}的指标（序号见 /api/indicators/?plan={plan}）。").format(
                    number=number, plan=plan.pk
                )
            )
        return number


def parse_filters(
    serializer_class: type[SerializerT], query_params: QueryDict, *, context: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The checked values of a request's filters; 400 (ValidationError) when one is wrong.

    An empty parameter (`?year=`), as a search form sends for a field left blank, means 'any'.
    `context` gives the serializer what the URL already chose (the plan of /api/plans/{id}/progress/).
    """
    given = {key: query_params.get(key, "") for key in query_params}
    present = {key: value for key, value in given.items() if value.strip() != ""}
    serializer = serializer_class(data=present, context=context or {})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def period_field_value(value: str) -> Period:
    """A period query or body field read strictly (2019, 2019-Q3, 2019-07), refused with the API's message."""
    try:
        return Period.parse(value)
    except ValueError:
        raise serializers.ValidationError(
            _("“{input}”不是有效的期间：应为 2019、2019-Q3 或 2019-07。").format(input=value.strip())
        ) from None
