from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mubiao.web"
    verbose_name = "网页"
