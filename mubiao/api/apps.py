from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mubiao.api"
    verbose_name = "接口"
