"""Org units and their aliases, and the departments that lead indicators."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    COUNTY = "county", _("县")
    AUTONOMOUS_COUNTY = "autonomous_county", _("自治县")
    ZONE = "zone", _("新区/园区")
    TOWNSHIP = "township", _("乡镇街道")
    CITY_LEVEL = "city_level", _("市本级")
    OTHER = "other", _("其他")


class OrgUnit(models.Model):
    """A node of the administrative tree: a city, a county, a district, a functional zone …

    `short_name` is the name decomposition tables use (柳南 for 柳南区); `code` is the statutory
    GB/T 2260 code where one exists (zones have none).
    """

    name = models.CharField(_("全称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50)
    code = models.CharField(_("行政区划代码"), max_length=12, null=True, blank=True, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("排序"), default=0, help_text=_("在分解表中的列序"))
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("行政单位")
        verbose_name_plural = pgettext_lazy("plural", "行政单位")
        # Roots first on every backend (SQLite and PostgreSQL sort NULL differently by default).
        ordering = [models.F("parent_id").asc(nulls_first=True), "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[choice.value for choice in OrgUnitKind]),
                name="orgunit_kind_known",
            ),
            models.UniqueConstraint(fields=["parent", "short_name"], name="orgunit_short_name_unique_in_parent"),
            models.CheckConstraint(condition=~models.Q(short_name=""), name="orgunit_short_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": "单位不能是自己的上级"})
        if self.code and not self.code.isdigit():
            raise ValidationError({"code": "行政区划代码只能是数字"})


class OrgUnitAlias(models.Model):
    """Another name a table may use for a unit (柳东新区（高新区）for 柳东新区（柳州高新区）)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("别名"), max_length=100)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = pgettext_lazy("plural", "单位别名")
        constraints = [models.UniqueConstraint(fields=["unit", "alias"], name="orgunit_alias_unique")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit.short_name}"


class Department(models.Model):
    """A city department that can lead indicators (市科技局) and whose reviewers check their figures.

    It lived in the plans app until 2026; its table keeps the name it had there, so moving it
    moved no data (see orgunits migration 0003 and plans migration 0007).
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)

    class Meta:
        db_table = "plans_department"
        verbose_name = _("部门")
        verbose_name_plural = pgettext_lazy("plural", "部门")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
