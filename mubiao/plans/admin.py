from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from mubiao.audit.admin import AuditedAdmin
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.plans.models import Department, Indicator, Milestone, Plan, PlanUnit, SourceFile, Target
from mubiao.plans.services import target_set


class PlanUnitInline(admin.TabularInline):
    model = PlanUnit
    extra = 0
    can_delete = False
    readonly_fields = ("org_unit", "position", "header_name")


class SourceFileInline(admin.TabularInline):
    model = SourceFile
    extra = 0
    can_delete = False
    fields = ("filename", "sha256", "size", "imported_at")
    readonly_fields = fields


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ("title", "area", "start_year", "end_year", "document_number", "updated_at")
    search_fields = ("title", "table_title", "document_number")
    inlines = [PlanUnitInline, SourceFileInline]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    search_fields = ("name",)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    readonly_fields = ("year", "level", "value", "comparison", "phrase")


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("number", "name", "plan", "unit_of_measure", "kind", "direction")
    list_filter = ("plan", "kind", "direction")
    search_fields = ("name", "goal_text")
    filter_horizontal = ("lead_departments",)
    inlines = [MilestoneInline]


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ("indicator", "org_unit", "year", "level", "value", "provenance_label", "version")
    list_filter = ("indicator__plan", "level", "year", "indicator")
    search_fields = ("org_unit__short_name", "org_unit__name", "indicator__name")
    list_select_related = ("indicator", "org_unit", "source_file")
    readonly_fields = ("source_file", "source_sheet", "source_row", "source_column", "version")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # Through the service, so the admin obeys the same rules and audit as every other door.
        saved = target_set(
            indicator=obj.indicator,
            org_unit=obj.org_unit,
            year=obj.year,
            level=obj.level,
            value=obj.value,
            actor=Actor.for_user(request.user, Door.ADMIN),
            reason="管理后台修改",
        )
        obj.pk = saved.pk
