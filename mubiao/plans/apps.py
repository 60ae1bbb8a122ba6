from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "mubiao.plans"
    verbose_name = _("规划与目标")
