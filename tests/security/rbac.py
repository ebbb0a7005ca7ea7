"""Helpers for the RBAC matrix: walking the URLconf, the personas and the fixture dataset."""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ("anonymous", "outsider", "staff", "handler", "officer", "auditor", "admin")
MISSING = 999_999_999  # a primary key that exists nowhere


def row(anonymous, outsider, staff, handler, officer, auditor, admin) -> dict:
    """Expected GET status per persona, in PERSONAS order."""
    return dict(
        zip(PERSONAS, (anonymous, outsider, staff, handler, officer, auditor, admin), strict=True)
    )


@dataclass
class Route:
    name: str | None
    pattern: str
    kwargs: set = field(default_factory=set)


def walk(resolver=None, prefix="", namespace=None):
    """Every URL pattern, recursively, with its full name (namespace:name) and route."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield Route(name, prefix + str(p.pattern), set(p.pattern.regex.groupindex))


def routes_by_name():
    """name -> Route (format-suffix variants of a DRF route share the name; the first wins)."""
    out = {}
    unnamed = []
    for route in walk():
        if route.name is None:
            unnamed.append(route)
        elif route.name not in out:
            out[route.name] = route
    return out, unnamed


def _pk(model_label, **filters):
    model = apps.get_model(model_label)
    obj = model._base_manager.filter(**filters).order_by("pk").first()
    return obj.pk if obj is not None else MISSING


def build_dataset():
    """The demo firm (seed_demo: every app's demo data, through their own services), one outsider,
    a handler of another team, an approved report version and an API token."""
    from accounts.models import Department, User
    from accounts.roles import Role, assign_role

    call_command("seed_demo", verbosity=0)
    users = {u.username: u for u in User.objects.all()}
    outsider = User.objects.create_user("outsider", password="x", display_name="外部人员")
    other_team = Department.objects.get(code="risk")
    other_handler = User.objects.create_user(
        "handler_risk", password="x", display_name="风险处置", department=other_team
    )
    assign_role(other_handler, Role.INCIDENT_HANDLER)

    personas = {
        "outsider": outsider,
        "staff": users["staff"],
        "handler": users["handler"],
        "officer": users["compliance"],
        "auditor": users["auditor"],
        "admin": users["admin"],
    }
    d = SimpleNamespace(users=users, personas=personas, other_handler=other_handler)
    _objects(d)
    return d


def _approved_version(handler, officer):
    from reporting import content as report_content
    from reporting import services as reporting
    from reporting.models import RegulatoryReport, ReportVersion

    existing = ReportVersion.objects.order_by("pk").first()
    if existing is not None:
        return existing
    report = (
        RegulatoryReport.objects.visible_to(handler)
        .filter(status=RegulatoryReport.Status.DRAFT)
        .order_by("pk")
        .first()
    )
    fields = {k: "矩阵测试" for k in report_content.REQUIRED_FIELDS[report.stage]}
    reporting.report_update(report=report, content=fields, actor=handler)
    reporting.report_request_approval(report=report, actor=handler)
    return reporting.report_approve(report=report, actor=officer, comment="同意")


def _objects(d):
    from incidents.models import Concern, Evidence, Incident, IncidentTask, RectificationItem
    from integrations import services as integration_services
    from notifications.models import CalendarFeed
    from training.models import QuizAttempt, TrainingAssignment

    staff, handler = d.users["staff"], d.users["handler"]
    d.incident = Incident.objects.visible_to(handler).filter(is_drill=False).order_by("pk").first()
    d.task = IncidentTask.objects.visible_to(handler).order_by("pk").first()
    d.evidence = Evidence.objects.filter(incident__in=Incident.objects.visible_to(handler)).first()
    d.rectification = RectificationItem.objects.visible_to(handler).order_by("pk").first()
    d.concern = Concern.objects.filter(reporter=staff).order_by("pk").first()
    if d.concern is None:
        from incidents import services as incident_services

        d.concern = incident_services.concern_submit(
            reporter=staff, summary="可疑的钓鱼邮件", details="收到仿冒 OA 登录页的邮件。"
        )
    d.version = _approved_version(handler, d.users["compliance"])
    d.assignment = TrainingAssignment.objects.filter(user=staff).order_by("pk").first()
    d.attempt = QuizAttempt.objects.filter(assignment=d.assignment).order_by("pk").first()
    d.feed, _ = CalendarFeed.objects.get_or_create(user=staff)
    d.token, _raw = integration_services.token_create(
        user=d.users["compliance"], name="矩阵", scope="read"
    )
    d.pk = _pk
    from django_otp.plugins.otp_totp.models import TOTPDevice

    d.device = TOTPDevice.objects.create(user=d.users["admin"], name="phone", confirmed=True)


# URL name -> path kwargs (callable on the dataset). Every route with parameters needs one.
def _i(d):
    return {"pk": d.incident.pk}


ARGS = {
    "notifications:ics": lambda d: {"token": d.feed.token},
    # security.files: a stored agreement document (checked against the agreement's visibility)
    "file-download": lambda d: {
        "model": "governance.cooperationagreement",
        "pk": d.pk("governance.CooperationAgreement"),
        "field": "document",
    },
    # governance
    "governance:period-detail": lambda d: {"pk": d.pk("governance.ObligationPeriod")},
    "governance:agreement-detail": lambda d: {"pk": d.pk("governance.CooperationAgreement")},
    "governance:registration-approve": lambda d: {"pk": d.pk("governance.SharingRegistration")},
    "governance:registration-refuse": lambda d: {"pk": d.pk("governance.SharingRegistration")},
    **{
        f"governance:agreement-{action}": lambda d: {"pk": d.pk("governance.CooperationAgreement")}
        for action in ("document", "submit", "approve", "return", "terminate")
    },
    **{
        f"governance:meeting-{action}": lambda d: {"pk": d.pk("governance.Meeting")}
        for action in (
            "minutes",
            "minutes-approve",
            "held",
            "decision",
            "action-item",
            "attachment",
            "invite",
        )
    },
    "governance:action-item-done": lambda d: {
        "pk": d.pk("governance.Meeting"),
        "item_pk": d.pk("governance.ActionItem"),
    },
    # sharing media and evaluations (issue 19)
    "governance:medium-detail": lambda d: {"pk": d.pk("governance.SharingMedium")},
    "governance:api-medium-detail": lambda d: {"pk": d.pk("governance.SharingMedium")},
    "governance:evaluation-detail": lambda d: {"pk": d.pk("governance.SharingEvaluation")},
    "governance:api-evaluation-detail": lambda d: {"pk": d.pk("governance.SharingEvaluation")},
    **{
        f"governance:medium-{action}": lambda d: {"pk": d.pk("governance.SharingMedium")}
        for action in ("liability", "check", "use-request", "handover", "dispose")
    },
    **{
        f"governance:medium-use-{action}": lambda d: {
            "pk": d.pk("governance.SharingMedium"),
            "request_pk": d.pk("governance.MediumUseRequest"),
        }
        for action in ("approve", "refuse", "return")
    },
    **{
        f"governance:medium-handover-{action}": lambda d: {
            "pk": d.pk("governance.SharingMedium"),
            "handover_pk": d.pk("governance.MediumHandover"),
        }
        for action in ("confirm", "decline")
    },
    **{
        f"governance:evaluation-{action}": lambda d: {"pk": d.pk("governance.SharingEvaluation")}
        for action in (
            "update",
            "member-add",
            "prefill",
            "scope-add",
            "measure-add",
            "plan-submit",
            "plan-approve",
            "plan-return",
            "monitor",
            "finish",
            "report-save",
            "report-submit",
            "report-approve",
            "report-return",
            "send",
        )
    },
    "governance:evaluation-member-remove": lambda d: {
        "pk": d.pk("governance.SharingEvaluation"),
        "member_pk": d.pk("governance.EvaluationTeamMember"),
    },
    "governance:evaluation-observe": lambda d: {
        "pk": d.pk("governance.SharingEvaluation"),
        "item_pk": d.pk("governance.EvaluationScopeItem"),
    },
    "governance:meeting-detail": lambda d: {"pk": d.pk("governance.Meeting")},
    "governance:meeting-ics": lambda d: {"pk": d.pk("governance.Meeting")},
    "governance:api-counterparty-detail": lambda d: {"pk": d.pk("governance.Counterparty")},
    "governance:api-agreement-detail": lambda d: {"pk": d.pk("governance.CooperationAgreement")},
    "governance:api-agreement-approve": lambda d: {"pk": d.pk("governance.CooperationAgreement")},
    "governance:api-agreement-resume": lambda d: {"pk": d.pk("governance.CooperationAgreement")},
    "governance:api-agreement-submit": lambda d: {"pk": d.pk("governance.CooperationAgreement")},
    "governance:api-agreement-suspend": lambda d: {"pk": d.pk("governance.CooperationAgreement")},
    "governance:agreement-suspend": lambda d: {"pk": d.pk("governance.CooperationAgreement")},
    "governance:agreement-resume": lambda d: {"pk": d.pk("governance.CooperationAgreement")},
    "governance:api-registration-detail": lambda d: {"pk": d.pk("governance.SharingRegistration")},
    "governance:api-registration-approve": lambda d: {"pk": d.pk("governance.SharingRegistration")},
    "governance:api-sharing-log-detail": lambda d: {"pk": d.pk("governance.SharingLogEntry")},
    "governance:api-contact-role-detail": lambda d: {
        "pk": d.pk("governance.ContactRoleAssignment")
    },
    "governance:api-meeting-detail": lambda d: {"pk": d.pk("governance.Meeting")},
    "governance:api-action-item-detail": lambda d: {"pk": d.pk("governance.ActionItem")},
    "governance:api-obligation-period-detail": lambda d: {
        "pk": d.pk("governance.ObligationPeriod")
    },
    # incidents (the handler's team's incident)
    "incidents:detail": _i,
    "incidents:edit": _i,
    "incidents:grade": _i,
    "incidents:transition": lambda d: {"pk": d.incident.pk, "action": "start"},
    "incidents:timeline-add": _i,
    "incidents:task-add": _i,
    "incidents:task-state": lambda d: {"pk": d.task.incident_id, "task_pk": d.task.pk},
    "incidents:comment-add": _i,
    "incidents:evidence-upload": _i,
    "incidents:evidence-download": lambda d: {"evidence_pk": d.evidence.pk},
    "incidents:custody-add": lambda d: {"evidence_pk": d.evidence.pk},
    "incidents:action-form": lambda d: {"pk": d.incident.pk, "name": "comment"},
    "incidents:row-action-form": lambda d: {
        "pk": d.evidence.incident_id,
        "name": "custody",
        "item_pk": d.evidence.pk,
    },
    "incidents:rectification-add": _i,
    "incidents:rectification-action": lambda d: {
        "item_pk": d.rectification.pk,
        "action": "complete",
    },
    "incidents:concern-detail": lambda d: {"pk": d.concern.pk},
    "incidents:concern-promote": lambda d: {"pk": d.concern.pk},
    "incidents:concern-close": lambda d: {"pk": d.concern.pk},
    "incidents:api-task-detail": lambda d: {"pk": d.task.pk},
    "incidents:api-evidence-detail": lambda d: {"pk": d.evidence.pk},
    "incidents:api-evidence-download": lambda d: {"pk": d.evidence.pk},
    "incidents:api-incident-detail": _i,
    "incidents:api-incident-evidence": _i,
    "incidents:api-incident-grade": _i,
    "incidents:api-incident-tasks": _i,
    "incidents:api-incident-timeline": _i,
    "incidents:api-incident-transition": _i,
    "incidents:api-incident-reporting-fact": _i,
    "incidents:api-concern-detail": lambda d: {"pk": d.concern.pk},
    "incidents:api-concern-close": lambda d: {"pk": d.concern.pk},
    "incidents:api-concern-promote": lambda d: {"pk": d.concern.pk},
    # reporting (the approved version's report, on the handler's incident)
    "reporting:report-detail": lambda d: {"pk": d.version.report_id},
    "reporting:case-dossier": lambda d: {**_i(d), "kind": "docx"},
    "reporting:report-edit": lambda d: {"pk": d.version.report_id},
    "reporting:report-submit": lambda d: {"pk": d.version.report_id},
    "reporting:version-download": lambda d: {
        "pk": d.version.report_id,
        "number": d.version.number,
        "fmt": "docx",
    },
    "reporting:report-action": lambda d: {"pk": d.version.report_id, "action": "approve"},
    "reporting:incident-reports": lambda d: {"incident_pk": d.version.report.incident_id},
    "reporting:notice-detail": lambda d: {"pk": d.pk("reporting.RegulatorNotice")},
    "reporting:intel-detail": lambda d: {"pk": d.pk("reporting.RiskIntelligence")},
    "reporting:intel-promote": lambda d: {"pk": d.pk("reporting.RiskIntelligence")},
    "reporting:api-rule-detail": lambda d: {"pk": d.pk("reporting.ReportingRule")},
    "reporting:api-report-detail": lambda d: {"pk": d.version.report_id},
    "reporting:api-report-approve": lambda d: {"pk": d.version.report_id},
    "reporting:api-report-cancel": lambda d: {"pk": d.version.report_id},
    "reporting:api-report-new-version": lambda d: {"pk": d.version.report_id},
    "reporting:api-report-reject": lambda d: {"pk": d.version.report_id},
    "reporting:api-report-request-approval": lambda d: {"pk": d.version.report_id},
    "reporting:api-approval-detail": lambda d: {"pk": d.pk("reporting.ReportApproval")},
    "reporting:api-submission-detail": lambda d: {"pk": d.pk("reporting.ReportSubmission")},
    "reporting:api-notice-detail": lambda d: {"pk": d.pk("reporting.RegulatorNotice")},
    "reporting:api-intelligence-detail": lambda d: {"pk": d.pk("reporting.RiskIntelligence")},
    "reporting:api-intelligence-triage": lambda d: {"pk": d.pk("reporting.RiskIntelligence")},
    "reporting:api-intelligence-promote": lambda d: {"pk": d.pk("reporting.RiskIntelligence")},
    # training (the staff member's own assignment)
    "training:assignment": lambda d: {"pk": d.assignment.pk},
    "training:mark_read": lambda d: {"pk": d.assignment.pk},
    "training:acknowledge": lambda d: {"pk": d.assignment.pk},
    "training:quiz_start": lambda d: {"pk": d.assignment.pk},
    "training:quiz": lambda d: {
        "pk": d.assignment.pk,
        "attempt": d.attempt.pk if d.attempt else MISSING,
    },
    "training:feedback": lambda d: {"pk": d.assignment.pk},
    "training:certificate": lambda d: {"pk": d.assignment.pk},
    "training:material_file": lambda d: {"pk": d.pk("training.CourseMaterial")},
    "training:plan": lambda d: {"pk": d.pk("training.TrainingPlan")},
    "training:plan_approve": lambda d: {"pk": d.pk("training.TrainingPlan")},
    "training:plan_evaluate": lambda d: {"pk": d.pk("training.TrainingPlan")},
    "training:plan_export": lambda d: {"pk": d.pk("training.TrainingPlan")},
    "training:course_create": lambda d: {"plan_pk": d.pk("training.TrainingPlan")},
    "training:course": lambda d: {"pk": d.assignment.course_id},
    "training:course_publish": lambda d: {"pk": d.assignment.course_id},
    "training:course_progress": lambda d: {"pk": d.assignment.course_id},
    "training:drill": lambda d: {"pk": d.pk("training.Drill")},
    "training:drill_start": lambda d: {"pk": d.pk("training.Drill")},
    "training:drill_assess": lambda d: {
        "pk": d.pk("training.Drill"),
        "objective": d.pk("training.DrillObjective", drill_id=d.pk("training.Drill")),
    },
    "training:drill_finding": lambda d: {"pk": d.pk("training.Drill")},
    "training:drill_complete": lambda d: {"pk": d.pk("training.Drill")},
    "training:drill_cancel": lambda d: {"pk": d.pk("training.Drill")},
    "training:drill_report": lambda d: {"pk": d.pk("training.Drill", status="completed")},
    "training:api-plan-detail": lambda d: {"pk": d.pk("training.TrainingPlan")},
    "training:api-plan-approve": lambda d: {"pk": d.pk("training.TrainingPlan")},
    "training:api-course-detail": lambda d: {"pk": d.assignment.course_id},
    "training:api-assignment-detail": lambda d: {"pk": d.assignment.pk},
    "training:api-assignment-acknowledge": lambda d: {"pk": d.assignment.pk},
    "training:api-assignment-feedback": lambda d: {"pk": d.assignment.pk},
    "training:api-assignment-mark-read": lambda d: {"pk": d.assignment.pk},
    "training:api-assignment-quiz-start": lambda d: {"pk": d.assignment.pk},
    "training:api-assignment-quiz-submit": lambda d: {"pk": d.assignment.pk},
    "training:api-drill-detail": lambda d: {"pk": d.pk("training.Drill")},
    "training:api-drill-start": lambda d: {"pk": d.pk("training.Drill")},
    # issue 20: emergency plans, campaigns, the inspection pack
    "incidents:concern-message": lambda d: {"pk": d.concern.pk},
    **{
        f"incidents:plan-{action}": lambda d: {"pk": d.pk("incidents.EmergencyPlan")}
        for action in ("detail", "draft", "propose")
    },
    # the ransomware plan's draft v1, whose leader (compliance2) is no persona
    "incidents:plan-approve": lambda d: {
        "pk": d.pk("incidents.EmergencyPlanVersion", state="draft")
    },
    "incidents:api-emergency-plan-detail": lambda d: {"pk": d.pk("incidents.EmergencyPlan")},
    "incidents:plan-change-adopt": lambda d: {"pk": d.pk("incidents.PlanChange")},
    "incidents:plan-change-reject": lambda d: {"pk": d.pk("incidents.PlanChange")},
    "governance:meeting-adopt": lambda d: {"pk": d.pk("governance.Meeting")},
    "training:campaign": lambda d: {"pk": d.pk("training.AwarenessCampaign")},
    "training:campaign_launch": lambda d: {"pk": d.pk("training.AwarenessCampaign")},
    "training:campaign_acknowledge": lambda d: {"pk": d.pk("training.AwarenessCampaign")},
    "reporting:inspection-pack-download": lambda d: {"fmt": "xlsx"},
    # integrations
    "integrations:token-revoke": lambda d: {"pk": d.pk("integrations.ApiToken")},
    "integrations:alert-detail": lambda d: {"pk": d.pk("integrations.Alert")},
    "integrations:webhook-detail": lambda d: {"pk": d.pk("integrations.WebhookSubscription")},
    **{
        f"integrations:alert-{action}": lambda d: {"pk": d.pk("integrations.Alert")}
        for action in ("promote", "merge", "dismiss")
    },
    **{
        f"integrations:webhook-{action}": lambda d: {"pk": d.pk("integrations.WebhookSubscription")}
        for action in ("update", "enable", "disable")
    },
    "integrations:export-download": lambda d: {"pk": d.pk("integrations.PeriodExport")},
    "integrations:api-token-detail": lambda d: {"pk": d.pk("integrations.ApiToken")},
    "integrations:api-token-revoke": lambda d: {"pk": d.pk("integrations.ApiToken")},
    "integrations:api-alert-detail": lambda d: {"pk": d.pk("integrations.Alert")},
    "integrations:api-alert-dismiss": lambda d: {"pk": d.pk("integrations.Alert")},
    "integrations:api-alert-merge": lambda d: {"pk": d.pk("integrations.Alert")},
    "integrations:api-alert-promote": lambda d: {"pk": d.pk("integrations.Alert")},
    "integrations:api-webhook-detail": lambda d: {"pk": d.pk("integrations.WebhookSubscription")},
    "integrations:api-webhook-deliveries": lambda d: {
        "pk": d.pk("integrations.WebhookSubscription")
    },
    "integrations:api-webhook-disable": lambda d: {"pk": d.pk("integrations.WebhookSubscription")},
    "integrations:api-webhook-enable": lambda d: {"pk": d.pk("integrations.WebhookSubscription")},
    "integrations:alert-intake": lambda d: {
        "source": apps.get_model("integrations.AlertSource").objects.order_by("pk").first().slug
        if apps.get_model("integrations.AlertSource").objects.exists()
        else "no-such-source"
    },
    # governance: catalogue, pre-share gate, ledger (issue 19)
    "governance:catalogue-approve": lambda d: {"pk": d.pk("governance.CatalogueVersion")},
    "governance:catalogue-export": lambda d: {"pk": d.pk("governance.CatalogueVersion")},
    **{
        f"governance:sharing-request-{action}": lambda d: {"pk": d.pk("governance.SharingRequest")}
        for action in ("detail", "assess", "approve", "refuse", "withdraw", "checksum")
    },
    "governance:api-catalogue-item-detail": lambda d: {"pk": d.pk("governance.CatalogueItem")},
    "governance:api-sharing-request-detail": lambda d: {"pk": d.pk("governance.SharingRequest")},
    "governance:api-ledger-event-detail": lambda d: {"pk": d.pk("governance.LedgerEvent")},
    "governance:ledger-intake": lambda d: {"system": "data-exchange"},
    # audit
    "audit-api:entry-detail": lambda d: {"pk": d.pk("audit.AuditEntry")},
}

ARGS.update(
    {
        "admin:app_list": lambda d: {"app_label": "incidents"},
        "admin:view_on_site": lambda d: {
            "content_type_id": apps.get_model("contenttypes.ContentType")
            .objects.get_for_model(apps.get_model("incidents.Incident"))
            .pk,
            "object_id": d.incident.pk,
        },
        "admin:accounts_user_password_change": lambda d: {"id": d.users["staff"].pk},
        "admin:auth_user_password_change": lambda d: {"id": d.users["staff"].pk},
        "admin:otp_totp_totpdevice_config": lambda d: {"pk": d.device.pk},
        "admin:otp_totp_totpdevice_qrcode": lambda d: {"pk": d.device.pk},
    }
)
