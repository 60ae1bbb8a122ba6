"""Admin for roles (audited, never deleted) and users (never deleted; roles shown with each user).

Creating users and disabling them is best done with `mubiao users`, which checks the password rules,
resolves scopes by name and writes the audit log; the admin stays as the fallback.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mubiao.accounts.models import Role
from mubiao.accounts.services import role_label, staff_sync
from mubiao.audit.admin import AuditedAdmin
from mubiao.audit.models import Door
from mubiao.audit.services import Actor


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("user", "kind", "org_unit", "department", "is_active", "created_at")
    list_filter = ("kind", "is_active", "department")
    search_fields = ("user__username", "user__first_name", "org_unit__name", "org_unit__short_name", "department__name")
    list_select_related = ("user", "org_unit", "department")
    raw_id_fields = ("user",)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # An administrator role opens the admin site, as through `mubiao users`; the flags' change is audited.
        staff_sync(actor=Actor.for_user(request.user, Door.ADMIN), user=form.instance.user)


class RoleInline(admin.TabularInline):
    """A user's roles, read here and changed on the role's own page (where every change is audited)."""

    model = Role
    extra = 0
    can_delete = False
    fields = ("kind", "org_unit", "department", "is_active", "created_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class MubiaoUserAdmin(UserAdmin):
    """Django's user admin without deletion: a user who leaves is disabled, so their history keeps its author."""

    inlines = [RoleInline]
    list_display = ("username", "first_name", "email", "roles_shown", "is_active", "last_login")

    @admin.display(description=_("角色"))
    def roles_shown(self, user: Any) -> str:
        return "、".join(role_label(role) for role in user.roles.all() if role.is_active)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("roles__org_unit", "roles__department")

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False
