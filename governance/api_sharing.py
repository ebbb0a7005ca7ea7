"""API of the catalogue, the sharing requests and the ledger (read, with the one visibility
rule each model declares), and the signed ledger intake for exchange systems."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policy.drf import PolicyPermission
from integrations.intake import AlertRejected

from .api import VisibleMixin
from .models import CatalogueItem, LedgerEvent, SharingRequest
from .services import ledger as ledger_services


class CatalogueItemSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "version",
            "code",
            "name_zh",
            "name_en",
            "definition",
            "data_type",
            "code_values",
            "business_category",
            "regulatory_attributes",
            "data_level",
            "sharing_tier",
        ]


class CatalogueItemViewSet(VisibleMixin, viewsets.ReadOnlyModelViewSet):
    queryset = CatalogueItem.objects.in_force().select_related("version")
    serializer_class = CatalogueItemSerializer
    permission_classes = [PolicyPermission]
    filterset_fields = ["business_category", "data_level", "sharing_tier", "data_type"]
    search_fields = ["code", "name_zh", "name_en", "definition"]
    ordering_default = ["business_category", "code"]

    def get_queryset(self):
        return super().get_queryset().filter(version__state="in_force").select_related("version")


class SharingRequestSerializer(serializers.ModelSerializer):
    items = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = SharingRequest
        fields = [
            "id",
            "reference",
            "agreement",
            "counterparty",
            "items",
            "data_level",
            "sharing_tier",
            "area",
            "method",
            "channel",
            "record_count",
            "is_bulk",
            "encrypted",
            "purpose",
            "cross_border",
            "cross_border_legal_basis",
            "post_share_duties",
            "valid_from",
            "valid_until",
            "state",
            "required_approvers",
            "assessment_required",
            "refused_rule",
            "used_records",
            "created_at",
        ]


class SharingRequestViewSet(VisibleMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SharingRequest.objects.prefetch_related("items")
    serializer_class = SharingRequestSerializer
    permission_classes = [PolicyPermission]
    filterset_fields = ["state", "counterparty", "agreement", "data_level", "sharing_tier"]
    ordering_default = ["-created_at", "-id"]


class LedgerEventSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = LedgerEvent
        fields = [
            "id",
            "system",
            "external_id",
            "kind",
            "occurred_at",
            "received_at",
            "actor",
            "request",
            "request_reference",
            "counterparty",
            "item_codes",
            "record_count",
            "byte_count",
            "checksum",
            "channel",
            "method",
            "encrypted",
            "mismatches",
            "alert",
            "prev_hash",
            "entry_hash",
        ]


class LedgerEventViewSet(VisibleMixin, viewsets.ReadOnlyModelViewSet):
    queryset = LedgerEvent.objects.select_related("system")
    serializer_class = LedgerEventSerializer
    permission_classes = [PolicyPermission]
    filterset_fields = ["request", "is_mismatch", "kind", "counterparty"]
    ordering_default = ["-id"]


class LedgerIntakeAnswer(serializers.Serializer):
    batch = serializers.IntegerField()
    events = serializers.IntegerField()
    mismatches = serializers.IntegerField()


class LedgerIntakeView(APIView):
    """POST /api/governance/ledger-intake/<system>/ — signed like the alert intake."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Post transfer / interface-call events (signed)",
        description=(
            'Body: one event or {"events": [...]} (at most 1000). Each event: id, kind '
            "(transfer|api_call), occurred_at, actor, request (reference), items (catalogue "
            "codes), records, bytes, checksum, channel, method, encrypted. Signature: "
            "X-Signature = hex HMAC-SHA256(secret, X-Timestamp + '.' + body), as the alert intake."
        ),
        request=OpenApiTypes.OBJECT,
        auth=[],
        parameters=[
            OpenApiParameter("X-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, True),
            OpenApiParameter("X-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, True),
        ],
        responses={201: LedgerIntakeAnswer},
    )
    def post(self, request, system):
        try:
            batch = ledger_services.ledger_receive(
                system_slug=system,
                body=request._request.body,
                timestamp=request.headers.get("X-Timestamp", ""),
                signature=request.headers.get("X-Signature", ""),
            )
        except AlertRejected as exc:
            return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status)
        return Response(
            {"batch": batch.pk, "events": batch.event_count, "mismatches": batch.mismatch_count},
            status=status.HTTP_201_CREATED,
        )
