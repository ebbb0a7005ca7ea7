"""REST endpoints under /api/governance/; every queryset goes through the visibility rule,
every write through a service."""

from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policy.drf import PolicyPermission, VisiblePrimaryKeyRelatedField
from core.api import PlausibleDateTimeFilter

from . import fields as editable
from . import services
from .models import (
    ActionItem,
    ContactRoleAssignment,
    CooperationAgreement,
    Counterparty,
    CounterpartyContact,
    Meeting,
    ObligationPeriod,
    SharingLogEntry,
    SharingRegistration,
)


class VisibleMixin:
    def get_queryset(self):
        return self.queryset.model.objects.visible_to(self.request.user).order_by(
            *self.ordering_default
        )


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = CounterpartyContact
        fields = ["id", "name", "title", "phone", "email", "is_security_contact"]


class CounterpartySerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Counterparty
        fields = [
            "id",
            "kind",
            "name",
            "short_name",
            "credit_code",
            "department",
            "address",
            "notes",
            "is_active",
            "contacts",
        ]


class CounterpartyCreateSerializer(CounterpartySerializer):
    """A new counterparty is active (a form's missing checkbox must not make it inactive); it
    is deactivated by a change (PATCH)."""

    class Meta(CounterpartySerializer.Meta):
        read_only_fields = ["is_active"]


class CounterpartyViewSet(VisibleMixin, viewsets.ModelViewSet):
    queryset = Counterparty.objects.all()
    serializer_class = CounterpartySerializer
    permission_classes = [PolicyPermission]
    policy_actions = {
        "create": "governance.counterparty.create",
        "partial_update": "governance.counterparty.change",
    }
    filterset_fields = ["kind", "is_active"]
    search_fields = ["name", "short_name", "credit_code"]
    ordering_default = ["name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("contacts")

    def get_serializer_class(self):
        return CounterpartyCreateSerializer if self.action == "create" else CounterpartySerializer

    def perform_create(self, serializer):
        serializer.instance = services.counterparty_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.counterparty_update(
            counterparty=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class AgreementSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    counterparty_name = serializers.CharField(source="counterparty.name", read_only=True)
    counterparty = VisiblePrimaryKeyRelatedField(queryset=Counterparty.objects.all())
    parent = VisiblePrimaryKeyRelatedField(
        queryset=CooperationAgreement.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = CooperationAgreement
        fields = [
            "id",
            "reference",
            "title",
            "counterparty",
            "counterparty_name",
            "scope",
            "firm_role",
            "counterparty_role",
            "data_categories",
            "systems",
            "permissions",
            "firm_responsibilities",
            "counterparty_responsibilities",
            "starts_on",
            "ends_on",
            "max_data_level",
            "max_sharing_tier",
            "area",
            "non_plaintext_only",
            "special_assessment",
            "special_assessment_on",
            "security_requirements",
            "document_sha256",
            "signed_on",
            "parent",
            "owner",
            "approval_state",
            "approved_by",
            "approved_at",
            "terminated_on",
            "status",
            "suspended_at",
            "suspended_by",
            "suspension_reason",
            "resumed_at",
            "resume_note",
        ]
        read_only_fields = [
            "document_sha256",
            "approval_state",
            "approved_by",
            "approved_at",
            "terminated_on",
            "owner",
            "suspended_at",
            "suspended_by",
            "suspension_reason",
            "resumed_at",
            "resume_note",
        ]
        extra_kwargs = {"reference": {"required": False}}


class AgreementFilter(filters.FilterSet):
    class Meta:
        model = CooperationAgreement
        fields = ["counterparty", "scope", "approval_state", "max_data_level", "max_sharing_tier"]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AgreementViewSet(VisibleMixin, viewsets.ModelViewSet):
    queryset = CooperationAgreement.objects.all()
    serializer_class = AgreementSerializer
    permission_classes = [PolicyPermission]
    policy_actions = {
        "create": "governance.agreement.create",
        "partial_update": "governance.agreement.change",
        "submit": "governance.agreement.submit",
        "approve": "governance.agreement.approve",
        "suspend": "governance.agreement.suspend",
        "resume": "governance.agreement.resume",
    }
    filterset_class = AgreementFilter
    search_fields = ["reference", "title", "counterparty__name"]
    ordering_default = ["ends_on", "reference"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("counterparty")

    def perform_create(self, serializer):
        serializer.instance = services.agreement_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.agreement_update(
            agreement=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def _transition(self, func, **kwargs):
        agreement = self.get_object()
        agreement = func(agreement=agreement, actor=self.request.user, **kwargs)
        return Response(AgreementSerializer(agreement).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(services.agreement_submit)

    @action(detail=True, methods=["post"], serializer_class=CommentSerializer)
    def approve(self, request, pk=None):
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(services.agreement_approve, comment=data.validated_data["comment"])

    @action(detail=True, methods=["post"], serializer_class=CommentSerializer)
    def suspend(self, request, pk=None):
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(services.agreement_suspend, reason=data.validated_data["comment"])

    @action(detail=True, methods=["post"], serializer_class=CommentSerializer)
    def resume(self, request, pk=None):
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(services.agreement_resume, note=data.validated_data["comment"])


class RegistrationSerializer(serializers.ModelSerializer):
    counterparty = VisiblePrimaryKeyRelatedField(queryset=Counterparty.objects.all())
    agreement = VisiblePrimaryKeyRelatedField(
        queryset=CooperationAgreement.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = SharingRegistration
        fields = [
            "id",
            "reference",
            *editable.REGISTRATION,
            "state",
            "requested_by",
            "authority_approved_by",
            "authority_approved_at",
            "approved_by",
            "approved_at",
            "decision_comment",
        ]
        read_only_fields = [
            "reference",
            "state",
            "requested_by",
            "authority_approved_by",
            "authority_approved_at",
            "approved_by",
            "approved_at",
            "decision_comment",
        ]
        extra_kwargs = {"agreement": {"required": False, "allow_null": True}}


class RegistrationViewSet(
    VisibleMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = SharingRegistration.objects.all()
    serializer_class = RegistrationSerializer
    permission_classes = [PolicyPermission]
    # Who decides a waiting share (data authority or officer) is the service's rule.
    policy_actions = {
        "create": "governance.sharing.create",
        "approve": "governance.sharing.authority_approve",
    }
    filterset_fields = ["state", "counterparty", "agreement", "sharing_tier", "is_bulk_one_time"]
    ordering_default = ["-created_at"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.setdefault("agreement", None)
        serializer.instance = services.sharing_registration_create(actor=self.request.user, **data)

    @action(detail=True, methods=["post"], serializer_class=CommentSerializer)
    def approve(self, request, pk=None):
        registration = self.get_object()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if registration.state == SharingRegistration.State.AWAITING_AUTHORITY:
            func = services.sharing_registration_authority_approve
        else:
            func = services.sharing_registration_approve
        registration = func(
            registration=registration, actor=request.user, comment=data.validated_data["comment"]
        )
        return Response(RegistrationSerializer(registration).data)


class SharingLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = SharingLogEntry
        fields = [
            "id",
            "logged_at",
            "registration",
            "counterparty",
            "counterparty_name",
            "agreement_reference",
            "dataset",
            "purpose",
            "data_level",
            "sharing_tier",
            "is_bulk_one_time",
            "record_count",
            "planned_on",
            "requested_by",
            "authority_approved_by",
            "approved_by",
        ]


class SharingLogFilter(filters.FilterSet):
    logged_from = PlausibleDateTimeFilter(field_name="logged_at", lookup_expr="gte")
    logged_to = PlausibleDateTimeFilter(field_name="logged_at", lookup_expr="lt")

    class Meta:
        model = SharingLogEntry
        fields = ["counterparty", "data_level", "sharing_tier", "is_bulk_one_time"]


class SharingLogViewSet(VisibleMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SharingLogEntry.objects.all()
    serializer_class = SharingLogSerializer
    filterset_class = SharingLogFilter
    search_fields = ["counterparty_name", "agreement_reference", "dataset"]
    ordering_default = ["-logged_at", "-id"]


class ContactRoleSerializer(serializers.ModelSerializer):
    agreement = VisiblePrimaryKeyRelatedField(
        queryset=CooperationAgreement.objects.all(), required=False, allow_null=True
    )
    holder_name = serializers.CharField(source="holder.__str__", read_only=True)
    deputy_name = serializers.CharField(source="deputy.__str__", read_only=True, default="")

    class Meta:
        model = ContactRoleAssignment
        fields = [
            "id",
            "role",
            "holder",
            "holder_name",
            "deputy",
            "deputy_name",
            "department",
            "agreement",
            "valid_from",
            "valid_until",
            "notes",
        ]


class ContactRoleViewSet(VisibleMixin, viewsets.ModelViewSet):
    queryset = ContactRoleAssignment.objects.all()
    serializer_class = ContactRoleSerializer
    permission_classes = [PolicyPermission]
    policy_actions = {
        "create": "governance.contact_role.assign",
        "partial_update": "governance.contact_role.change",
    }
    filterset_fields = ["role", "holder", "department", "agreement"]
    ordering_default = ["role", "-valid_from"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("holder", "deputy")

    def perform_create(self, serializer):
        serializer.instance = services.contact_role_assign(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in {"holder", "deputy", "valid_from", "valid_until", "notes"}
        }
        serializer.instance = services.contact_role_update(
            assignment=serializer.instance, actor=self.request.user, **data
        )


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "period_key",
            "scheduled_at",
            "duration_minutes",
            "location",
            "organiser",
            "agenda",
            "state",
            "held_at",
            "minutes",
            "minutes_approved_by",
            "minutes_approved_at",
            "invitations_sent_at",
        ]
        read_only_fields = fields


class MeetingViewSet(VisibleMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_fields = ["kind", "state"]
    ordering_default = ["-scheduled_at"]


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "title", "owner", "due_on", "done_at"]
        read_only_fields = fields


class ActionItemViewSet(VisibleMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ActionItem.objects.all()
    serializer_class = ActionItemSerializer
    filterset_fields = ["owner", "meeting"]
    ordering_default = ["due_on", "id"]


class PeriodSerializer(serializers.ModelSerializer):
    obligation_code = serializers.CharField(source="obligation.code", read_only=True)
    obligation_title = serializers.CharField(source="obligation.title", read_only=True)

    class Meta:
        model = ObligationPeriod
        fields = [
            "id",
            "obligation_code",
            "obligation_title",
            "label",
            "starts_on",
            "ends_on",
            "state",
            "met_at",
            "evidence_label",
            "evidence_url",
        ]
        read_only_fields = fields


class PeriodFilter(filters.FilterSet):
    year = filters.NumberFilter(
        field_name="starts_on", lookup_expr="year", min_value=1900, max_value=2999
    )

    class Meta:
        model = ObligationPeriod
        fields = ["state", "obligation__code"]


class ObligationPeriodViewSet(VisibleMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ObligationPeriod.objects.all()
    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter
    ordering_default = ["obligation__code", "starts_on"]

    def get_queryset(self):
        return super().get_queryset().select_related("obligation")
