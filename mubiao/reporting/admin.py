from django.contrib import admin

from mubiao.audit.admin import AuditedAdmin
from mubiao.plans.admin import ValueColumns
from mubiao.reporting.models import ActualValue


@admin.register(ActualValue)
class ActualValueAdmin(ValueColumns, AuditedAdmin):
    list_display = ("indicator", "org_unit", "period", "shown_value", "source", "version")
    list_filter = ("indicator__plan", "period_kind", "year", "indicator")
    search_fields = ("org_unit__short_name", "org_unit__name", "indicator__name")
    list_select_related = ("indicator", "org_unit", "source_file")

    readonly_fields = (
        "year",
        "period_kind",
        "period_number",
        "source_file",
        "source_sheet",
        "source_row",
        "source_column",
        "version",
    )
