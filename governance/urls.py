from django.urls import path

from . import views, views_sharing

app_name = "governance"


def views_sharing_urls():
    """The catalogue, the pre-share gate and the ledger (issue 19)."""
    v = views_sharing
    req = "governance/sharing-requests/<int:pk>/"
    return [
        path("governance/catalogue/", v.catalogue, name="catalogue"),
        path("governance/catalogue/import/", v.catalogue_import, name="catalogue-import"),
        path(
            "governance/catalogue/versions/<int:pk>/approve/",
            v.catalogue_approve,
            name="catalogue-approve",
        ),
        path(
            "governance/catalogue/versions/<int:pk>/export.xlsx",
            v.catalogue_export,
            name="catalogue-export",
        ),
        path("governance/sharing-requests/", v.sharing_request_list, name="sharing-request-list"),
        path(
            "governance/sharing-requests/new/",
            v.sharing_request_create,
            name="sharing-request-create",
        ),
        path(req, v.sharing_request_detail, name="sharing-request-detail"),
        path(req + "assess/", v.sharing_request_assess, name="sharing-request-assess"),
        path(req + "approve/", v.sharing_request_approve, name="sharing-request-approve"),
        path(req + "refuse/", v.sharing_request_refuse, name="sharing-request-refuse"),
        path(req + "withdraw/", v.sharing_request_withdraw, name="sharing-request-withdraw"),
        path(req + "checksum/", v.sharing_request_checksum, name="sharing-request-checksum"),
        path("governance/ledger/", v.ledger, name="ledger"),
        path("governance/ledger/usage/", v.ledger_usage, name="ledger-usage"),
    ]


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
    *views_sharing_urls(),
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

# The register of sharing media and the sharing evaluation (issue 19, points 3 and 4).
from . import media_urls  # noqa: E402

urlpatterns += media_urls.urlpatterns
