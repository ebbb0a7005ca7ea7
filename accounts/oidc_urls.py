"""OpenID Connect sign-in routes, mounted by config/urls.py only when OIDC is configured
(accounts.oidc_config), so they exist nowhere else."""

from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .oidc import OIDCCallbackView, sign_in_failed

app_name = "oidc"
urlpatterns = [
    path("oidc/authenticate/", OIDCAuthenticationRequestView.as_view(), name="sign-in"),
    path("oidc/callback/", OIDCCallbackView.as_view(), name="callback"),
    path("oidc/failed/", sign_in_failed, name="failed"),
]
