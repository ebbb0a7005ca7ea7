from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("integrations/tokens/", views.tokens, name="tokens"),
    path("integrations/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("integrations/alerts/", views.alert_queue, name="alert-queue"),
    path("integrations/alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path("integrations/webhooks/", views.webhooks, name="webhooks"),
    path("integrations/webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("integrations/export/", views.period_export, name="export"),
]
