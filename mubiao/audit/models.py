"""The audit record: written by services inside the same transaction as the change it records.

Append-only through every door: the instance refuses save() of an existing record and delete(); its
queryset refuses update(), delete() and bulk_update(); and a database trigger (migration 0003)
refuses UPDATE and DELETE statements on PostgreSQL and UPDATE on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

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


class AuditRecordImmutable(PermissionError):
    """An attempt to change or delete an audit record."""


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    """Reads and inserts only. Bulk inserts (audit_rows_write) go through mubiao.db.insert_rows."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditRecordImmutable("审计记录只能追加，不能修改")

    def bulk_update(
        self, objs: Iterable[AuditRecord], fields: Iterable[str], batch_size: int | None = None
    ) -> NoReturn:
        raise AuditRecordImmutable("审计记录只能追加，不能修改")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditRecordImmutable("审计记录只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise AuditRecordImmutable("审计记录只能追加，不能删除")

    def _raw_delete(self, using: str | None) -> NoReturn:
        # What Django's deletion collector calls for "fast" deletes, bypassing delete() above.
        raise AuditRecordImmutable("审计记录只能追加，不能删除")


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

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        # Related lookups and the deletion collector use the base manager: it must refuse too.
        base_manager_name = "objects"
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
            raise AuditRecordImmutable("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditRecordImmutable("审计记录只能追加，不能删除")
