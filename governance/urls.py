from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("governance/", views.dashboard, name="dashboard"),
    path("governance/dashboard.pdf", views.dashboard_pdf, name="dashboard-pdf"),
    path("governance/dashboard.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("governance/periods/<int:pk>/", views.period_detail, name="period-detail"),
    path("governance/agreements/", views.agreement_list, name="agreement-list"),
    path("governance/agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path(
        "governance/agreements/<int:pk>/document/",
        views.agreement_document,
        name="agreement-document",
    ),
    path("governance/agreements/<int:pk>/submit/", views.agreement_submit, name="agreement-submit"),
    path(
        "governance/agreements/<int:pk>/approve/", views.agreement_approve, name="agreement-approve"
    ),
    path("governance/agreements/<int:pk>/return/", views.agreement_return, name="agreement-return"),
    path(
        "governance/agreements/<int:pk>/terminate/",
        views.agreement_terminate,
        name="agreement-terminate",
    ),
    path(
        "governance/agreements/<int:pk>/suspend/",
        views.agreement_suspend,
        name="agreement-suspend",
    ),
    path(
        "governance/agreements/<int:pk>/resume/",
        views.agreement_resume,
        name="agreement-resume",
    ),
    path("governance/registrations/", views.registration_list, name="registration-list"),
    path(
        "governance/registrations/<int:pk>/approve/",
        views.registration_approve,
        name="registration-approve",
    ),
    path(
        "governance/registrations/<int:pk>/refuse/",
        views.registration_refuse,
        name="registration-refuse",
    ),
    path("governance/sharing-log/", views.sharing_log, name="sharing-log"),
    path("governance/directory/", views.directory, name="directory"),
    path("governance/meetings/", views.meeting_list, name="meeting-list"),
    path("governance/meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("governance/meetings/<int:pk>/invite.ics", views.meeting_ics, name="meeting-ics"),
    path("governance/meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path(
        "governance/meetings/<int:pk>/minutes/approve/",
        views.meeting_minutes_approve,
        name="meeting-minutes-approve",
    ),
    path("governance/meetings/<int:pk>/held/", views.meeting_held, name="meeting-held"),
    path(
        "governance/meetings/<int:pk>/decisions/", views.meeting_decision, name="meeting-decision"
    ),
    path("governance/meetings/<int:pk>/adopted/", views.meeting_adopt, name="meeting-adopt"),
    path(
        "governance/meetings/<int:pk>/action-items/",
        views.meeting_action_item,
        name="meeting-action-item",
    ),
    path(
        "governance/meetings/<int:pk>/action-items/<int:item_pk>/done/",
        views.action_item_done,
        name="action-item-done",
    ),
    path(
        "governance/meetings/<int:pk>/attachments/",
        views.meeting_attachment,
        name="meeting-attachment",
    ),
    path("governance/meetings/<int:pk>/invite/", views.meeting_invite, name="meeting-invite"),
]
