"""REST endpoints of the register of sharing media and of the sharing evaluations, read through
the one visibility rule (`visibility_q`): the custodian, requesters and handover parties see a
medium (handlers and firm-wide roles all of them); team members see an evaluation (firm-wide
roles all). Writes run on the pages through the services (each asks the policy first)."""

from rest_framework import serializers, viewsets

from accounts.policy import visible_to
from accounts.policy.drf import PolicyPermission

from .models import (
    EvaluationScopeItem,
    EvaluationTeamMember,
    MediumCheck,
    MediumHandover,
    SharingEvaluation,
    SharingMedium,
)


class MediumCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediumCheck
        fields = ["id", "checked_on", "result", "findings", "checked_by"]


class MediumHandoverSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediumHandover
        fields = [
            "id",
            "from_user",
            "to_user",
            "reason",
            "state",
            "from_confirmed_at",
            "to_confirmed_at",
        ]


class MediumSerializer(serializers.ModelSerializer):
    item_codes = serializers.SlugRelatedField(
        source="items", slug_field="code", many=True, read_only=True
    )
    checks = MediumCheckSerializer(many=True, read_only=True)
    handovers = MediumHandoverSerializer(many=True, read_only=True)

    class Meta:
        model = SharingMedium
        fields = [
            "id",
            "reference",
            "name",
            "kind",
            "serial_number",
            "custodian",
            "ownership",
            "owner_name",
            "area",
            "max_level",
            "item_codes",
            "has_independent_security",
            "backup_medium",
            "backup_note",
            "check_interval_days",
            "next_check_due",
            "liability_agreement_sha256",
            "state",
            "disposed_at",
            "disposal_method",
            "disposed_by",
            "disposal_witness",
            "disposal_certificate_sha256",
            "checks",
            "handovers",
        ]


class MediumViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = SharingMedium.objects.all()
    serializer_class = MediumSerializer
    permission_classes = [PolicyPermission]
    policy_actions: dict[str, str] = {}
    filterset_fields = ["state", "kind", "area", "custodian"]
    search_fields = ["reference", "name", "serial_number"]

    def get_queryset(self):
        return (
            visible_to(self.request.user, SharingMedium.objects.all())
            .prefetch_related("items", "checks", "handovers")
            .order_by("reference")
        )


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationTeamMember
        fields = ["user", "layer", "responsibility"]


class ScopeSerializer(serializers.ModelSerializer):
    frequency_change = serializers.FloatField(read_only=True)
    validity_rate = serializers.FloatField(read_only=True)

    class Meta:
        model = EvaluationScopeItem
        fields = [
            "id",
            "category",
            "source",
            "counterparty",
            "transfers",
            "transfers_previous",
            "frequency_change",
            "records",
            "clean_transfers",
            "valid_records",
            "validity_rate",
            "from_ledger",
        ]


class EvaluationSerializer(serializers.ModelSerializer):
    team = TeamSerializer(many=True, read_only=True)
    scope_items = ScopeSerializer(many=True, read_only=True)

    class Meta:
        model = SharingEvaluation
        fields = [
            "id",
            "reference",
            "title",
            "period_start",
            "period_end",
            "state",
            "goal",
            "team",
            "scope_items",
            "plan_approved_by",
            "plan_approved_at",
            "report_conclusion",
            "report_opinion",
            "figures",
            "report_approved_by",
            "report_approved_at",
            "report_sha256",
            "report_sent_at",
        ]


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = SharingEvaluation.objects.all()
    serializer_class = EvaluationSerializer
    permission_classes = [PolicyPermission]
    policy_actions: dict[str, str] = {}
    filterset_fields = ["state"]

    def get_queryset(self):
        return (
            visible_to(self.request.user, SharingEvaluation.objects.all())
            .prefetch_related("team", "scope_items")
            .order_by("-period_start", "-id")
        )
