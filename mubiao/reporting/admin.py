from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mubiao.audit.admin import AuditedAdmin
from mubiao.domain.numbers import format_decimal
from mubiao.reporting.models import ActualValue


@admin.register(ActualValue)
class ActualValueAdmin(AuditedAdmin):
    list_display = ("indicator", "org_unit", "period", "shown_value", "source", "version")
    list_filter = ("indicator__plan", "period_kind", "year", "indicator")
    search_fields = ("org_unit__short_name", "org_unit__name", "indicator__name")
    list_select_related = ("indicator", "org_unit", "source_file")

    @admin.display(description=_("实际值"), ordering="value")
    def shown_value(self, actual: ActualValue) -> str:
        return format_decimal(actual.value)

    @admin.display(description=_("出处"))
    def source(self, actual: ActualValue) -> str:
        return actual.provenance_label

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
