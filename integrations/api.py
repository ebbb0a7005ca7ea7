"""REST endpoints of the integrations app; writes go through services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policy.drf import PolicyPermission
from notifications.models import Outbox

from . import selectors, services
from .models import ApiToken, Event, WebhookSubscription


class ApiTokenSerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "scope",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_active",
        ]
        read_only_fields = fields


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens. Tokens are created on the "My API tokens" page (the secret
    is shown once there); a token can be revoked here."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()
    filterset_fields = ["scope"]
    ordering_fields = ["created_at", "last_used_at", "name"]
    search_fields = ["name"]

    def get_queryset(self):
        return selectors.tokens_for(user=self.request.user)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = self.get_object()
        if token.revoked_at is not None:
            raise exceptions.ValidationError({"detail": _("This token is already revoked.")})
        token = services.token_revoke(token=token, actor=request.user)
        return Response(self.get_serializer(token).data)


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), allow_empty=False
    )
    url = serializers.URLField(max_length=500)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "url",
            "events",
            "active",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = ["id", "active", "disabled_at", "disabled_reason", "created_at"]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Outbox
        fields = [
            "id",
            "key",
            "subject",
            "state",
            "attempts",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "sent_at",
            "last_error",
        ]
        read_only_fields = fields


class WebhookSubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Officers' webhook subscriptions (firm-wide roles read them) and their delivery logs.
    The signing secret is shown on the subscription's page, not in the API."""

    serializer_class = WebhookSubscriptionSerializer
    queryset = WebhookSubscription.objects.none()
    permission_classes = [PolicyPermission]
    policy_actions = {
        "create": "integrations.subscription.create",
        "enable": "integrations.subscription.change",
        "disable": "integrations.subscription.change",
    }
    filterset_fields = ["active"]
    ordering_fields = ["name", "created_at"]
    search_fields = ["name", "url"]

    def get_queryset(self):
        return selectors.subscriptions(user=self.request.user).order_by("name", "id")

    def perform_create(self, serializer):
        serializer.instance = services.subscription_create(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        subscription = self.get_object()
        rows = selectors.deliveries(subscription=subscription, limit=100)
        return Response(DeliverySerializer(rows, many=True).data)

    @extend_schema(request=None, responses=WebhookSubscriptionSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        subscription = services.subscription_set_active(
            subscription=self.get_object(), actor=request.user, active=True
        )
        return Response(self.get_serializer(subscription).data)

    @extend_schema(request=None, responses=WebhookSubscriptionSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        subscription = services.subscription_set_active(
            subscription=self.get_object(), actor=request.user, active=False
        )
        return Response(self.get_serializer(subscription).data)
