from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mubiao.audit.admin import AuditedAdmin, NoDeleteAdmin
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.domain.numbers import format_decimal
from mubiao.orgunits.models import Department
from mubiao.plans.models import Indicator, Milestone, Plan, PlanUnit, SourceFile, Target
from mubiao.plans.services import target_set

if TYPE_CHECKING:  # the value columns also serve reporting's admin, a layer above
    from mubiao.reporting.models import ActualValue


class ValueColumns:
    """List columns for a stored value: shown as the table writes it (310, not 310.0000), and its source."""

    @admin.display(description=_("数值"), ordering="value")
    def shown_value(self, record: Target | ActualValue) -> str:
        return format_decimal(record.value)

    @admin.display(description=_("出处"))
    def source(self, record: Target | ActualValue) -> str:
        return record.provenance_label


class ImportedInline(admin.TabularInline):
    """Rows an import writes (milestones are read from the goal text): shown here, never added or removed."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanUnitInline(ImportedInline):
    model = PlanUnit
    readonly_fields = ("org_unit", "position", "header_name")


class SourceFileInline(ImportedInline):
    model = SourceFile
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


class MilestoneInline(ImportedInline):
    model = Milestone
    readonly_fields = ("year", "level", "value", "comparison", "phrase")


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("number", "name", "plan", "unit_of_measure", "kind", "direction")
    list_filter = ("plan", "kind", "direction")
    search_fields = ("name", "goal_text")
    filter_horizontal = ("lead_departments",)
    inlines = [MilestoneInline]


@admin.register(Target)
class TargetAdmin(ValueColumns, NoDeleteAdmin):
    list_display = ("indicator", "org_unit", "year", "level", "shown_value", "source", "version")
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
