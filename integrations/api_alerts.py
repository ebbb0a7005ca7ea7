"""Alert intake (signed, from monitoring systems) and the triage queue API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policy.drf import PolicyPermission
from core.api import PlausibleDateTimeField

from . import selectors, services
from .authentication import AlertSourceThrottle
from .intake import AlertRejected
from .models import Alert


class AlertPayloadSerializer(serializers.Serializer):
    """Documents the intake body (the view verifies the signature over the raw bytes first)."""

    id = serializers.CharField(max_length=200, help_text=_("The alert's id at the source."))
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    severity = serializers.ChoiceField(choices=Alert.Severity.choices, required=False)
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text=_("An incident category code.")
    )
    occurred_at = PlausibleDateTimeField(required=False)
    url = serializers.URLField(required=False, allow_blank=True)


IntakeAnswer = inline_serializer(
    "AlertIntakeAnswer",
    {
        "id": serializers.IntegerField(),
        "created": serializers.BooleanField(),
        "state": serializers.CharField(),
        "times_received": serializers.IntegerField(),
    },
)
IntakeError = inline_serializer(
    "AlertIntakeError", {"detail": serializers.CharField(), "code": serializers.CharField()}
)


class AlertIntakeView(APIView):
    """POST /api/alerts/<source>/ — signed by the source, no user session or token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AlertSourceThrottle]

    @extend_schema(
        operation_id="alerts_intake",
        summary="Receive a monitoring alert",
        description=(
            "Signed with HMAC-SHA256(secret, X-Timestamp + '.' + raw body), hex, in "
            "X-Signature (optionally 'sha256=' + hex). See docs/integrations.md."
        ),
        request=AlertPayloadSerializer,
        auth=[],
        parameters=[
            OpenApiParameter("X-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, True),
            OpenApiParameter("X-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, True),
        ],
        responses={
            200: IntakeAnswer,
            201: IntakeAnswer,
            400: IntakeError,
            401: IntakeError,
            409: IntakeError,
            413: IntakeError,
            429: IntakeError,
        },
    )
    def post(self, request, source):
        try:
            alert, created = services.alert_receive(
                source_slug=source,
                body=request._request.body,
                timestamp=request.headers.get("X-Timestamp", ""),
                signature=request.headers.get("X-Signature", ""),
            )
        except AlertRejected as exc:
            return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status)
        return Response(
            {
                "id": alert.pk,
                "created": created,
                "state": alert.state,
                "times_received": alert.times_received,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AlertSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    incident_reference = serializers.CharField(
        source="incident.reference", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "source",
            "external_id",
            "title",
            "description",
            "severity",
            "category",
            "occurred_at",
            "link",
            "payload",
            "received_at",
            "last_received_at",
            "times_received",
            "state",
            "incident",
            "incident_reference",
            "handled_by",
            "handled_at",
            "dismiss_reason",
        ]
        read_only_fields = fields


class PromoteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = serializers.CharField(max_length=30, required=False, allow_blank=True)


class MergeSerializer(serializers.Serializer):
    incident = serializers.IntegerField(min_value=1)


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The triage queue: promote an alert to an incident, merge it into one, or dismiss it."""

    serializer_class = AlertSerializer
    queryset = Alert.objects.none()
    permission_classes = [PolicyPermission]
    policy_actions = {
        "promote": "integrations.alert.triage",
        "merge": "integrations.alert.triage",
        "dismiss": "integrations.alert.triage",
    }
    filterset_fields = ["state", "severity", "source__slug"]
    ordering_fields = ["last_received_at", "received_at", "severity"]
    search_fields = ["title", "external_id"]

    def get_queryset(self):
        return selectors.alert_queue(user=self.request.user, state=None)

    @extend_schema(request=PromoteSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        alert = self.get_object()
        data = PromoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_promote(alert=alert, actor=request.user, **data.validated_data)
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=MergeSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        from incidents.models import Incident

        alert = self.get_object()
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = Incident.objects.visible_to(request.user).filter(
            pk=data.validated_data["incident"]
        )
        incident = incident.first()
        if incident is None:
            raise serializers.ValidationError({"incident": [_("No such incident.")]})
        alert = services.alert_merge(alert=alert, incident=incident, actor=request.user)
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=DismissSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        alert = self.get_object()
        data = DismissSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_dismiss(alert=alert, actor=request.user, **data.validated_data)
        return Response(AlertSerializer(alert).data)
