"""How plans, indicators, units, targets, findings and progress look on the wire.

Stored decimals (targets, milestones) travel as strings written the way people write them ("310",
"1.5"), never as floats and never with the database's trailing zeros ("310.0000"). A blank (cleared)
value is null. Computed figures that a command also reports (findings, progress, rankings) are JSON
numbers exactly as that command's `--format json` writes them (442, 1.426), so both doors agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mubiao.domain.findings import decimal_to_json
from mubiao.domain.numbers import format_decimal

# The command line's rounding of rates (three decimals, half up): one rule for both doors.
from mubiao.domain.progress import Status, rounded_rate
from mubiao.domain.values import Severity
from mubiao.orgunits.models import Department, OrgUnit, OrgUnitAlias
from mubiao.plans.models import Indicator, Level, Milestone, Plan, SourceFile, Target


class PlainDecimalField(serializers.DecimalField):
    """A Decimal as a string without trailing zeros: "310", not "310.0000"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> str:
        return format_decimal(Decimal(value))


@extend_schema_field(OpenApiTypes.NUMBER)
class ExactNumberField(serializers.Field):
    """A number exactly as `Finding.as_dict()` writes it: 12 stays 12, 1.5 stays 1.5."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(OpenApiTypes.NUMBER)
class ReportNumberField(serializers.Field):
    """A computed Decimal as `mubiao progress --format json` writes it: an exact JSON number (442, 1.5).

    `rounded=True` for rates and expectations: three decimals first, half up (1.426), as bulletins print them.
    """

    def __init__(self, *, rounded: bool = False, **kwargs: Any) -> None:
        self.rounded = rounded
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> int | float | None:
        return decimal_to_json(rounded_rate(value) if self.rounded else value)


# -- org units ----------------------------------------------------------------------------------


class AreaSerializer(serializers.ModelSerializer):
    """The area (city or county) a plan belongs to."""

    class Meta:
        model = OrgUnit
        fields = ["id", "name"]


class OrgUnitRefSerializer(serializers.ModelSerializer):
    """A unit as tables name it: its id and short name (柳南)."""

    class Meta:
        model = OrgUnit
        fields = ["id", "short_name"]


class OrgUnitSerializer(serializers.ModelSerializer):
    """A node of the administrative tree, with the other names tables may give it."""

    aliases: serializers.SlugRelatedField[OrgUnitAlias] = serializers.SlugRelatedField(
        slug_field="alias", many=True, read_only=True, help_text="别名。Other names tables use for the unit."
    )

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "short_name", "code", "kind", "parent", "position", "is_active", "aliases"]


# -- plans --------------------------------------------------------------------------------------


class SourceFileSerializer(serializers.ModelSerializer):
    """A file the plan was imported from: its name, hash and size, never its content."""

    class Meta:
        model = SourceFile
        fields = ["id", "filename", "sha256", "size", "imported_at"]


class PlanSerializer(serializers.ModelSerializer):
    """A plan with its decomposition table's title, its area, its span of years and its sources."""

    area = AreaSerializer(read_only=True)
    source_files = SourceFileSerializer(many=True, read_only=True)
    indicator_count = serializers.IntegerField(read_only=True, help_text="指标数。Number of indicators.")
    target_count = serializers.IntegerField(
        read_only=True,
        help_text="已设定的目标数（不含空白）。Number of targets holding a value (blank cells not counted).",
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "table_title",
            "attachment",
            "issuer",
            "document_number",
            "area",
            "start_year",
            "end_year",
            "notes",
            "source_files",
            "indicator_count",
            "target_count",
            "created_at",
            "updated_at",
        ]


# -- indicators ---------------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    """A cumulative target at a milestone year, with the phrase of the goal text it was read from."""

    value = PlainDecimalField()

    class Meta:
        model = Milestone
        fields = ["year", "level", "value", "comparison", "phrase"]


class IndicatorSerializer(serializers.ModelSerializer):
    """One measured quantity of a plan, with its goal text, milestones and who is accountable."""

    lead_departments: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="name",
        many=True,
        read_only=True,
        help_text="牵头部门名称。Names of the lead departments.",
    )
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "number",
            "name",
            "goal_text",
            "unit_of_measure",
            "kind",
            "direction",
            "lead_departments",
            "responsible_units",
            "remarks",
            "parent",
            "milestones",
        ]
        extra_kwargs = {
            "parent": {"help_text": "其中项所属的指标编号；否则为 null。The whole this 'of which' part belongs to."}
        }


# -- targets ------------------------------------------------------------------------------------


class TargetIndicatorSerializer(serializers.ModelSerializer):
    """The indicator a target belongs to: id, number in the table and name."""

    class Meta:
        model = Indicator
        fields = ["id", "number", "name"]


class ProvenanceSerializer(serializers.Serializer):
    """Where a value came from: source file hash, sheet, row and column (1-based, as a person counts).

    All null (sheet empty) for a value entered by hand.
    """

    source_file_sha256 = serializers.CharField(
        source="source_file.sha256", allow_null=True, read_only=True, help_text="来源文件的 SHA-256。"
    )
    sheet = serializers.CharField(source="source_sheet", read_only=True, help_text="工作表（纯文本表为空）。")
    row = serializers.IntegerField(source="source_row", allow_null=True, read_only=True, help_text="行（从 1 起）。")
    column = serializers.IntegerField(
        source="source_column", allow_null=True, read_only=True, help_text="列（从 1 起）。"
    )


class TargetSerializer(serializers.ModelSerializer):
    """The target of one unit for one indicator, year and level; null value for a cleared cell."""

    indicator = TargetIndicatorSerializer(read_only=True)
    org_unit = OrgUnitRefSerializer(read_only=True)
    value = PlainDecimalField(allow_null=True, help_text="目标值（字符串，无多余的 0）；空白为 null。")
    provenance = ProvenanceSerializer(source="*", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "indicator", "org_unit", "year", "level", "value", "provenance", "version", "updated_at"]


# -- findings -----------------------------------------------------------------------------------


class FindingSerializer(serializers.Serializer):
    """One data-quality finding, in exactly the shape of `Finding.as_dict()` (numbers stay numbers)."""

    rule = serializers.CharField(
        read_only=True,
        help_text=(
            "规则：sum_mismatch、milestone_unmet、stretch_below_committed、below_last_actual、part_exceeds_whole。"
        ),
    )
    severity = serializers.ChoiceField(
        choices=[(severity.value, severity.label) for severity in Severity], read_only=True
    )
    indicator = serializers.CharField(read_only=True, help_text="指标名称。Indicator name.")
    indicator_number = serializers.CharField(read_only=True, help_text="指标序号。Indicator number in the table.")
    year = serializers.IntegerField(allow_null=True, read_only=True)
    level = serializers.CharField(
        allow_null=True, read_only=True, help_text="committed（确保）、stretch（力争）或 actual（实际）。"
    )
    unit = serializers.CharField(
        allow_null=True, read_only=True, help_text="单位简称（市为全称）；整行问题为 null。Null for a whole row."
    )
    expected = ExactNumberField(allow_null=True, help_text="应有的值。The value expected.")
    found = ExactNumberField(allow_null=True, help_text="实际找到的值。The value found.")
    implied = serializers.DictField(
        child=ExactNumberField(),
        read_only=True,
        help_text=(
            "空白单元格若取此值即可相符（仅供参考，从不写入）。Blank cells and the value that would close the gap."
        ),
    )
    message = serializers.CharField(read_only=True)


# -- progress -----------------------------------------------------------------------------------


class ProgressRowSerializer(serializers.Serializer):
    """One unit's progress on one indicator for the period, exactly as `mubiao progress --format json` gives it."""

    indicator_number = serializers.CharField(read_only=True, help_text="指标序号。Indicator number in the table.")
    indicator = serializers.CharField(read_only=True, help_text="指标名称。Indicator name.")
    unit = serializers.CharField(read_only=True, help_text="单位简称（市为全称）。Unit short name; the city in full.")
    period = serializers.CharField(read_only=True, help_text="期间：2018、2018-Q3 或 2018-07。")
    actual = ReportNumberField(allow_null=True, help_text="实际值（截至该期间）；未报为 null。Actual, year to date.")
    committed = ReportNumberField(allow_null=True, help_text="确保目标；空白为 null。Committed target.")
    stretch = ReportNumberField(allow_null=True, help_text="力争目标；空白为 null。Stretch target.")
    expected = ReportNumberField(
        rounded=True,
        allow_null=True,
        help_text="序时进度应达到的值（年中期间才有，三位小数）。What the calendar expects by now (in-year only).",
    )
    rate_committed = ReportNumberField(
        rounded=True,
        allow_null=True,
        help_text="对确保目标的完成率（比值，三位小数：1.426 即 142.6%）；无目标为 null。Ratio to committed.",
    )
    rate_stretch = ReportNumberField(
        rounded=True, allow_null=True, help_text="对力争目标的完成率（比值，三位小数）。Ratio to stretch."
    )
    status = serializers.ChoiceField(
        choices=[(status.value, status.label) for status in Status],
        read_only=True,
        help_text="状态（status_label 为其中文名称）。Status; status_label is its Chinese label.",
    )
    status_label = serializers.CharField(source="status.label", read_only=True, help_text="状态的中文名称。")
    rank = serializers.IntegerField(
        allow_null=True,
        read_only=True,
        help_text="按确保完成率的排名（并列同名次）；市本身及无确保目标的单位为 null。",
    )
    note = serializers.CharField(
        read_only=True, help_text="说明，如空白目标的隐含值、市报数与汇总不符；通常为空。Note, usually empty."
    )
    summed = serializers.BooleanField(
        read_only=True,
        help_text="市的实际值是否为各单位之和（汇总，可相加的指标）；比率类指标为 false。"
        "Whether the city's actual is the sum of its units'.",
    )
    units_reported = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="汇总中已报的单位数；非汇总行为 null。Units in the sum."
    )
    units_expected = serializers.IntegerField(
        allow_null=True,
        read_only=True,
        help_text="汇总应等的单位数（当年有目标或已报的单位）。Units the sum waits for.",
    )
    own = ReportNumberField(allow_null=True, help_text="市自报的数（如有），与汇总并列显示。The city's own figure.")
    mismatch = ReportNumberField(
        allow_null=True,
        help_text="各单位都已报时，市自报数减汇总的差；一致或未报齐为 null。Own minus sum once all reported.",
    )


class ProgressMilestoneSerializer(serializers.Serializer):
    """Cumulative progress toward one milestone of the goal text, as `mubiao progress --format json` gives it."""

    indicator_number = serializers.CharField(read_only=True)
    indicator = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True, help_text="里程碑年份。Milestone year.")
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)
    value = ReportNumberField(help_text="里程碑目标值（累计）。Cumulative milestone value.")
    phrase = serializers.CharField(read_only=True, help_text="完成目标中的原文。The phrase of the goal text.")
    reached = ReportNumberField(
        allow_null=True,
        help_text="截至 upto_year 已达到的值：新增类累计各年，保有量取最新。Reached by upto_year; null if none.",
    )
    upto_year = serializers.IntegerField(read_only=True, help_text="累计截至的年份。Counted up to this year.")
    rate = ReportNumberField(rounded=True, allow_null=True, help_text="完成率（比值，三位小数）。Ratio reached.")


class PlanProgressSerializer(serializers.Serializer):
    """A plan's progress for one period: every unit's row and the milestone tracker."""

    plan = serializers.IntegerField(source="plan.pk", read_only=True, help_text="规划编号。Plan id.")
    year = serializers.IntegerField(read_only=True)
    period = serializers.CharField(read_only=True, help_text="所示期间（未指定时为该年最新已报期间）。")
    rows = ProgressRowSerializer(many=True, read_only=True)
    milestones = ProgressMilestoneSerializer(many=True, read_only=True)


class RankedUnitSerializer(serializers.Serializer):
    """A unit's place for one indicator."""

    unit = serializers.CharField(read_only=True, help_text="单位简称。Unit short name.")
    rate = ReportNumberField(
        source="rate_committed", rounded=True, allow_null=True, help_text="确保完成率（三位小数）。"
    )
    rank = serializers.IntegerField(allow_null=True, read_only=True, help_text="名次（并列同名次）；无目标为 null。")


class IndicatorRankingSerializer(serializers.Serializer):
    """One indicator's ranking: ranked units best first, then those without a committed target."""

    indicator_number = serializers.CharField(read_only=True)
    indicator = serializers.CharField(read_only=True)
    units = RankedUnitSerializer(many=True, read_only=True)


class ScoreTermSerializer(serializers.Serializer):
    """One indicator's part of a composite score: its weight, the unit's rate, and weight × rate ÷ total weight."""

    indicator = serializers.CharField(read_only=True)
    weight = ReportNumberField(help_text="指标权重。Indicator weight.")
    rate = ReportNumberField(rounded=True, help_text="确保完成率（三位小数）。")
    contribution = ReportNumberField(rounded=True, help_text="对综合得分的贡献（三位小数）。")


class CompositeScoreSerializer(serializers.Serializer):
    """A unit's weighted mean completion rate over the indicators where it has a committed target."""

    unit = serializers.CharField(read_only=True)
    score = ReportNumberField(rounded=True, allow_null=True, help_text="综合得分（三位小数）；无目标为 null。")
    rank = serializers.IntegerField(allow_null=True, read_only=True)
    explanation = serializers.CharField(read_only=True, help_text="得分的算式，如公报所写。The score written out.")
    terms = ScoreTermSerializer(many=True, read_only=True)


class PlanRankingsSerializer(serializers.Serializer):
    """Who ranks where in one period: per indicator, and by composite score."""

    plan = serializers.IntegerField(source="plan.pk", read_only=True, help_text="规划编号。Plan id.")
    year = serializers.IntegerField(read_only=True)
    period = serializers.CharField(read_only=True)
    indicators = IndicatorRankingSerializer(many=True, read_only=True)
    scores = CompositeScoreSerializer(many=True, read_only=True)
