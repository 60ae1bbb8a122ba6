from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgUnitsConfig(AppConfig):
    name = "mubiao.orgunits"
    verbose_name = _("行政单位")
