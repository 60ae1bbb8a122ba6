"""Plans, indicators, milestones and targets."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mubiao.domain.progress import Schedule
from mubiao.orgunits.models import Department, OrgUnit


class Level(models.TextChoices):
    COMMITTED = "committed", _("确保")
    STRETCH = "stretch", _("力争")


class IndicatorKind(models.TextChoices):
    FLOW = "flow", _("新增（流量）")
    STOCK = "stock", _("保有量（存量）")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("不低于")
    EXACTLY = "exactly", _("等于")


def _in(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


class Plan(models.Model):
    """A government plan with its decomposition table: indicators and targets over a span of years."""

    title = models.CharField(_("规划名称"), max_length=300)
    table_title = models.CharField(_("分解表标题"), max_length=300, blank=True)
    attachment = models.CharField(_("附件编号"), max_length=50, blank=True)
    issuer = models.CharField(_("印发单位"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    area = models.ForeignKey(OrgUnit, verbose_name=_("所属地区"), on_delete=models.PROTECT, related_name="plans")
    start_year = models.PositiveSmallIntegerField(_("起始年"))
    end_year = models.PositiveSmallIntegerField(_("截止年"))
    notes = models.TextField(_("表注"), blank=True)
    # The progress sheet's colour flags: yellow from this many points behind the time-elapsed
    # expectation (序时进度), red beyond the second; at or ahead of it, green.
    lag_warning_points = models.PositiveSmallIntegerField(
        _("黄色预警（落后序时百分点）"), default=10, help_text=_("落后序时进度达到此百分点数时标黄")
    )
    lag_alarm_points = models.PositiveSmallIntegerField(
        _("红色预警（落后序时百分点）"), default=30, help_text=_("落后序时进度超过此百分点数时标红")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("规划")
        verbose_name_plural = pgettext_lazy("plural", "规划")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="plan_years_ordered"),
            models.UniqueConstraint(fields=["area", "title", "start_year", "end_year"], name="plan_unique_per_area"),
            models.CheckConstraint(
                condition=models.Q(lag_alarm_points__gte=models.F("lag_warning_points")), name="plan_lag_flags_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.start_year}—{self.end_year}年）"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class PlanUnit(models.Model):
    """A unit as a column of the plan's table: its place and the name the table gives it."""

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.PROTECT, related_name="plan_units")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="plan_columns")
    position = models.PositiveIntegerField(_("列序"))
    header_name = models.CharField(_("表头名称"), max_length=100)
    part_of = models.CharField(
        _("其中项所属"),
        max_length=100,
        blank=True,
        help_text=_("“其中”单位所属的单位（表头名称或地区名称）；其中项不计入合计"),
    )

    class Meta:
        verbose_name = _("规划单位列")
        verbose_name_plural = pgettext_lazy("plural", "规划单位列")
        ordering = ["plan_id", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "org_unit"], name="plan_unit_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.position} {self.header_name}"


class SourceFile(models.Model):
    """A file a plan was imported from, kept whole with its SHA-256 so every value can be traced to it."""

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.PROTECT, related_name="source_files")
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("字节数"))
    content = models.BinaryField(_("内容"))
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("来源文件")
        verbose_name_plural = pgettext_lazy("plural", "来源文件")
        ordering = ["-imported_at"]
        constraints = [models.UniqueConstraint(fields=["plan", "sha256"], name="source_file_unique_per_plan")]

    def __str__(self) -> str:
        return f"{self.filename}（{self.sha256[:12]}）"


#: The provenance columns of a stored value, and a target's columns as plain rows are inserted (mubiao.db).
PROVENANCE_COLUMNS = ("source_file_id", "source_sheet", "source_row", "source_column")
TARGET_COLUMNS = ("indicator_id", "org_unit_id", "year", "level", "value", "version", "updated_at", *PROVENANCE_COLUMNS)


def provenance_text(sheet: str, row: int | None, column: int | None) -> str:
    """Where in its source file a value stands, as a person would say it."""
    place = f"工作表{sheet} " if sheet else ""
    return f"{place}第{row}行第{column}列"


class Provenance(models.Model):
    """Where an imported value came from: file, sheet, row and column (1-based, as a person counts)."""

    # Followed from a value to its file, never the other way: no index to keep up on every imported value.
    source_file = models.ForeignKey(
        SourceFile,
        verbose_name=_("来源文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    source_sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    source_row = models.PositiveIntegerField(_("行"), null=True, blank=True)
    source_column = models.PositiveIntegerField(_("列"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def provenance_label(self) -> str:
        if self.source_file_id is None:
            return "手工录入"
        return provenance_text(self.source_sheet, self.source_row, self.source_column)


class Indicator(models.Model):
    """One measured quantity of a plan (高新技术企业), with its goal text and who is accountable.

    A flow counts new items per year; a stock is a year-end level. An 'of which' (其中) part has a
    parent and never adds into its parent's total.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.PROTECT, related_name="indicators")
    number = models.CharField(_("序号"), max_length=20)
    position = models.PositiveIntegerField(_("排序"), default=0)
    name = models.CharField(_("指标名称"), max_length=200)
    goal_text = models.TextField(_("完成目标"), blank=True)
    unit_of_measure = models.CharField(_("计量单位"), max_length=20, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.FLOW)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    lead_departments = models.ManyToManyField(
        Department, verbose_name=_("牵头部门"), blank=True, related_name="led_indicators"
    )
    responsible_units = models.TextField(_("责任单位"), blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    reporting_frequency = models.CharField(
        _("填报频率"),
        max_length=10,
        choices=[("monthly", _("每月")), ("quarterly", _("每季度")), ("annual", _("每年"))],
        default="quarterly",
    )
    deadline_day = models.PositiveSmallIntegerField(
        _("截止日"), default=5, help_text=_("期间结束后次月的第几日为填报截止日")
    )
    weight = models.DecimalField(
        _("权重"), max_digits=8, decimal_places=4, default=1, help_text=_("综合评分中的权重，默认各指标相等")
    )
    progress_schedule = models.JSONField(
        _("序时进度阶梯"),
        default=list,
        blank=True,
        help_text=_("空表示按月平均；阶梯如 [[6, 0.3], [12, 1]] 表示6月起应完成30%，12月完成全部"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属指标（其中项）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = pgettext_lazy("plural", "指标")
        ordering = ["plan_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="indicator_number_unique_in_plan"),
            _in("kind", IndicatorKind, "indicator_kind_known"),
            _in("direction", Direction, "indicator_direction_known"),
            models.CheckConstraint(
                condition=models.Q(reporting_frequency__in=["monthly", "quarterly", "annual"]),
                name="indicator_frequency_known",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline_day__gte=1, deadline_day__lte=28), name="indicator_deadline_day_in_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def clean(self) -> None:
        if self.weight is not None and self.weight < 0:
            raise ValidationError({"weight": _("权重不能为负数")})
        try:
            Schedule.from_steps(self.progress_schedule or [])
        except (TypeError, ValueError) as exc:
            raise ValidationError({"progress_schedule": str(exc)}) from exc
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "指标不能是自己的其中项"})
            if self.parent is not None and self.parent.plan_id != self.plan_id:
                raise ValidationError({"parent": "其中项必须属于同一规划"})


class Milestone(models.Model):
    """A cumulative target at a milestone year, read from the goal text and kept with its phrase."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="milestones"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    comparison = models.CharField(_("比较"), max_length=10, choices=Comparison.choices)
    phrase = models.CharField(_("原文"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = pgettext_lazy("plural", "里程碑")
        ordering = ["indicator_id", "year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "level"], name="milestone_unique"),
            _in("level", Level, "milestone_level_known"),
            _in("comparison", Comparison, "milestone_comparison_known"),
        ]

    def __str__(self) -> str:
        return self.phrase or f"{self.year} {self.get_level_display()} {self.value}"


class Target(Provenance):
    """The target of one unit for one indicator, year and level. A null value is a cleared (blank) cell."""

    # No index of its own: target_one_per_cell (indicator, org_unit, year, level) serves lookups by indicator.
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="targets", db_index=False
    )
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年份"))
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    value = models.DecimalField(_("目标值"), null=True, blank=True, max_digits=20, decimal_places=4)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = pgettext_lazy("plural", "目标")
        ordering = ["indicator_id", "year", "level", "org_unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "year", "level"], name="target_one_per_cell"),
            _in("level", Level, "target_level_known"),
            models.CheckConstraint(condition=models.Q(year__gte=1949, year__lte=2200), name="target_year_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.org_unit.short_name} {self.year} {self.get_level_display()}"
