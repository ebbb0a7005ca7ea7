from django.urls import path

from . import bulk_views, plan_views, views

app_name = "incidents"

urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/bulk/assign/", bulk_views.incidents_assign, name="bulk-assign"),
    path("incidents/bulk/tag/", bulk_views.incidents_tag, name="bulk-tag"),
    path("incidents/bulk/status/", bulk_views.incidents_status, name="bulk-status"),
    path("incidents/bulk/export/", bulk_views.incidents_export, name="bulk-export"),
    path("incidents/tasks/bulk/assign/", bulk_views.tasks_assign, name="bulk-task-assign"),
    path("incidents/tasks/bulk/state/", bulk_views.tasks_state, name="bulk-task-state"),
    path("incidents/new/", views.incident_create, name="create"),
    path("incidents/<int:pk>/", views.incident_detail, name="detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="edit"),
    path("incidents/<int:pk>/forms/<slug:name>/", views.incident_action_form, name="action-form"),
    path(
        "incidents/<int:pk>/forms/<slug:name>/<int:item_pk>/",
        views.incident_action_form,
        name="row-action-form",
    ),
    path("incidents/<int:pk>/grade/", views.incident_grade, name="grade"),
    path(
        "incidents/<int:pk>/transition/<slug:action>/",
        views.incident_transition,
        name="transition",
    ),
    path("incidents/<int:pk>/timeline/", views.timeline_add, name="timeline-add"),
    path("incidents/<int:pk>/tasks/", views.task_add, name="task-add"),
    path("incidents/<int:pk>/tasks/<int:task_pk>/state/", views.task_state, name="task-state"),
    path("incidents/<int:pk>/comments/", views.comment_add, name="comment-add"),
    path("incidents/<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path(
        "incidents/evidence/<int:evidence_pk>/download/",
        views.evidence_download,
        name="evidence-download",
    ),
    path("incidents/evidence/<int:evidence_pk>/custody/", views.custody_add, name="custody-add"),
    path("incidents/<int:pk>/rectifications/", views.rectification_add, name="rectification-add"),
    path(
        "incidents/rectifications/<int:item_pk>/<slug:action>/",
        views.rectification_action,
        name="rectification-action",
    ),
    path("incidents/my-rectifications/", views.my_rectifications, name="my-rectifications"),
    path("incidents/concerns/new/", views.concern_new, name="concern-new"),
    path(
        "incidents/concerns/<int:pk>/message/", plan_views.concern_message, name="concern-message"
    ),
    path("incidents/concerns/follow/", plan_views.concern_follow, name="concern-follow"),
    path(
        "incidents/concerns/follow/add/",
        plan_views.concern_follow_add,
        name="concern-follow-add",
    ),
    path("incidents/plans/", plan_views.plan_list, name="plan-list"),
    path("incidents/plans/new/", plan_views.plan_new, name="plan-new"),
    path("incidents/plans/<int:pk>/", plan_views.plan_detail, name="plan-detail"),
    path("incidents/plans/<int:pk>/draft/", plan_views.plan_draft, name="plan-draft"),
    path("incidents/plans/<int:pk>/propose/", plan_views.plan_propose, name="plan-propose"),
    path(
        "incidents/plans/versions/<int:pk>/approve/",
        plan_views.plan_approve,
        name="plan-approve",
    ),
    path(
        "incidents/plans/changes/<int:pk>/adopt/",
        plan_views.plan_change_adopt,
        name="plan-change-adopt",
    ),
    path(
        "incidents/plans/changes/<int:pk>/reject/",
        plan_views.plan_change_reject,
        name="plan-change-reject",
    ),
    path("incidents/concerns/mine/", views.my_concerns, name="my-concerns"),
    path("incidents/concerns/", views.concern_queue, name="concern-queue"),
    path("incidents/concerns/<int:pk>/", views.concern_detail, name="concern-detail"),
    path("incidents/concerns/<int:pk>/promote/", views.concern_promote, name="concern-promote"),
    path("incidents/concerns/<int:pk>/close/", views.concern_close, name="concern-close"),
]
