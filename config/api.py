"""The one API router of the project: every app's viewsets are registered here, nowhere else.

Each registration names the URL namespace it belongs to (the app's, so `reverse("governance:
api-counterparty-list")` keeps working); config/urls.py mounts `urlpatterns_for(namespace)` inside
that app's include, under /api/. Every published path stays as it was when each app kept its own
router (tests/foundation/test_api_routes.py compares them): the namespaces in FORMAT_SUFFIXES also
answer `<path>.json`, and those in ROOT_VIEWS have a browsable index page.
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns

from audit import api as audit_api
from governance import api as governance_api
from governance import api_sharing as governance_api_sharing
from governance import media_api as governance_media_api
from incidents import api as incidents_api
from integrations import api as integrations_api
from integrations import api_alerts
from reporting import api as reporting_api
from training import api as training_api

FORMAT_SUFFIXES = {"governance", "incidents", "reporting"}
ROOT_VIEWS = {"governance": "governance/", "reporting": "reporting/"}


class ApiRouter(DefaultRouter):
    """A DefaultRouter whose registrations carry their URL namespace."""

    include_root_view = False
    include_format_suffixes = False

    def __init__(self):
        super().__init__()
        self.namespace_of: dict[str, str] = {}

    def register(self, prefix, viewset, basename=None, *, namespace):
        super().register(prefix, viewset, basename)
        self.namespace_of[prefix] = namespace

    def urls_for(self, namespace: str) -> list:
        """The URL patterns of one namespace's registrations (paths relative to /api/)."""
        registry = [entry for entry in self.registry if self.namespace_of[entry[0]] == namespace]
        everything, self.registry = self.registry, registry
        try:
            urls = self.get_urls()
        finally:
            self.registry = everything
        root = ROOT_VIEWS.get(namespace)
        if root is not None:
            listing = {
                prefix.removeprefix(root): self.routes[0].name.format(basename=basename)
                for prefix, _viewset, basename in registry
            }
            view = self.APIRootView.as_view(api_root_dict=listing)
            index = [path("", view, name=self.root_view_name)]
            if namespace in FORMAT_SUFFIXES:
                index = format_suffix_patterns(index)
        if namespace in FORMAT_SUFFIXES:
            urls = format_suffix_patterns(urls)
        if root is not None:
            urls.insert(0, path(root, include(index)))
        return urls


# namespace -> (prefix under /api/, viewset, basename); the order is the resolution order.
REGISTRY = {
    "audit-api": [("audit/entries", audit_api.AuditEntryViewSet, "entry")],
    "governance": [
        ("governance/counterparties", governance_api.CounterpartyViewSet, "api-counterparty"),
        ("governance/agreements", governance_api.AgreementViewSet, "api-agreement"),
        ("governance/registrations", governance_api.RegistrationViewSet, "api-registration"),
        ("governance/sharing-log", governance_api.SharingLogViewSet, "api-sharing-log"),
        ("governance/contact-roles", governance_api.ContactRoleViewSet, "api-contact-role"),
        ("governance/meetings", governance_api.MeetingViewSet, "api-meeting"),
        ("governance/action-items", governance_api.ActionItemViewSet, "api-action-item"),
        (
            "governance/catalogue-items",
            governance_api_sharing.CatalogueItemViewSet,
            "api-catalogue-item",
        ),
        (
            "governance/sharing-requests",
            governance_api_sharing.SharingRequestViewSet,
            "api-sharing-request",
        ),
        ("governance/ledger", governance_api_sharing.LedgerEventViewSet, "api-ledger-event"),
        (
            "governance/obligation-periods",
            governance_api.ObligationPeriodViewSet,
            "api-obligation-period",
        ),
        ("governance/media", governance_media_api.MediumViewSet, "api-medium"),
        ("governance/evaluations", governance_media_api.EvaluationViewSet, "api-evaluation"),
    ],
    "incidents": [
        ("incidents/tasks", incidents_api.TaskViewSet, "api-task"),
        ("incidents/evidence", incidents_api.EvidenceViewSet, "api-evidence"),
        ("incidents", incidents_api.IncidentViewSet, "api-incident"),
        ("concerns", incidents_api.ConcernViewSet, "api-concern"),
    ],
    "integrations": [
        ("tokens", integrations_api.ApiTokenViewSet, "api-token"),
        ("alerts/queue", api_alerts.AlertViewSet, "api-alert"),
        ("webhooks", integrations_api.WebhookSubscriptionViewSet, "api-webhook"),
    ],
    "reporting": [
        ("reporting/rules", reporting_api.RuleViewSet, "api-rule"),
        ("reporting/reports", reporting_api.ReportViewSet, "api-report"),
        ("reporting/approvals", reporting_api.ApprovalViewSet, "api-approval"),
        ("reporting/submissions", reporting_api.SubmissionViewSet, "api-submission"),
        ("reporting/notices", reporting_api.NoticeViewSet, "api-notice"),
        ("reporting/intelligence", reporting_api.IntelligenceViewSet, "api-intelligence"),
    ],
    "training": [
        ("training/plans", training_api.PlanViewSet, "api-plan"),
        ("training/courses", training_api.CourseViewSet, "api-course"),
        ("training/assignments", training_api.AssignmentViewSet, "api-assignment"),
        ("training/drills", training_api.DrillViewSet, "api-drill"),
    ],
}

router = ApiRouter()
for _namespace, _entries in REGISTRY.items():
    for _prefix, _viewset, _basename in _entries:
        router.register(_prefix, _viewset, _basename, namespace=_namespace)

# Views outside the router, after it: "queue" is reserved and never an alert source's slug.
EXTRA = {
    "governance": [
        path(
            "governance/ledger-intake/<slug:system>/",
            governance_api_sharing.LedgerIntakeView.as_view(),
            name="ledger-intake",
        )
    ],
    "integrations": [
        path("alerts/<slug:source>/", api_alerts.AlertIntakeView.as_view(), name="alert-intake")
    ],
}


def urlpatterns_for(namespace: str) -> list:
    """What config/urls.py mounts inside `namespace`'s include: its API under /api/."""
    urls = router.urls_for(namespace) + EXTRA.get(namespace, [])
    return [path("api/", include(urls))] if urls else []
