"""Roles: a user may hold several, each with its scope (an org unit for a reporter, a department for a reviewer)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mubiao.orgunits.models import Department, OrgUnit


class RoleKind(models.TextChoices):
    ADMIN = "admin", _("管理员")
    REVIEWER = "reviewer", _("审核人")
    REPORTER = "reporter", _("填报人")
    VIEWER = "viewer", _("查看人")


class Role(models.Model):
    """One role of one user. A reporter is scoped to an org unit (and its subtree), a reviewer to a
    lead department (the indicators it leads); an administrator and a viewer have no scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="roles"
    )
    kind = models.CharField(_("角色"), max_length=10, choices=RoleKind.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = pgettext_lazy("plural", "角色")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=RoleKind.values), name="role_kind_known"),
            models.CheckConstraint(
                condition=~models.Q(kind="reporter") | models.Q(org_unit__isnull=False),
                name="role_reporter_has_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="reviewer") | models.Q(department__isnull=False),
                name="role_reviewer_has_department",
            ),
            models.UniqueConstraint(fields=["user", "kind", "org_unit", "department"], name="role_unique"),
        ]

    def __str__(self) -> str:
        scope = self.org_unit or self.department
        return f"{self.user} · {self.get_kind_display()}" + (f" · {scope}" if scope else "")

    def clean(self) -> None:
        if self.kind == RoleKind.REPORTER and self.org_unit_id is None:
            raise ValidationError({"org_unit": _("填报人须指定所属单位")})
        if self.kind == RoleKind.REVIEWER and self.department_id is None:
            raise ValidationError({"department": _("审核人须指定牵头部门")})
