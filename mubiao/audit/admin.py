"""Admin for the audit log and django-axes' sign-in records (read only) and the mixin that audits every admin write."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from mubiao.audit.models import AuditRecord, Door
from mubiao.audit.services import Actor, audit_record, snapshot


class NoDeleteAdmin(admin.ModelAdmin):
    """Nothing is hard-deleted, through the admin or any other door."""

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class AuditedAdmin(NoDeleteAdmin):
    """Admin writes are recorded like any other door's: the object with its many-to-many fields, and its inlines.

    The admin's change view runs in one transaction, so every record commits with the change it records.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # Kept on the request (the admin object is shared between threads) until save_related has run.
        request.audit_before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(request, "audit_before", None)
        after = snapshot(form.instance)
        if before != after:
            audit_record(
                actor=_actor(request),
                action="update" if change else "create",
                obj=form.instance,
                before=before,
                after=after,
                reason=_REASON,
            )

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        for obj in formset.save(commit=False):
            before = snapshot(type(obj).objects.get(pk=obj.pk)) if obj.pk else None
            obj.save()
            audit_record(
                actor=_actor(request),
                action="update" if before else "create",
                obj=obj,
                before=before,
                after=snapshot(obj),
                reason=_REASON,
            )
        formset.save_m2m()


_REASON = "管理后台修改"


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user, Door.ADMIN)


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


class ReadOnlySignInRecords:
    """Sign-in records are evidence: shown, never edited or deleted through the admin.

    An account locked out by mistake is unlocked with `mubiao axes_reset_username NAME`, on the server.
    """

    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class SignInAttemptAdmin(ReadOnlySignInRecords, AccessAttemptAdmin):
    pass


class SignInLogAdmin(ReadOnlySignInRecords, AccessLogAdmin):
    pass


class SignInFailureLogAdmin(ReadOnlySignInRecords, AccessFailureLogAdmin):
    pass


for _model, _admin_class in (
    (AccessAttempt, SignInAttemptAdmin),
    (AccessLog, SignInLogAdmin),
    (AccessFailureLog, SignInFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
