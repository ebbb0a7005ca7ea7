from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("integrations/tokens/", views.tokens, name="tokens"),
    path("integrations/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("integrations/alerts/", views.alert_queue, name="alert-queue"),
    path("integrations/alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path("integrations/alerts/<int:pk>/promote/", views.alert_promote, name="alert-promote"),
    path("integrations/alerts/<int:pk>/merge/", views.alert_merge, name="alert-merge"),
    path("integrations/alerts/<int:pk>/dismiss/", views.alert_dismiss, name="alert-dismiss"),
    path("integrations/webhooks/", views.webhooks, name="webhooks"),
    path("integrations/webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("integrations/webhooks/<int:pk>/edit/", views.webhook_update, name="webhook-update"),
    path("integrations/webhooks/<int:pk>/enable/", views.webhook_enable, name="webhook-enable"),
    path("integrations/webhooks/<int:pk>/disable/", views.webhook_disable, name="webhook-disable"),
    path("integrations/export/", views.period_export, name="export"),
]
