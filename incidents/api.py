"""REST endpoints (DRF): thin serializers over selectors and services, one visibility rule."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.models import Department, User
from accounts.policy.drf import PolicyPermission, VisiblePrimaryKeyRelatedField
from core.api import PlausibleDateTimeField
from core.errors import ApplicationError
from core.uploads import UploadValidator

from . import fields as editable
from . import selectors, services
from .models import (
    EVIDENCE_KINDS,
    AffectedSystem,
    Concern,
    EmergencyPlan,
    EmergencyPlanVersion,
    Evidence,
    Grade,
    GradeDecision,
    Incident,
    IncidentTask,
    TimelineEntry,
)

# --- serializers --------------------------------------------------------------------------------


class UserRefField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)


class AffectedSystemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AffectedSystem
        fields = list(editable.AFFECTED_SYSTEM)


class IncidentListSerializer(serializers.ModelSerializer):
    assignee_name = serializers.SerializerMethodField()
    team_name = serializers.CharField(source="team.name", default=None, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "title",
            "category",
            "source",
            "is_drill",
            "status",
            "grade",
            "discovered_at",
            "resolved_at",
            "assignee",
            "assignee_name",
            "team",
            "team_name",
            "url",
        ]

    def get_assignee_name(self, obj) -> str | None:
        return str(obj.assignee) if obj.assignee_id else None


def list_rows_data(rows) -> list[dict]:
    """A page of `selectors.incident_list_rows` as IncidentListSerializer would write it (same
    keys, same formats), without a serializer and a model instance per row: the list is read
    in pages of 50 by the firm's tools and has to answer fast at 100,000 cases."""
    from django.urls import reverse

    from accounts.people import name_from_row

    stamp = serializers.DateTimeField().to_representation
    marker = 987654321
    url = reverse("incidents:detail", args=[marker]).replace(str(marker), "{}")
    return [
        {
            "id": r["id"],
            "reference": r["reference"],
            "title": r["title"],
            "category": r["category"],
            "source": r["source"],
            "is_drill": r["is_drill"],
            "status": r["status"],
            "grade": r["grade"],
            "discovered_at": stamp(r["discovered_at"]) if r["discovered_at"] else None,
            "resolved_at": stamp(r["resolved_at"]) if r["resolved_at"] else None,
            "assignee": r["assignee_id"],
            "assignee_name": name_from_row(r, "assignee") or None,
            "team": r["team_id"],
            "team_name": r["team__name"],
            "url": url.format(r["id"]),
        }
        for r in rows
    ]


class GradeDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.StringRelatedField()
    criteria_version = serializers.IntegerField(source="criterion_set.version")

    class Meta:
        model = GradeDecision
        fields = [
            "old_grade",
            "proposed_grade",
            "grade",
            "overridden",
            "reason",
            "matched",
            "criteria_version",
            "decided_by",
            "decided_at",
        ]


class IncidentDetailSerializer(IncidentListSerializer):
    affected_systems = AffectedSystemSerializer(many=True, read_only=True)
    grade_decisions = GradeDecisionSerializer(many=True, read_only=True)

    class Meta(IncidentListSerializer.Meta):
        fields = IncidentListSerializer.Meta.fields + [
            "description",
            "occurred_at",
            "contained_at",
            "closed_at",
            "counterparty",
            "agreement",
            "counterparty_name",
            "persons_leaked",
            "records_leaked",
            "data_level",
            "pfi_class",
            "economic_loss",
            "cii_involved",
            "summary",
            "affected_systems",
            "grade_decisions",
        ]


class IncidentWriteSerializer(serializers.ModelSerializer):
    affected_systems = AffectedSystemSerializer(many=True, required=False)
    assignee = UserRefField()
    team = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    # Partner and agreement: only ones the caller may see (an unseen one reads as missing).
    counterparty = VisiblePrimaryKeyRelatedField(
        queryset=Incident._meta.get_field("counterparty").related_model.objects.all(),
        required=False,
        allow_null=True,
    )
    agreement = VisiblePrimaryKeyRelatedField(
        queryset=Incident._meta.get_field("agreement").related_model.objects.all(),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Incident
        # The order the API has always listed them in: where it came from after the category.
        fields = [
            *editable.INCIDENT[:3],
            *editable.INCIDENT_AT_CREATION,
            *editable.INCIDENT[3:],
            "affected_systems",
        ]


class GradeInputSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    qualitative_ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start", "resolve", "summarise", "close"])
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    resolved_at = PlausibleDateTimeField(required=False)
    contained_at = PlausibleDateTimeField(required=False)


class ReportingFactSerializer(serializers.Serializer):
    fact = serializers.ChoiceField(
        choices=["service_restored", "suspected_crime", "cause_unknown", "cause_established"]
    )
    at = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = TimelineEntry
        fields = ["id", "at", "actor", "kind", "text"]
        read_only_fields = ["id", "actor"]
        extra_kwargs = {"at": {"required": False}}


class TaskSerializer(serializers.ModelSerializer):
    assignee = UserRefField()

    class Meta:
        model = IncidentTask
        fields = [
            "id",
            "incident",
            *editable.TASK[:2],
            "kind",
            *editable.TASK[2:],
            *editable.TASK_WORKFLOW,
            "completed_at",
        ]
        read_only_fields = ["id", "incident", "kind", "completed_at"]


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField()
    file = serializers.FileField(
        write_only=True, validators=[UploadValidator(kinds=EVIDENCE_KINDS)]
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_at",
            "integrity",
            "file",
            "download_url",
        ]
        read_only_fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "integrity",
        ]

    def get_download_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("incidents:evidence-download", args=[obj.pk])


class ConcernSerializer(serializers.ModelSerializer):
    # A confidential reporter is shown only to the compliance head; an anonymous one to nobody.
    reporter = serializers.SerializerMethodField()
    incident_reference = serializers.CharField(
        source="incident.reference", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Concern
        fields = [
            "id",
            *editable.CONCERN,
            "state",
            "reporter",
            "outcome",
            "incident_reference",
            "created_at",
            "triaged_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "reporter",
            "outcome",
            "incident_reference",
            "created_at",
            "triaged_at",
        ]

    def get_reporter(self, obj) -> str:
        request = self.context.get("request")
        return obj.reporter_shown_to(getattr(request, "user", None))


class PromoteSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Incident.Category.choices)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    assignee = UserRefField()


class CloseConcernSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- viewsets -----------------------------------------------------------------------------------


class IncidentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Cases the caller may see. Filters: status, grade, category, assignee, source, overdue,
    drill=0 (real cases only), q (reference or title)."""

    permission_classes = [PolicyPermission]
    policy_actions = {
        "create": "incidents.incident.create",
        "partial_update": "incidents.incident.change",
        "update": "incidents.incident.change",
        "grade": "incidents.incident.grade",
        "transition": "incidents.incident.transition",
        "timeline": "incidents.timeline.add",
        "tasks": "incidents.task.create",
        "evidence": "incidents.evidence.add",
        "reporting_fact": "incidents.incident.change",
    }
    lookup_value_regex = r"\d+"
    filter_backends = []  # filtering is the selector's job
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            keys = ("status", "grade", "category", "assignee", "source", "overdue", "drill", "q")
            return selectors.incident_list(
                user=self.request.user, filters={k: self.request.query_params.get(k) for k in keys}
            )
        return (
            Incident.objects.visible_to(self.request.user)
            .select_related("assignee", "team")
            .prefetch_related(
                "affected_systems", "grade_decisions__decided_by", "grade_decisions__criterion_set"
            )
        )

    def list(self, request, *args, **kwargs):
        keys = ("status", "grade", "category", "assignee", "source", "overdue", "drill", "q")
        rows = selectors.incident_list_rows(
            user=request.user, filters={k: request.query_params.get(k) for k in keys}
        )
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(list_rows_data(rows))
        return self.get_paginated_response(list_rows_data(page))

    def get_serializer_class(self):
        if self.action == "list":
            return IncidentListSerializer
        if self.action in ("create", "partial_update", "update"):
            return IncidentWriteSerializer
        return IncidentDetailSerializer

    def _detail(self, incident, code=status.HTTP_200_OK):
        incident = self.get_queryset().get(pk=incident.pk)
        return Response(IncidentDetailSerializer(incident).data, status=code)

    def create(self, request, *args, **kwargs):
        ser = IncidentWriteSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        systems = data.pop("affected_systems", [])
        incident = services.incident_create(actor=request.user, affected_systems=systems, **data)
        return self._detail(incident, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        incident = self.get_object()
        ser = IncidentWriteSerializer(
            incident, data=request.data, partial=True, context={"request": request}
        )
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        if "source" in data:
            raise ApplicationError(_("The source of a case cannot be changed."))
        systems = data.pop("affected_systems", None)
        services.incident_update(
            incident=incident, actor=request.user, affected_systems=systems, **data
        )
        return self._detail(incident)

    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        incident = self.get_object()
        ser = GradeInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.incident_grade(
            incident=incident,
            actor=request.user,
            grade=ser.validated_data.get("grade") or None,
            reason=ser.validated_data.get("reason", ""),
            qualitative_ids=ser.validated_data.get("qualitative_ids"),
        )
        return self._detail(incident)

    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        incident = self.get_object()
        ser = TransitionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        act, user = ser.validated_data["action"], request.user
        if act == "start":
            services.incident_start_handling(incident=incident, actor=user)
        elif act == "resolve":
            services.incident_resolve(
                incident=incident,
                actor=user,
                resolved_at=ser.validated_data.get("resolved_at"),
                contained_at=ser.validated_data.get("contained_at"),
            )
        elif act == "summarise":
            services.incident_summarise(
                incident=incident, actor=user, summary=ser.validated_data.get("summary", "")
            )
        else:
            services.incident_close(incident=incident, actor=user)
        return self._detail(incident)

    @action(detail=True, methods=["post"], url_path="reporting-fact")
    def reporting_fact(self, request, pk=None):
        """Facts the reporting rules read: service restored, suspected crime, cause unknown or
        established (each re-times the case's reports)."""
        incident = self.get_object()
        ser = ReportingFactSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        fact, at, user = ser.validated_data["fact"], ser.validated_data.get("at"), request.user
        if fact == "service_restored":
            services.incident_service_restore(incident=incident, actor=user, restored_at=at)
        elif fact == "suspected_crime":
            services.incident_flag_suspected_crime(
                incident=incident,
                actor=user,
                reason=ser.validated_data.get("reason", ""),
                flagged_at=at,
            )
        elif fact == "cause_unknown":
            services.incident_set_cause_unknown(incident=incident, actor=user)
        else:
            services.incident_establish_cause(incident=incident, actor=user, established_at=at)
        return self._detail(incident)

    @action(detail=True, methods=["get", "post"], serializer_class=TimelineEntrySerializer)
    def timeline(self, request, pk=None):
        incident = self.get_object()
        if request.method == "POST":
            ser = TimelineEntrySerializer(data=request.data)
            ser.is_valid(raise_exception=True)
            entry = services.timeline_add(
                incident=incident, actor=request.user, **ser.validated_data
            )
            return Response(TimelineEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
        qs = selectors.timeline_for(user=request.user, incident_pk=incident.pk)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(TimelineEntrySerializer(page, many=True).data)

    @extend_schema(methods=["GET"], operation_id="incidents_tasks_of_incident")
    @extend_schema(methods=["POST"], operation_id="incidents_task_add")
    @action(detail=True, methods=["get", "post"], serializer_class=TaskSerializer)
    def tasks(self, request, pk=None):
        incident = self.get_object()
        if request.method == "POST":
            ser = TaskSerializer(data=request.data)
            ser.is_valid(raise_exception=True)
            data = {
                k: v
                for k, v in ser.validated_data.items()
                if k in ("title", "description", "assignee", "due_at")
            }
            task = services.task_create(incident=incident, actor=request.user, **data)
            return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)
        qs = incident.tasks.select_related("assignee").order_by("order", "id")
        return Response(TaskSerializer(qs, many=True).data)

    @extend_schema(methods=["GET"], operation_id="incidents_evidence_of_incident")
    @extend_schema(methods=["POST"], operation_id="incidents_evidence_upload")
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=EvidenceSerializer,
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def evidence(self, request, pk=None):
        incident = self.get_object()
        if request.method == "POST":
            ser = EvidenceSerializer(data=request.data)
            ser.is_valid(raise_exception=True)
            ev = services.evidence_add(
                incident=incident,
                actor=request.user,
                file=ser.validated_data["file"],
                description=ser.validated_data.get("description", ""),
            )
            return Response(EvidenceSerializer(ev).data, status=status.HTTP_201_CREATED)
        qs = incident.evidence.select_related("uploaded_by")
        return Response(EvidenceSerializer(qs, many=True).data)


class TaskViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [PolicyPermission]
    policy_actions = {
        "partial_update": "incidents.task.change",
        "update": "incidents.task.change",
    }
    serializer_class = TaskSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return IncidentTask.objects.visible_to(self.request.user).select_related("assignee")

    def update(self, request, *args, **kwargs):
        task = self.get_object()
        ser = TaskSerializer(task, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        new_state = data.pop("state", None)
        if data:
            services.task_update(task=task, actor=request.user, **data)
        if new_state:
            task = services.task_set_state(task=task, actor=request.user, state=new_state)
        return Response(TaskSerializer(task).data)


class EvidenceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EvidenceSerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, PolicyPermission]

    def get_queryset(self):
        return Evidence.objects.visible_to(self.request.user).select_related("uploaded_by")

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence = self.get_object()
        try:
            handle = services.evidence_open(evidence=evidence, actor=request.user)
        except services.EvidenceTampered as exc:
            return Response(
                {"detail": str(exc.message), "integrity": "tampered"},
                status=status.HTTP_409_CONFLICT,
            )
        return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


class ConcernViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Staff see and file their own concerns; handlers and officers triage all of them."""

    serializer_class = ConcernSerializer
    filter_backends = []
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, PolicyPermission]
    policy_actions = {
        "create": "incidents.concern.submit",
        "promote": "incidents.concern.triage",
        "close": "incidents.concern.triage",
    }

    def get_queryset(self):
        return selectors.concern_list(
            user=self.request.user, state=self.request.query_params.get("state")
        )

    def create(self, request, *args, **kwargs):
        ser = ConcernSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        concern = services.concern_submit(reporter=request.user, **ser.validated_data)
        data = ConcernSerializer(concern, context={"request": request}).data
        if concern.follow_code:
            data["follow_code"] = concern.follow_code  # shown once; only its hash is kept
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        concern = self.get_object()
        ser = PromoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        incident = services.concern_promote(
            concern=concern, actor=request.user, **ser.validated_data
        )
        return Response({"incident": incident.pk, "reference": incident.reference})

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        concern = self.get_object()
        ser = CloseConcernSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        concern = services.concern_close(
            concern=concern, actor=request.user, reason=ser.validated_data["reason"]
        )
        return Response(ConcernSerializer(concern, context={"request": request}).data)


# --- emergency plans (§5 应急预案): read-only; kept on their pages ---------------------------


class PlanVersionSerializer(serializers.ModelSerializer):
    approved_by = serializers.StringRelatedField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyPlanVersion
        fields = [
            "number",
            "state",
            "effective_on",
            "review_due_on",
            "approved_by",
            "approved_at",
            "changes",
            "body",
        ]
        read_only_fields = fields

    def get_changes(self, obj) -> list[str]:
        return obj.change_lines()


class EmergencyPlanSerializer(serializers.ModelSerializer):
    responsible_leader = serializers.StringRelatedField()
    versions = PlanVersionSerializer(many=True, read_only=True)

    class Meta:
        model = EmergencyPlan
        fields = [
            "id",
            "scenario",
            "title",
            "responsible_leader",
            "review_interval_days",
            "response_plan",
            "versions",
        ]
        read_only_fields = fields


class EmergencyPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Emergency plans with their versions (handlers and firm-wide roles read them)."""

    serializer_class = EmergencyPlanSerializer
    filter_backends = []
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, PolicyPermission]
    policy_actions: dict[str, str] = {}

    def get_queryset(self):
        return (
            EmergencyPlan.objects.visible_to(self.request.user)
            .select_related("responsible_leader")
            .prefetch_related("versions__approved_by")
        )
