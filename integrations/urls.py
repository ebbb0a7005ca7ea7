from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, api_alerts, views

app_name = "integrations"

router = SimpleRouter()
router.register("api/tokens", api.ApiTokenViewSet, basename="api-token")
router.register("api/alerts/queue", api_alerts.AlertViewSet, basename="api-alert")
router.register("api/webhooks", api.WebhookSubscriptionViewSet, basename="api-webhook")

urlpatterns = [
    path("integrations/tokens/", views.tokens, name="tokens"),
    path("integrations/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("integrations/alerts/", views.alert_queue, name="alert-queue"),
    path("integrations/alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path("integrations/webhooks/", views.webhooks, name="webhooks"),
    path("integrations/webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("integrations/export/", views.period_export, name="export"),
    path("", include(router.urls)),
    # After the router: "queue" is reserved and never a source slug.
    path("api/alerts/<slug:source>/", api_alerts.AlertIntakeView.as_view(), name="alert-intake"),
]
