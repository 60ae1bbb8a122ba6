from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "mubiao.reporting"
    verbose_name = _("完成情况")

    def ready(self) -> None:
        # Refusals read as words (in the user's language) wherever one is printed.
        import mubiao.refusals  # noqa: F401
