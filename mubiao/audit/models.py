"""The audit record: written by services inside the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Door(models.TextChoices):
    """Through which door a change came in."""

    WEB = "web", _("网页")
    API = "api", _("接口")
    CLI = "cli", _("命令行")
    IMPORT = "import", _("导入")
    ADMIN = "admin", _("管理后台")
    SYSTEM = "system", _("系统")


class AuditRecord(models.Model):
    """One change to one object. Append-only: saving an existing record or deleting one is refused."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(_("操作人标识"), max_length=200, help_text=_("账号名，或命令行的系统用户"))
    door = models.CharField(_("途径"), max_length=10, choices=Door.choices)
    action = models.CharField(_("操作"), max_length=20)
    # Looked up together, through the audit_object index below: single-column indexes would only slow the
    # hundreds of thousands of records a large import writes.
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=60)
    object_repr = models.CharField(_("对象"), max_length=300)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = pgettext_lazy("plural", "审计记录")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(door__in=[choice.value for choice in Door]), name="audit_door_known"
            ),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计记录只能追加，不能删除")
