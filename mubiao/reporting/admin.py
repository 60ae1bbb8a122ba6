from django.contrib import admin
from django.http import HttpRequest

from mubiao.audit.admin import NoDeleteAdmin
from mubiao.plans.admin import ValueColumns
from mubiao.reporting.models import ActualValue, Evidence


@admin.register(ActualValue)
class ActualValueAdmin(ValueColumns, NoDeleteAdmin):
    """Listed and shown only. A figure is entered, submitted, reviewed and unlocked through the reporting
    pages and API, by the workflow (mubiao.reporting.workflow), which checks the value, the period, the
    status and the version and records each step; a form here would skip every one of those rules."""

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ActualValue | None = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(NoDeleteAdmin):
    """Evidence files are attached through the reporting pages and API (type-checked there); here only listed."""

    list_display = ("filename", "actual", "content_type", "size", "uploaded_by", "uploaded_at")
    search_fields = ("filename", "sha256")
    readonly_fields = ("actual", "filename", "content_type", "size", "sha256", "stored_name", "uploaded_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
