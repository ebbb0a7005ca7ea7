import importlib.util

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core import views as core_views
from security import views as security_views

from . import api

admin.site.site_header = _("Data-security incident & governance administration")
admin.site.site_title = _("Incident & governance admin")
admin.site.index_title = _("Compliance administration")

URL_APPS = {
    "accounts",
    "deadlines",
    "notifications",
    "governance",
    "incidents",
    "reporting",
    "training",
    "integrations",
    "security",
}

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", security_views.health, name="health"),
    path("metrics", core_views.metrics, name="metrics"),
    path("search/", core_views.search, name="search"),
    path(
        "files/<str:model>/<int:pk>/<str:field>/",
        security_views.file_download,
        name="file-download",
    ),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("", include((api.urlpatterns_for("audit-api"), "audit-api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

# Each installed app that has a urls module mounts it at the root (its paths carry their prefix),
# with its API from the one router (config/api.py) in the same namespace.
for app_config in apps.get_app_configs():
    if app_config.name in URL_APPS and importlib.util.find_spec(f"{app_config.name}.urls"):
        module = importlib.import_module(f"{app_config.name}.urls")
        patterns = list(module.urlpatterns) + api.urlpatterns_for(module.app_name)
        urlpatterns.append(path("", include((patterns, module.app_name))))
# OpenID Connect sign-in, only when configured (accounts.oidc_config): no route otherwise.
if getattr(settings, "OIDC_ENABLED", False):
    urlpatterns.append(path("", include("accounts.oidc_urls")))
# No static(MEDIA_URL, ...) here, DEBUG or not: stored files go through security.files (policy, audit).

# Error pages in Chinese inside the layout (core/error_views.py).
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
