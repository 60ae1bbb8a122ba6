from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mubiao.plans"
    verbose_name = "规划与目标"
