from django.contrib import admin

from mubiao.audit.admin import AuditedAdmin
from mubiao.orgunits.models import OrgUnit, OrgUnitAlias


class AliasInline(admin.TabularInline):
    model = OrgUnitAlias
    extra = 0
    can_delete = False


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "code", "kind", "parent", "position", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code", "aliases__alias")
    inlines = [AliasInline]
