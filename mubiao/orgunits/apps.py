from django.apps import AppConfig


class OrgUnitsConfig(AppConfig):
    name = "mubiao.orgunits"
    verbose_name = "行政单位"
