"""Admin for the audit log (read only) and the mixin that audits every admin write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from mubiao.audit.models import AuditRecord, Door
from mubiao.audit.services import Actor, audit_record, snapshot


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes are recorded like any other door's; nothing is ever hard-deleted from here."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # The admin's change view already runs in a transaction, so record and change commit together.
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=Actor.for_user(request.user, Door.ADMIN),
            action="update" if change else "create",
            obj=obj,
            before=before,
            after=snapshot(obj),
            reason="管理后台修改",
        )

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "door", "action", "object_type", "object_repr")
    list_filter = ("door", "action", "object_type")
    search_fields = ("object_repr", "actor_label", "reason")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False
