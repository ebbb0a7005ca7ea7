"""Read-only API over the audit trail: list and retrieve, the page's filters, no writes."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, serializers, viewsets
from rest_framework.filters import OrderingFilter

from accounts import policy

from .models import AuditEntry
from .selectors import AuditEntryFilter, audit_entries


class CanViewAuditLog(permissions.BasePermission):
    # The log is read by the firm-wide roles (officers answer for it, auditors read it).
    def has_permission(self, request, view):
        return bool(request.user and policy.has_any(request.user, policy.FIRM_WIDE))


class AuditEntrySerializer(serializers.ModelSerializer):
    content_type = serializers.SerializerMethodField()
    actor_label = serializers.CharField(read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "timestamp",
            "actor",
            "actor_email",
            "actor_label",
            "channel",
            "channel_display",
            "action",
            "action_display",
            "content_type",
            "object_pk",
            "object_id",
            "object_repr",
            "changes",
            "remote_addr",
            "cid",
            "prev_hash",
            "entry_hash",
        ]
        read_only_fields = fields

    def get_content_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.IsAuthenticated, CanViewAuditLog]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = AuditEntryFilter
    ordering_fields = ["id", "timestamp"]
    ordering = ["-id"]

    def get_queryset(self):
        return audit_entries()
