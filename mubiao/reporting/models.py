"""Actual values reported against targets."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mubiao.accounts.permissions import Viewer, grants_of, pending_scope
from mubiao.domain.periods import Period
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import PROVENANCE_COLUMNS, Indicator, Provenance

#: An actual value's columns as plain rows are inserted (mubiao.db.insert_rows).
ACTUAL_COLUMNS = (
    "indicator_id",
    "org_unit_id",
    "period",
    "year",
    "period_kind",
    "period_number",
    "value",
    "version",
    "updated_at",
    "status",
    "origin",
    *PROVENANCE_COLUMNS,
)


class PeriodKind(models.TextChoices):
    YEAR = "year", _("年")
    QUARTER = "quarter", _("季度")
    MONTH = "month", _("月")


class ActualStatus(models.TextChoices):
    """Where a reported figure stands: only approved figures count in official progress and rankings."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已通过")


class ActualOrigin(models.TextChoices):
    """How a figure came in, which decides who may change it."""

    REPORTED = "reported", _("填报")
    IMPORTED = "imported", _("导入")


class ActualValueQuerySet(models.QuerySet["ActualValue"]):
    """Reads of figures. Every door reads through `visible_to`, the one visibility rule."""

    def official(self) -> ActualValueQuerySet:
        """Approved figures: what everyone may see, and all that official progress, rankings, validation
        and the decomposition table count."""
        return self.filter(status=ActualStatus.APPROVED)

    def visible_to(self, viewer: Viewer, *, include_pending: bool = False) -> ActualValueQuerySet:
        """The figures `viewer` may see, in the spirit of NetBox's `restrict(user, action)`.

        Approved figures to everyone (anonymous included). Figures not yet approved (draft, submitted,
        returned) only when `include_pending` is asked for, and then only those the permission layer lets
        the viewer see (`Action.VIEW_PENDING`): a reporter's units, a reviewer's indicators, everything for
        administrators and viewers. One filter in the database, so it scales with the table, not the rows.
        """
        if not include_pending:
            return self.official()
        scope = pending_scope(grants_of(viewer))
        if scope.everything:
            return self.all()
        seen = models.Q(status=ActualStatus.APPROVED)
        if scope.org_unit_ids:
            seen |= models.Q(org_unit_id__in=scope.org_unit_ids)
        if scope.lead_department_ids:
            # A subquery, not a join over the many-to-many: a figure stays one row however many departments lead.
            led = Indicator.objects.filter(lead_departments__in=scope.lead_department_ids).values("pk")
            seen |= models.Q(indicator_id__in=led)
        return self.filter(seen)


class ActualValue(Provenance):
    """What a unit achieved for an indicator in a period. In-year values of a flow are year-to-date."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="actuals")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="actuals")
    period = models.CharField(_("期间"), max_length=10, help_text=_("2019、2019-Q3 或 2019-07"))
    year = models.PositiveSmallIntegerField(_("年份"))
    period_kind = models.CharField(_("期间类型"), max_length=10, choices=PeriodKind.choices)
    period_number = models.PositiveSmallIntegerField(_("期间序号"), default=0)
    value = models.DecimalField(_("实际值"), null=True, blank=True, max_digits=20, decimal_places=4)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Where the figure stands in review. No default, on purpose: every writer (mubiao.reporting.workflow)
    # names the status it writes, so no new path can make a figure official by forgetting it.
    status = models.CharField(_("状态"), max_length=10, choices=ActualStatus.choices)
    # Who owns the figure: a unit that reported it, or the table it was imported from. An import may
    # update or clear only what an import wrote; a reported figure is changed through the workflow alone.
    origin = models.CharField(_("来源"), max_length=10, choices=ActualOrigin.choices)
    note = models.TextField(_("填报说明"), blank=True, default="", db_default="")
    return_reason = models.TextField(_("退回原因"), blank=True, default="", db_default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    objects = ActualValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("实际值")
        verbose_name_plural = pgettext_lazy("plural", "实际值")
        ordering = ["indicator_id", "year", "period_kind", "period_number", "org_unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "period"], name="actual_one_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_kind__in=PeriodKind.values), name="actual_period_kind_known"
            ),
            models.CheckConstraint(condition=models.Q(status__in=ActualStatus.values), name="actual_status_known"),
            models.CheckConstraint(condition=models.Q(origin__in=ActualOrigin.values), name="actual_origin_known"),
            models.CheckConstraint(
                condition=(
                    models.Q(period_kind="year", period_number=0)
                    | models.Q(period_kind="quarter", period_number__gte=1, period_number__lte=4)
                    | models.Q(period_kind="month", period_number__gte=1, period_number__lte=12)
                ),
                name="actual_period_number_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.org_unit.short_name} {self.period}"

    def clean(self) -> None:
        try:
            parsed = Period.parse(self.period)
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        self.year, self.period_kind, self.period_number = parsed.year, parsed.kind.value, parsed.number


class Evidence(models.Model):
    """A file supporting a reported figure (a certificate list, a statistics table …).

    Its bytes live under settings.EVIDENCE_ROOT, named by their SHA-256 — never under the web root —
    and are served only to those who may see the figure. Its type was checked by content on upload.
    """

    actual = models.ForeignKey(ActualValue, verbose_name=_("实际值"), on_delete=models.PROTECT, related_name="evidence")
    filename = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("字节数"))
    sha256 = models.CharField("SHA-256", max_length=64)
    stored_name = models.CharField(_("存储名称"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = pgettext_lazy("plural", "证明材料")
        ordering = ["actual_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename
