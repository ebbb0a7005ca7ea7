from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("accounts/two-factor/setup/", views.otp_enrol, name="otp-enrol"),
    path("accounts/two-factor/verify/", views.otp_verify, name="otp-verify"),
]
