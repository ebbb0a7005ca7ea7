from django.urls import path

from . import campaign_views, drill_views, views

app_name = "training"

urlpatterns = [
    path("training/", views.my_trainings, name="my"),
    path("training/assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("training/assignments/<int:pk>/read/", views.assignment_mark_read, name="mark_read"),
    path(
        "training/assignments/<int:pk>/acknowledge/",
        views.assignment_acknowledge,
        name="acknowledge",
    ),
    path("training/assignments/<int:pk>/quiz/", views.quiz_start, name="quiz_start"),
    path("training/assignments/<int:pk>/quiz/<int:attempt>/", views.quiz, name="quiz"),
    path("training/assignments/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("training/assignments/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("training/materials/<int:pk>/file/", views.material_file, name="material_file"),
    path("training/plans/", views.plan_list, name="plans"),
    path("training/plans/<int:pk>/", views.plan_detail, name="plan"),
    path("training/plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("training/plans/<int:pk>/evaluate/", views.plan_evaluate, name="plan_evaluate"),
    path("training/plans/<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("training/plans/<int:plan_pk>/courses/new/", views.course_create, name="course_create"),
    path("training/courses/<int:pk>/", views.course_detail, name="course"),
    path("training/courses/<int:pk>/publish/", views.course_publish, name="course_publish"),
    path("training/courses/<int:pk>/progress/", views.course_progress, name="course_progress"),
    path("training/campaigns/", campaign_views.campaign_list, name="campaigns"),
    path("training/campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign"),
    path(
        "training/campaigns/<int:pk>/launch/",
        campaign_views.campaign_launch,
        name="campaign_launch",
    ),
    path(
        "training/campaigns/<int:pk>/acknowledge/",
        campaign_views.campaign_acknowledge,
        name="campaign_acknowledge",
    ),
    path("training/drills/", drill_views.drill_list, name="drills"),
    path("training/drills/<int:pk>/", drill_views.drill_detail, name="drill"),
    path("training/drills/<int:pk>/start/", drill_views.drill_start, name="drill_start"),
    path(
        "training/drills/<int:pk>/objectives/<int:objective>/",
        drill_views.drill_assess,
        name="drill_assess",
    ),
    path("training/drills/<int:pk>/findings/", drill_views.drill_finding, name="drill_finding"),
    path("training/drills/<int:pk>/complete/", drill_views.drill_complete, name="drill_complete"),
    path("training/drills/<int:pk>/cancel/", drill_views.drill_cancel, name="drill_cancel"),
    path("training/drills/<int:pk>/report.pdf", drill_views.drill_report, name="drill_report"),
]
