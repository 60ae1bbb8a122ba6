"""The pages' URLs, named under the `web` namespace."""

from django.urls import path

from mubiao.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/findings/", views.plan_findings, name="plan_findings"),
]
