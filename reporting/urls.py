from django.urls import path, re_path

from . import import_views, views
from .inspection import views as inspection_views

app_name = "reporting"

urlpatterns = [
    path("reporting/", views.report_list, name="report-list"),
    path("reporting/reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reporting/reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reporting/reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path(
        "reporting/reports/<int:pk>/v<int:number>.<str:fmt>",
        views.version_download,
        name="version-download",
    ),
    path("reporting/reports/<int:pk>/<slug:action>/", views.report_action, name="report-action"),
    path("reporting/incidents/<int:incident_pk>/", views.incident_reports, name="incident-reports"),
    path("reporting/rules/", views.rule_list, name="rule-list"),
    path("reporting/notices/", views.notice_list, name="notice-list"),
    path("reporting/notices/new/", views.notice_create, name="notice-create"),
    path("reporting/notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("reporting/intelligence/", views.intel_list, name="intel-list"),
    path("reporting/intelligence/new/", views.intel_create, name="intel-create"),
    path("reporting/intelligence/<int:pk>/", views.intel_detail, name="intel-detail"),
    path("reporting/intelligence/<int:pk>/promote/", views.intel_promote, name="intel-promote"),
    path("reporting/metrics/", views.metrics, name="metrics"),
    path("reporting/import/", import_views.import_page, name="import"),
    path("reporting/import/check/", import_views.import_check, name="import-check"),
    path("reporting/import/confirm/", import_views.import_confirm, name="import-confirm"),
    path("reporting/import/done/", import_views.import_result, name="import-result"),
    path("reporting/import/template.xlsx", import_views.import_template, name="import-template"),
    path("reporting/inspection-pack/", inspection_views.inspection_pack, name="inspection-pack"),
    re_path(
        r"^reporting/inspection-pack\.(?P<fmt>docx|xlsx)$",
        inspection_views.inspection_pack_download,
        name="inspection-pack-download",
    ),
    path("reporting/metrics.xlsx", views.metrics_export, name="metrics-export"),
    path("reporting/cases/<int:pk>/dossier.<slug:kind>", views.case_dossier, name="case-dossier"),
    path("reporting/case-metrics.xlsx", views.case_metrics_export, name="case-metrics-export"),
]
