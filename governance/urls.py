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
    path("governance/registrations/", views.registration_list, name="registration-list"),
    path(
        "governance/registrations/<int:pk>/decide/",
        views.registration_decide,
        name="registration-decide",
    ),
    path("governance/sharing-log/", views.sharing_log, name="sharing-log"),
    path("governance/directory/", views.directory, name="directory"),
    path("governance/meetings/", views.meeting_list, name="meeting-list"),
    path("governance/meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("governance/meetings/<int:pk>/invite.ics", views.meeting_ics, name="meeting-ics"),
]
