"""REST endpoints (api/reporting/...): rules, reports, approvals, submissions, notices and risk
intelligence. Thin: parse, call one service or selector, serialise. Reads go through
`visible_to`; who may read and write is the policy's (accounts.policy.reporting)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policy.drf import PolicyPermission, VisiblePrimaryKeyRelatedField
from core.api import JSONObjectField
from governance.models import Counterparty
from incidents.models import Incident
from security import files

from . import fields as editable
from . import selectors, services
from .models import (
    RegulatorNotice,
    RegulatoryReport,
    ReportApproval,
    ReportingRule,
    ReportSubmission,
    ReportVersion,
    RiskIntelligence,
)


class Policy:
    """Reporting's API asks the policy: reading is `reporting.read`, each write its action."""

    permission_classes = [PolicyPermission]
    policy_read = "reporting.read"


class RuleSerializer(serializers.ModelSerializer):
    deadline_expression = serializers.CharField(read_only=True)

    class Meta:
        model = ReportingRule
        fields = [
            "id",
            "code",
            "version",
            "is_active",
            *services.RULE_FIELDS,
            "deadline_expression",
            "created_at",
        ]
        read_only_fields = ["version", "is_active", "created_at"]


class RuleViewSet(
    Policy,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Rules as data. PUT/PATCH writes a new version; history with ?history=1."""

    serializer_class = RuleSerializer
    policy_actions = {
        "create": "reporting.rule.change",
        "update": "reporting.rule.change",
        "partial_update": "reporting.rule.change",
    }
    filterset_fields = ["regime", "recipient", "stage", "is_active", "source_status"]
    queryset = ReportingRule.objects.none()

    def get_queryset(self):
        history = self.request.query_params.get("history") == "1" or self.action != "list"
        return selectors.rule_list(user=self.request.user, include_history=history)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        code = data.pop("code")
        serializer.instance = services.rule_create(code=code, actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("code", None)
        serializer.instance = services.rule_revise(
            rule=serializer.instance, actor=self.request.user, **data
        )


def _absolute(request, url: str) -> str | None:
    if not url:
        return None
    return request.build_absolute_uri(url) if request is not None else url


class VersionSerializer(serializers.ModelSerializer):
    documents_ready = serializers.BooleanField(
        read_only=True, help_text="False while the PDF and DOCX are being generated."
    )
    pdf = serializers.SerializerMethodField(help_text="Download (sign-in and access checked).")
    docx = serializers.SerializerMethodField(help_text="Download (sign-in and access checked).")

    def _download(self, version, fmt) -> str | None:
        url = reverse("reporting:version-download", args=[version.report_id, version.number, fmt])
        return _absolute(self.context.get("request"), url)

    def get_pdf(self, version) -> str | None:
        return self._download(version, "pdf")

    def get_docx(self, version) -> str | None:
        return self._download(version, "docx")

    class Meta:
        model = ReportVersion
        fields = [
            "id",
            "number",
            "sha256",
            "author",
            "approved_by",
            "approved_at",
            "documents_ready",
            "pdf",
            "docx",
        ]


class ReportSerializer(serializers.ModelSerializer):
    incident_reference = serializers.CharField(source="incident.reference", read_only=True)
    versions = VersionSerializer(many=True, read_only=True)
    content = JSONObjectField(required=False)

    class Meta:
        model = RegulatoryReport
        fields = [
            "id",
            "incident",
            "incident_reference",
            "notice",
            "rule",
            "recipient",
            "stage",
            "sequence",
            "status",
            "is_drill",
            "due_at",
            "calendar_confirmed",
            "title",
            "content",
            "version",
            "author",
            "cancelled_reason",
            "versions",
        ]
        read_only_fields = [f for f in fields if f not in ("title", "content")]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ApprovalSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportApproval
        fields = [
            "id",
            "report",
            "version_number",
            "requested_by",
            "requested_at",
            "decision",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = fields


class SubmissionSerializer(serializers.ModelSerializer):
    report = VisiblePrimaryKeyRelatedField(queryset=RegulatoryReport.objects.all())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The receipt is served by security.files (checked, audited), never from /media/.
        data["receipt_file"] = _absolute(
            self.context.get("request"), files.url_for(instance, "receipt_file")
        )
        return data

    class Meta:
        model = ReportSubmission
        fields = [
            "id",
            "report",
            "version",
            "channel",
            "submitted_at",
            "submitted_by",
            "receipt_number",
            "receipt_file",
            "due_at",
            "on_time",
            "late_reason",
        ]
        read_only_fields = ["version", "submitted_by", "due_at", "on_time"]


class ReportViewSet(
    Policy,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reports are created by grading (or a notice); here they are drafted and approved."""

    serializer_class = ReportSerializer
    policy_actions = {
        "update": "reporting.report.change",
        "partial_update": "reporting.report.change",
        "request_approval": "reporting.report.change",
        "new_version": "reporting.report.change",
        "approve": "reporting.report.approve",
        "reject": "reporting.report.approve",
        "cancel": "reporting.report.cancel",
    }
    filterset_fields = ["status", "recipient", "stage", "incident", "notice", "is_drill"]
    queryset = RegulatoryReport.objects.none()

    def get_queryset(self):
        # The versions' snapshots and templates are not serialised here: don't load them.
        versions = ReportVersion.objects.defer("snapshot", "template_title", "template_body")
        return selectors.report_list(user=self.request.user).prefetch_related(
            Prefetch("versions", queryset=versions)
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.report_update(
            report=serializer.instance,
            content=data.get("content", {}),
            title=data.get("title"),
            actor=self.request.user,
        )

    def _done(self, report):
        report = selectors.report_get(user=self.request.user, pk=report.pk)
        return Response(ReportSerializer(report, context={"request": self.request}).data)

    @action(detail=True, methods=["post"], url_path="request-approval")
    def request_approval(self, request, pk=None):
        report = self.get_object()
        services.report_request_approval(report=report, actor=request.user)
        return self._done(report)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        report = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.report_approve(report=report, actor=request.user, **body.validated_data)
        return self._done(report)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        report = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.report_reject(report=report, actor=request.user, **body.validated_data)
        return self._done(report)

    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        report = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.report_new_version(report=report, actor=request.user, **body.validated_data)
        return self._done(report)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        report = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.report_cancel(report=report, actor=request.user, **body.validated_data)
        return self._done(report)


class ApprovalViewSet(Policy, viewsets.ReadOnlyModelViewSet):
    serializer_class = ApprovalSerializer
    filterset_fields = ["decision", "report"]
    queryset = ReportApproval.objects.none()

    def get_queryset(self):
        return ReportApproval.objects.visible_to(self.request.user).order_by("-requested_at")


class SubmissionViewSet(
    Policy,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SubmissionSerializer
    policy_actions = {"create": "reporting.work"}  # and the report's own rule, in the service
    filterset_fields = ["report", "channel", "on_time"]
    queryset = ReportSubmission.objects.none()

    def get_queryset(self):
        return selectors.submissions_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.submission_record(
            report=data.pop("report"),
            channel=data.pop("channel"),
            submitted_at=data.pop("submitted_at"),
            receipt_number=data.get("receipt_number", ""),
            receipt_file=data.get("receipt_file"),
            late_reason=data.get("late_reason", ""),
            actor=self.request.user,
        )


class NoticeSerializer(serializers.ModelSerializer):
    incident = VisiblePrimaryKeyRelatedField(
        queryset=Incident.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = RegulatorNotice
        fields = [
            "id",
            *editable.NOTICE,
            *(f for f in editable.NOTICE_HANDLING if f not in editable.NOTICE),
            *editable.NOTICE_LINKS,
            "feedback_reports",
        ]
        read_only_fields = ["feedback_reports"]


class NoticeViewSet(
    Policy,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = NoticeSerializer
    policy_actions = {
        "create": "reporting.notice.create",
        "update": "reporting.notice.change",
        "partial_update": "reporting.notice.change",
    }
    filterset_fields = ["status", "issuer"]
    queryset = RegulatorNotice.objects.none()

    def get_queryset(self):
        return selectors.notice_list(user=self.request.user).prefetch_related("feedback_reports")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("status", None)
        data.pop("verification", None)
        serializer.instance = services.notice_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        for frozen in ("reference", "issuer", "title", "received_at"):
            data.pop(frozen, None)
        serializer.instance = services.notice_update(
            notice=serializer.instance, actor=self.request.user, **data
        )


class IntelligenceSerializer(serializers.ModelSerializer):
    incident_reference = serializers.CharField(
        source="incident.reference", read_only=True, default=None, allow_null=True
    )
    notice = VisiblePrimaryKeyRelatedField(
        queryset=RegulatorNotice.objects.all(), required=False, allow_null=True
    )
    counterparty = VisiblePrimaryKeyRelatedField(
        queryset=Counterparty.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = RiskIntelligence
        fields = [
            "id",
            *editable.INTELLIGENCE,
            "status",
            "incident",
            "incident_reference",
            *editable.INTELLIGENCE_LINKS,
            "closed_reason",
            "triaged_by",
            "triaged_at",
        ]
        read_only_fields = ["status", "incident", "closed_reason", "triaged_by", "triaged_at"]


class TriageSerializer(serializers.Serializer):
    incident = VisiblePrimaryKeyRelatedField(queryset=Incident.objects.all(), required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PromoteSerializer(serializers.Serializer):
    category = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=30,
        help_text="Incident category; default from the kind.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_category(self, value):
        from incidents.models import IncidentCategory

        if value and value not in IncidentCategory.values:
            raise serializers.ValidationError(_("Choose a valid incident category."))
        return value


class IntelligenceViewSet(
    Policy,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = IntelligenceSerializer
    policy_actions = {
        "create": "reporting.intelligence.create",
        "triage": "reporting.intelligence.triage",
        "promote": "reporting.intelligence.promote",
    }
    filterset_fields = ["status", "kind", "party"]
    queryset = RiskIntelligence.objects.none()

    def get_queryset(self):
        return selectors.intelligence_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.intelligence_create(
            actor=self.request.user, **serializer.validated_data
        )

    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        item = self.get_object()
        body = TriageSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        if body.validated_data.get("incident"):
            item = services.intelligence_triage_to_incident(
                item=item, incident=body.validated_data["incident"], actor=request.user
            )
        else:
            item = services.intelligence_close(
                item=item, reason=body.validated_data.get("reason", ""), actor=request.user
            )
        return Response(IntelligenceSerializer(item).data)

    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        """Open a new incident from the item (source: risk intelligence) and triage it there."""
        item = self.get_object()
        body = PromoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.intelligence_promote(item=item, actor=request.user, **body.validated_data)
        item = selectors.intelligence_list(user=request.user).get(pk=item.pk)
        return Response(IntelligenceSerializer(item).data)
