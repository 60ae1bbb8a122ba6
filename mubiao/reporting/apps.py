from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "mubiao.reporting"
    verbose_name = "完成情况"
