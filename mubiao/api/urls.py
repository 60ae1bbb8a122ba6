"""The API's URLs, under /api/: the read-only resources, reporting, the OpenAPI schema and its two viewers.

The documentation pages load Swagger UI and ReDoc from drf-spectacular-sidecar's static files,
never from a CDN: intranets have no internet.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter, SimpleRouter

from mubiao.api.assessment import (
    AssessmentItemsView,
    AssessmentItemWithdrawView,
    AssessmentRulesView,
    AssessmentScoresView,
)
from mubiao.api.bulletins import BulletinDraftView, BulletinFileView, PlanBulletinsView
from mubiao.api.decomposition import DecompositionView
from mubiao.api.permissions import DOCS_PERMISSION_CLASSES
from mubiao.api.reporting import ActualViewSet, DueListView, EvidenceViewSet, ReviewQueueView
from mubiao.api.views import IndicatorViewSet, OrgUnitViewSet, PlanViewSet, TargetViewSet

app_name = "api"

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("orgunits", OrgUnitViewSet, basename="orgunit")
router.register("targets", TargetViewSet, basename="target")

# The reporting resources need a token; the browsable root lists the open, read-only ones only.
reporting_router = SimpleRouter()
reporting_router.register("actuals", ActualViewSet, basename="actual")
reporting_router.register("evidence", EvidenceViewSet, basename="evidence")

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=DOCS_PERMISSION_CLASSES), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=DOCS_PERMISSION_CLASSES),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="api:schema", template_name="api/redoc.html", permission_classes=DOCS_PERMISSION_CLASSES
        ),
        name="redoc",
    ),
    path("plans/<int:plan_id>/assessment/", AssessmentScoresView.as_view(), name="plan-assessment"),
    path("plans/<int:plan_id>/assessment/rules/", AssessmentRulesView.as_view(), name="plan-assessment-rules"),
    path("plans/<int:plan_id>/assessment/items/", AssessmentItemsView.as_view(), name="plan-assessment-items"),
    path(
        "assessment-items/<int:item_id>/withdraw/",
        AssessmentItemWithdrawView.as_view(),
        name="assessment-item-withdraw",
    ),
    path("plans/<int:plan_id>/bulletins/", PlanBulletinsView.as_view(), name="plan-bulletins"),
    path("plans/<int:plan_id>/decomposition/", DecompositionView.as_view(), name="plan-decomposition"),
    path("plans/<int:plan_id>/bulletin-draft/", BulletinDraftView.as_view(), name="plan-bulletin-draft"),
    path("bulletins/<int:bulletin_id>/file/", BulletinFileView.as_view(), name="bulletin-file"),
    path("reporting/due/", DueListView.as_view(), name="reporting-due"),
    path("reporting/review/", ReviewQueueView.as_view(), name="reporting-review"),
    *reporting_router.urls,
    *router.urls,
]
