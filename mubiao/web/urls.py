"""The pages' URLs, named under the `web` namespace."""

from django.urls import path

from mubiao.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/findings/", views.plan_findings, name="plan_findings"),
    path("plans/<int:plan_id>/official.xlsx", views.plan_export_xlsx, name="plan_export_xlsx"),
    path("plans/<int:plan_id>/official.docx", views.plan_export_docx, name="plan_export_docx"),
]

# The progress dashboard (mubiao.web.views_progress): overview, indicator, unit scorecard, rankings, milestones.
from mubiao.web import views_progress  # noqa: E402

urlpatterns += [
    path("plans/<int:plan_id>/progress/", views_progress.progress_overview, name="progress"),
    path("plans/<int:plan_id>/progress/sheet.xlsx", views_progress.progress_sheet_xlsx, name="progress_sheet"),
    path("plans/<int:plan_id>/indicators/<str:number>/", views_progress.progress_indicator, name="progress_indicator"),
    path("plans/<int:plan_id>/units/<int:org_unit_id>/", views_progress.progress_unit, name="progress_unit"),
    path("plans/<int:plan_id>/rankings/", views_progress.progress_rankings, name="progress_rankings"),
    path("plans/<int:plan_id>/milestones/", views_progress.progress_milestones, name="progress_milestones"),
]

# Assessment (mubiao.web.views_assessment): the rules and the bonus, deduction and veto items.
from mubiao.web import views_assessment  # noqa: E402

urlpatterns += [
    path("plans/<int:plan_id>/assessment/", views_assessment.assessment, name="assessment"),
    path("assessment-items/<int:item_id>/evidence/", views_assessment.assessment_evidence, name="assessment_evidence"),
]

# The decomposition workspace (mubiao.web.views_decompose): a city's totals split into the units' targets.
from mubiao.web import views_decompose  # noqa: E402

urlpatterns += [
    path("plans/<int:plan_id>/indicators/<str:number>/decompose/", views_decompose.decompose, name="decompose"),
]

# Bulletins (mubiao.web.views_bulletins): the issued ones, and the draft an administrator edits and issues.
from mubiao.web import views_bulletins  # noqa: E402

urlpatterns += [
    path("plans/<int:plan_id>/bulletins/", views_bulletins.bulletins, name="bulletins"),
    path("plans/<int:plan_id>/bulletins/draft/", views_bulletins.bulletin_draft, name="bulletin_draft"),
    path("bulletins/<int:bulletin_id>.<str:kind>", views_bulletins.bulletin_download, name="bulletin_download"),
]

# Reporting (mubiao.web.views_reporting): a reporter's due list and entry, the review queue, history, evidence.
from mubiao.web import views_reporting  # noqa: E402

urlpatterns += [
    path("report/", views_reporting.report_home, name="report_home"),
    path(
        "report/<int:indicator_id>/<int:org_unit_id>/<str:period>/",
        views_reporting.report_entry,
        name="report_entry",
    ),
    path("review/", views_reporting.review_home, name="review"),
    path(
        "review/<int:actual_id>/<str:step>/",
        views_reporting.review_step,
        name="review_step",
    ),
    path("values/<int:actual_id>/history/", views_reporting.value_history, name="value_history"),
    path("evidence/<int:evidence_id>/", views_reporting.evidence_download, name="evidence_download"),
]

# Importing a decomposition table (mubiao.web.views_import): upload, preview with the mapping, commit.
from mubiao.web import views_import  # noqa: E402

urlpatterns += [
    path("import/", views_import.import_upload, name="import"),
    path("import/<str:sha256>/", views_import.import_preview, name="import_preview"),
    path("import/<str:sha256>/mapping.json", views_import.import_mapping, name="import_mapping"),
]
