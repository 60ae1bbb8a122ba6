"""The pages' URLs, named under the `web` namespace."""

from django.urls import path

from mubiao.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/findings/", views.plan_findings, name="plan_findings"),
]

# The progress dashboard (mubiao.web.views_progress): overview, indicator, unit scorecard, rankings, milestones.
from mubiao.web import views_progress  # noqa: E402

urlpatterns += [
    path("plans/<int:plan_id>/progress/", views_progress.progress_overview, name="progress"),
    path("plans/<int:plan_id>/indicators/<str:number>/", views_progress.progress_indicator, name="progress_indicator"),
    path("plans/<int:plan_id>/units/<int:org_unit_id>/", views_progress.progress_unit, name="progress_unit"),
    path("plans/<int:plan_id>/rankings/", views_progress.progress_rankings, name="progress_rankings"),
    path("plans/<int:plan_id>/milestones/", views_progress.progress_milestones, name="progress_milestones"),
]
