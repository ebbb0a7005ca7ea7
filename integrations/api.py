"""REST endpoints of the integrations app; writes go through services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .models import ApiToken


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
