"""A plan's assessment rules (考核办法) and the bonus, deduction and veto items recorded against its units."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mubiao.domain.assessment import DEFAULT_BONUS_CAP, DEFAULT_CAP, DEFAULT_TIERS, GradeBasis, ItemKind
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Plan


def default_tiers() -> list[list[str]]:
    return [[tier.label, str(tier.bound)] for tier in DEFAULT_TIERS]


class AssessmentScheme(models.Model):
    """How a plan scores its units. A plan without one is scored by the defaults (mubiao.domain.assessment)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="assessment_scheme")
    # Indicator number → points (分值), as text so no float creeps in; an indicator left out gets its
    # share of 100 by weight.
    points = models.JSONField(_("各指标分值"), default=dict, blank=True)
    cap = models.DecimalField(_("超额封顶（倍）"), max_digits=4, decimal_places=2, default=DEFAULT_CAP)
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=6, decimal_places=2, default=DEFAULT_BONUS_CAP)
    grade_basis = models.CharField(
        _("等次依据"),
        max_length=10,
        choices=[(GradeBasis.SCORE.value, _("按得分")), (GradeBasis.RANK.value, _("按名次"))],
        default=GradeBasis.SCORE.value,
    )
    # [[label, bound], …] from the best tier down; by score the lowest score, by rank the places it takes.
    tiers = models.JSONField(_("等次"), default=default_tiers)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核办法")
        verbose_name_plural = pgettext_lazy("plural", "考核办法")

    def __str__(self) -> str:
        return f"{self.plan.title}考核办法"


class AssessmentItem(models.Model):
    """A bonus (加分), deduction (扣分) or veto (一票否决) for one unit, from a month of a year on.

    It counts in every assessment of that year whose period ends in or after `month`. Items are
    never deleted: a mistaken one is withdrawn with a reason, and both steps are audited.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="assessment_items")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="assessment_items")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("起算月份"), default=1)
    kind = models.CharField(_("类别"), max_length=10, choices=[(kind.value, kind.label) for kind in ItemKind])
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=Decimal(0))
    reason = models.CharField(_("事由"), max_length=500)
    basis = models.CharField(_("依据"), max_length=300, help_text=_("文件、通报或批复的名称和文号"))
    evidence_name = models.CharField(_("证明材料"), max_length=200, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("加减分及否决事项")
        verbose_name_plural = pgettext_lazy("plural", "加减分及否决事项")
        ordering = ["year", "month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[kind.value for kind in ItemKind]), name="assessment_item_kind"
            ),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="assessment_item_points_not_negative"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="assessment_item_month"),
        ]
        indexes = [models.Index(fields=["plan", "year"], name="assessment_item_plan_year")]

    def __str__(self) -> str:
        return f"{self.year}年{ItemKind(self.kind).label}：{self.reason[:40]}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
