"""The RBAC matrix, writes: who may send which write to which route (test_rbac_matrix.py,
test_write_matrix). The GET half is rbac_matrix.py.

Vocabulary, per route x method x persona:
- "allowed": the request passes authorisation: any answer other than 401/403/404/405 or a
  redirect to a login page (200, 201, 204, a redirect to a page, a 400 validation error), unless
  the policy refused it on the way (a PolicyDenied/NotPermitted raised that a page turned into a
  message), or, for an admin action, the admin did not run it ("No action selected.").
- "refused": 401/403/404, a redirect to a login page, or a PolicyDenied shown as a page message.
- "n/a": the route does not offer the method (405). A method a route does not list is n/a; if
  any persona turns out to be allowed on it, nobody decided it and the matrix fails.

These state the INTENDED policy of issue 14, not what the code does on a given day:
- auditors never write; a user without a role writes nothing but their own account;
- staff write only their own concerns, their trainings (read, acknowledge, quiz, feedback) and
  the rectification items they own;
- handlers work the incidents of their team (the handler persona's team owns the matrix
  incident; "other_handler" is a handler of another team), view counterparties, never change them;
- only officers (and administrators) change governance records and approve;
- meeting and drill writes depend on the person's role in that meeting/drill; the matrix
  personas organise none of them, so they are refused there unless officer/administrator;
- evidence, timeline entries and incidents are never deleted through the admin or the API;
- secrets (alert-source and robot signing secrets) are shown to nobody after creation.

Pages and the admin write with POST only: Django parses a form body on POST alone, and their
views answer PUT/PATCH/DELETE as a GET (the GET matrix decides those). API routes are sent all
four methods. Bodies are minimal but valid where a page validates its form before calling the
service (otherwise the service, where the policy is asked, is never reached).
"""

import datetime

from django.utils import timezone

WRITE_PERSONAS = (
    "anonymous",
    "outsider",
    "staff",
    "handler",
    "other_handler",
    "officer",
    "auditor",
    "admin",
)
ALLOWED, REFUSED, NA = "allowed", "refused", "n/a"
API_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def allow(*who: str) -> dict:
    unknown = set(who) - set(WRITE_PERSONAS)
    assert not unknown, unknown
    return {p: ALLOWED if p in who else REFUSED for p in WRITE_PERSONAS}


NOBODY = allow()
EVERYONE = allow(*WRITE_PERSONAS)
SIGNED_IN = allow(*(p for p in WRITE_PERSONAS if p != "anonymous"))
# Everyone with a role that writes (auditors read only; no role, no writes).
WRITERS = allow("staff", "handler", "other_handler", "officer", "admin")
# Any handler, whatever the team (objects not owned by a team: the alert queue, intelligence).
HANDLERS = allow("handler", "other_handler", "officer", "admin")
# The handler persona's team owns the matrix incident; a handler of another team is refused.
TEAM = allow("handler", "officer", "admin")
OFFICERS = allow("officer", "admin")
ADMIN_ONLY = allow("admin")
# The staff persona's own object (its concern, its training assignment).
OWNER_STAFF = allow("staff")
# Firm-wide readers may sign in to the admin; only they are ever let into it.
ADMIN_SITE = ("officer", "auditor", "admin")

READ_ONLY: dict = {}  # the route offers no write at all


def _soon(days=7) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _date(days=7) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _file(name="matrix.txt", content=b"matrix\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")


# Views outside an "api-" name that are API views (JSON, every method sent).
API_VIEWS = {"integrations:alert-intake", "governance:ledger-intake", "api-schema"}

# Page messages that are refusals though no policy rule says them (yet): the page answered 200
# and wrote nothing. English source strings; compared in both languages.
REFUSAL_MESSAGES = ("Only a compliance officer may do this.",)

# Routes whose success is a redirect to the login page (signing out).
LOGIN_REDIRECT_IS_SUCCESS = {"logout", "admin:logout"}

# Which admin actions each firm-wide persona may run, per model label ("delete_selected" follows
# the model's "d" letter in rbac_matrix.ADMIN_MODELS).
ADMIN_ACTIONS: dict[str, dict[str, tuple]] = {
    # Rotating a signing secret is configuring the source: officers and administrators.
    "integrations.alertsource": {"new_secret": ("officer", "admin")},
    # Any officer may revoke any token in the admin (a stolen token is an emergency).
    "integrations.apitoken": {"revoke": ("officer", "admin")},
    "governance.cooperationagreement": {
        "submit": ("officer", "admin"),
        "approve": ("officer", "admin"),
    },
    "governance.sharingregistration": {"approve": ("officer", "admin")},
    # The matrix meeting's organiser is the officer persona.
    "governance.meeting": {"approve_minutes": ("officer", "admin")},
    "incidents.gradingcriterionset": {
        "copy_as_new_draft": ("officer", "admin"),
        "activate": ("officer", "admin"),
    },
    "deadlines.deadline": {"waive_selected": ("officer", "admin")},
    "notifications.outbox": {"retry": ("officer", "admin")},
    # the task scheduler and the lockout records are the administrator's
    "django_celery_beat.periodictask": {
        "enable_tasks": ("admin",),
        "disable_tasks": ("admin",),
        "toggle_tasks": ("admin",),
        "run_tasks": ("admin",),
    },
    "axes.accessattempt": {"cleanup_expired_attempts": ("admin",)},
}

# --- the decisions ----------------------------------------------------------------------------
# route -> {"METHOD" or "METHOD variant": decision}. A variant is a second request to the same
# route: another hidden `action` of a page that dispatches on it, or another value of an action
# segment of the URL (VARIANT_ARGS). Unlisted methods are n/a.

WRITES: dict[str, dict] = {
    # a stored file is read through its checked view (GET only)
    "file-download": READ_ONLY,
    # one's own notification preferences
    "notifications:preferences": {"POST": SIGNED_IN},
    # core, sign-in, language
    "home": READ_ONLY,
    "health": READ_ONLY,
    "metrics": READ_ONLY,  # Prometheus scrape (GET only)
    "search": READ_ONLY,
    "login": {"POST": EVERYONE},
    "logout": {"POST": EVERYONE},
    "set_language": {"POST": EVERYONE},
    "api-schema": READ_ONLY,
    "api-docs": READ_ONLY,  # HTML viewers of the schema: pages
    "api-redoc": READ_ONLY,
    # the admin's own pages (its model pages are decided in rbac_matrix.ADMIN_MODELS)
    "admin:login": {"POST": EVERYONE},
    "admin:logout": {"POST": EVERYONE},
    # One's own password: every firm-wide role (the auditor's account is its own).
    "admin:password_change": {"POST": allow(*ADMIN_SITE)},
    "admin:auth_user_password_change": {"POST": ADMIN_ONLY},
    "admin:index": READ_ONLY,
    "admin:app_list": READ_ONLY,
    "admin:autocomplete": READ_ONLY,
    "admin:jsi18n": READ_ONLY,
    "admin:search": READ_ONLY,  # the theme's search over apps and models
    "admin:password_change_done": READ_ONLY,
    "admin:view_on_site": READ_ONLY,
    "admin:otp_totp_totpdevice_config": READ_ONLY,
    "admin:otp_totp_totpdevice_qrcode": READ_ONLY,
    # audit, deadlines: read only
    "audit:log": READ_ONLY,
    "audit:export-csv": READ_ONLY,
    "audit:export-xlsx": READ_ONLY,
    "audit-api:entry-list": READ_ONLY,
    "audit-api:entry-detail": READ_ONLY,
    "deadlines:firm": READ_ONLY,
    "deadlines:mine": READ_ONLY,
    # notifications and two-factor: one's own account
    "notifications:inbox": READ_ONLY,
    "notifications:ics": READ_ONLY,
    "notifications:mark_read": {"POST": SIGNED_IN},
    "notifications:reset_feed": {"POST": SIGNED_IN},
    "security:otp-enrol": {"POST": SIGNED_IN},
    "security:otp-verify": {"POST": SIGNED_IN},
    # governance pages. The matrix agreement is owned by the officer persona; the matrix meeting
    # is organised by it (the handler attends); the registration was requested by the handler.
    "governance:dashboard": READ_ONLY,
    "governance:dashboard-pdf": READ_ONLY,
    "governance:dashboard-xlsx": READ_ONLY,
    "governance:agreement-list": READ_ONLY,
    "governance:sharing-log": READ_ONLY,
    "governance:directory": READ_ONLY,
    "governance:meeting-list": READ_ONLY,
    "governance:counterparty-new": {"POST": OFFICERS},
    "governance:agreement-new": {"POST": WRITERS},
    "governance:meeting-new": {"POST": OFFICERS},
    "governance:meeting-ics": READ_ONLY,
    "governance:period-detail": {"POST": OFFICERS},  # obligation evidence
    "governance:agreement-detail": READ_ONLY,
    # drafting belongs to the agreement's owner (the officer here) and officers; one URL an action
    "governance:agreement-document": {"POST": OFFICERS},
    "governance:agreement-submit": {"POST": OFFICERS},
    "governance:agreement-approve": {"POST": OFFICERS},
    "governance:agreement-return": {"POST": OFFICERS},
    "governance:agreement-terminate": {"POST": OFFICERS},
    # suspension until a partner's remedy is verified: officers only
    "governance:agreement-suspend": {"POST": OFFICERS},
    "governance:agreement-resume": {"POST": OFFICERS},
    "governance:api-agreement-suspend": {"POST": OFFICERS},
    "governance:api-agreement-resume": {"POST": OFFICERS},
    # Anyone who works here registers a planned share (under an agreement they may see).
    "governance:registration-list": {"POST": WRITERS},
    "governance:registration-approve": {"POST": OFFICERS},
    "governance:registration-refuse": {"POST": OFFICERS},
    "governance:meeting-detail": READ_ONLY,
    # the meeting's role decides: an attendee (the handler) writes nothing
    "governance:meeting-minutes": {"POST": OFFICERS},
    "governance:meeting-held": {"POST": OFFICERS},
    "governance:meeting-decision": {"POST": OFFICERS},
    "governance:meeting-adopt": {"POST": OFFICERS},
    "governance:meeting-action-item": {"POST": OFFICERS},
    "governance:action-item-done": {"POST": OFFICERS},
    "governance:meeting-attachment": {"POST": OFFICERS},
    "governance:meeting-invite": {"POST": OFFICERS},
    "governance:meeting-minutes-approve": {"POST": OFFICERS},
    # sharing media (issue 19, 3): officers keep the register and decide loans; the custodian
    # (the handler persona keeps the matrix medium) checks it, takes returns and starts a
    # handover; the two parties of a handover confirm it (the handler persona hands over the
    # demo drive); handlers see the register and may ask to use a medium.
    "governance:medium-list": READ_ONLY,
    "governance:medium-detail": READ_ONLY,
    "governance:medium-create": {"POST": OFFICERS},
    "governance:medium-liability": {"POST": OFFICERS},
    "governance:medium-check": {"POST": TEAM},
    "governance:medium-use-request": {"POST": HANDLERS},
    "governance:medium-use-approve": {"POST": OFFICERS},
    "governance:medium-use-refuse": {"POST": OFFICERS},
    "governance:medium-use-return": {"POST": TEAM},
    "governance:medium-handover": {"POST": TEAM},
    "governance:medium-handover-confirm": {"POST": TEAM},
    "governance:medium-handover-decline": {"POST": TEAM},
    "governance:medium-dispose": {"POST": OFFICERS},
    "governance:api-medium-list": READ_ONLY,
    "governance:api-medium-detail": READ_ONLY,
    # sharing evaluations (issue 19, 4): officers start them, form the team, approve (on the
    # management layer) and send the report; the execution layer (the handler persona on the
    # matrix evaluation) prepares the plan and the report; team members record monitoring.
    "governance:evaluation-list": READ_ONLY,
    "governance:evaluation-detail": READ_ONLY,
    "governance:evaluation-create": {"POST": OFFICERS},
    "governance:evaluation-update": {"POST": TEAM},
    "governance:evaluation-member-add": {"POST": OFFICERS},
    "governance:evaluation-member-remove": {"POST": OFFICERS},
    "governance:evaluation-prefill": {"POST": TEAM},
    "governance:evaluation-scope-add": {"POST": TEAM},
    "governance:evaluation-observe": {"POST": TEAM},
    "governance:evaluation-measure-add": {"POST": TEAM},
    "governance:evaluation-plan-submit": {"POST": TEAM},
    "governance:evaluation-plan-approve": {"POST": OFFICERS},
    "governance:evaluation-plan-return": {"POST": OFFICERS},
    "governance:evaluation-monitor": {"POST": TEAM},
    "governance:evaluation-finish": {"POST": TEAM},
    "governance:evaluation-report-save": {"POST": TEAM},
    "governance:evaluation-report-submit": {"POST": TEAM},
    "governance:evaluation-report-approve": {"POST": OFFICERS},
    "governance:evaluation-report-return": {"POST": OFFICERS},
    "governance:evaluation-send": {"POST": OFFICERS},
    "governance:api-evaluation-list": READ_ONLY,
    "governance:api-evaluation-detail": READ_ONLY,
    # governance API
    "governance:api-root": READ_ONLY,
    "governance:api-counterparty-list": {"POST": OFFICERS},
    # handlers view counterparties and never change them; staff never reach one
    "governance:api-counterparty-detail": {"PATCH": OFFICERS},
    "governance:api-agreement-list": {"POST": WRITERS},
    "governance:api-agreement-detail": {"PATCH": OFFICERS},
    "governance:api-agreement-submit": {"POST": OFFICERS},
    "governance:api-agreement-approve": {"POST": OFFICERS},
    "governance:api-registration-list": {"POST": WRITERS},
    "governance:api-registration-detail": READ_ONLY,
    "governance:api-registration-approve": {"POST": OFFICERS},
    "governance:api-sharing-log-list": READ_ONLY,
    "governance:api-sharing-log-detail": READ_ONLY,
    # Issue 19: catalogue, pre-share gate, ledger. Reading pages answer GET only.
    "governance:catalogue": READ_ONLY,
    "governance:catalogue-export": READ_ONLY,
    "governance:catalogue-import": {"POST": OFFICERS},
    "governance:catalogue-approve": {"POST": OFFICERS},
    "governance:sharing-request-list": READ_ONLY,
    "governance:sharing-request-detail": READ_ONLY,
    "governance:sharing-request-create": {"POST": WRITERS},
    # Whoever sees the request and writes may try a step; the gate itself decides whether the
    # person holds the step's approver role (a service refusal, not a policy one).
    "governance:sharing-request-assess": {"POST": TEAM},
    "governance:sharing-request-approve": {"POST": TEAM},
    "governance:sharing-request-refuse": {"POST": TEAM},
    # the requester or an officer (the matrix request is the handler2 persona's)
    "governance:sharing-request-withdraw": {"POST": OFFICERS},
    "governance:sharing-request-checksum": {"POST": OFFICERS},
    "governance:ledger": READ_ONLY,
    "governance:ledger-usage": READ_ONLY,
    "governance:api-catalogue-item-list": READ_ONLY,
    "governance:api-catalogue-item-detail": READ_ONLY,
    "governance:api-sharing-request-list": READ_ONLY,
    "governance:api-sharing-request-detail": READ_ONLY,
    "governance:api-ledger-event-list": READ_ONLY,
    "governance:api-ledger-event-detail": READ_ONLY,
    # signed by an exchange system: an unsigned request is refused whoever sends it
    "governance:ledger-intake": {"POST": NOBODY},
    "governance:api-contact-role-list": {"POST": OFFICERS},
    "governance:api-contact-role-detail": {"PATCH": OFFICERS},
    "governance:api-meeting-list": READ_ONLY,
    "governance:api-meeting-detail": READ_ONLY,
    "governance:api-action-item-list": READ_ONLY,
    "governance:api-action-item-detail": READ_ONLY,
    "governance:api-obligation-period-list": READ_ONLY,
    "governance:api-obligation-period-detail": READ_ONLY,
    # incident pages: the matrix incident belongs to the handler persona's team
    "incidents:list": READ_ONLY,
    "incidents:detail": READ_ONLY,
    "incidents:evidence-download": READ_ONLY,
    "incidents:my-rectifications": READ_ONLY,
    "incidents:my-concerns": READ_ONLY,
    "incidents:concern-queue": READ_ONLY,
    "incidents:create": {"POST": HANDLERS},
    "incidents:edit": {"POST": TEAM},
    "incidents:grade": {"POST": TEAM},
    "incidents:transition": {
        "POST start": TEAM,
        "POST resolve": TEAM,
        "POST summarise": TEAM,
        "POST close": TEAM,
    },
    "incidents:timeline-add": {"POST": TEAM},
    "incidents:task-add": {"POST": TEAM},
    "incidents:task-state": {"POST": TEAM},
    # Bulk actions answer every signed-in user with a per-item result page (refusals listed per
    # item, tests/incidents/test_bulk.py); the export holds only what the user may see.
    "incidents:bulk-assign": {"POST": SIGNED_IN},
    "incidents:bulk-tag": {"POST": SIGNED_IN},
    "incidents:bulk-status": {"POST": SIGNED_IN},
    "incidents:bulk-export": {"POST": SIGNED_IN},
    "incidents:bulk-task-assign": {"POST": SIGNED_IN},
    "incidents:bulk-task-state": {"POST": SIGNED_IN},
    "incidents:comment-add": {"POST": TEAM},
    "incidents:evidence-upload": {"POST": TEAM},
    "incidents:custody-add": {"POST": TEAM},
    "incidents:rectification-add": {"POST": TEAM},
    "incidents:rectification-action": {
        # the matrix item is owned by the handler, on its team's incident
        "POST complete": TEAM,
        "POST verify": TEAM,
        "POST reject": TEAM,
        # an item owned by the staff persona: its owner completes it (the team may too)
        "POST complete-own": allow("staff", "handler", "officer", "admin"),
    },
    "incidents:concern-new": {"POST": WRITERS},
    # Issue 20. The reporter (staff) adds facts to their concern; triagers reply.
    "incidents:concern-message": {"POST": WRITERS},
    # Anyone may try a follow-up code (an empty one is a form error, nothing written).
    "incidents:concern-follow": {"POST": EVERYONE},
    "incidents:concern-follow-add": {"POST": EVERYONE},
    "incidents:plan-list": READ_ONLY,
    "incidents:plan-detail": READ_ONLY,
    "incidents:plan-new": {"POST": OFFICERS},
    "incidents:plan-draft": {"POST": OFFICERS},
    "incidents:plan-propose": {"POST": HANDLERS},
    # Only the plan's responsible leader approves; the matrix plan's leader is no persona.
    "incidents:plan-approve": {"POST": NOBODY},
    "incidents:plan-change-adopt": {"POST": OFFICERS},
    "incidents:plan-change-reject": {"POST": OFFICERS},
    # Triage is for handlers and officers; the reporter (staff) does not triage its own concern.
    "incidents:concern-detail": READ_ONLY,
    "incidents:concern-promote": {"POST": HANDLERS},
    "incidents:concern-close": {"POST": HANDLERS},
    # the incident page's action forms open on demand (GET only)
    "incidents:action-form": READ_ONLY,
    "incidents:row-action-form": READ_ONLY,
    "incidents:api-incident-reporting-fact": {"POST": TEAM},
    # incident API (incidents, evidence, timeline entries are never deleted: DELETE is n/a)
    "incidents:api-incident-list": {"POST": HANDLERS},
    "incidents:api-incident-detail": {"PATCH": TEAM},
    "incidents:api-incident-grade": {"POST": TEAM},
    "incidents:api-incident-transition": {"POST": TEAM},
    "incidents:api-incident-timeline": {"POST": TEAM},
    "incidents:api-incident-tasks": {"POST": TEAM},
    "incidents:api-incident-evidence": {"POST": TEAM},
    "incidents:api-task-detail": {"PATCH": TEAM},
    "incidents:api-evidence-detail": READ_ONLY,
    "incidents:api-evidence-download": READ_ONLY,
    "incidents:api-concern-list": {"POST": WRITERS},
    "incidents:api-emergency-plan-list": READ_ONLY,
    "incidents:api-emergency-plan-detail": READ_ONLY,
    "incidents:api-concern-detail": READ_ONLY,
    "incidents:api-concern-promote": {"POST": HANDLERS},
    "incidents:api-concern-close": {"POST": HANDLERS},
    # integrations
    # An API token is one's own credential and reads only what its owner reads.
    "integrations:tokens": {"POST": SIGNED_IN},
    # the matrix token belongs to the officer persona: only its owner revokes it here
    "integrations:token-revoke": {"POST": allow("officer")},
    "integrations:alert-queue": READ_ONLY,
    "integrations:alert-detail": READ_ONLY,
    "integrations:alert-promote": {"POST": HANDLERS},
    "integrations:alert-merge": {"POST": HANDLERS},
    "integrations:alert-dismiss": {"POST": HANDLERS},
    "integrations:webhooks": {"POST": OFFICERS},
    "integrations:webhook-detail": READ_ONLY,
    "integrations:webhook-update": {"POST": OFFICERS},
    "integrations:webhook-enable": {"POST": OFFICERS},
    "integrations:webhook-disable": {"POST": OFFICERS},
    # An export is a read (auditors export what they may read).
    "integrations:export": {"POST": allow("officer", "auditor", "admin")},
    # Only a valid signature of the alert source lets an alert in; no session does.
    "integrations:alert-intake": {"POST": NOBODY},
    "integrations:api-token-list": READ_ONLY,
    "integrations:api-token-detail": READ_ONLY,
    "integrations:api-token-revoke": {"POST": allow("officer")},
    "integrations:api-alert-list": READ_ONLY,
    "integrations:api-alert-detail": READ_ONLY,
    "integrations:api-alert-promote": {"POST": HANDLERS},
    "integrations:api-alert-merge": {"POST": HANDLERS},
    "integrations:api-alert-dismiss": {"POST": HANDLERS},
    "integrations:api-webhook-list": {"POST": OFFICERS},
    "integrations:api-webhook-detail": READ_ONLY,
    "integrations:api-webhook-deliveries": READ_ONLY,
    "integrations:api-webhook-enable": {"POST": OFFICERS},
    "integrations:api-webhook-disable": {"POST": OFFICERS},
    # reporting: the matrix report is on the handler's team's incident; the matrix notice is
    # assigned to the handler persona
    "reporting:report-list": READ_ONLY,
    "reporting:report-detail": READ_ONLY,
    "reporting:version-download": READ_ONLY,
    "reporting:incident-reports": READ_ONLY,
    "reporting:rule-list": READ_ONLY,
    "reporting:notice-list": READ_ONLY,
    "reporting:intel-list": READ_ONLY,
    "reporting:metrics": READ_ONLY,
    "reporting:inspection-pack": READ_ONLY,
    "reporting:inspection-pack-download": READ_ONLY,
    "reporting:metrics-export": READ_ONLY,
    "reporting:case-metrics-export": READ_ONLY,
    "reporting:import": READ_ONLY,
    "reporting:import-result": READ_ONLY,
    "reporting:import-template": READ_ONLY,
    "reporting:import-check": {"POST": OFFICERS},  # the dry run
    "reporting:import-confirm": {"POST": OFFICERS},
    "reporting:case-dossier": READ_ONLY,
    "reporting:report-edit": {"POST": TEAM},
    "reporting:report-submit": {"POST": TEAM},
    "reporting:report-action": {
        "POST request-approval": TEAM,
        "POST new-version": TEAM,
        "POST cancel": TEAM,
        "POST approve": OFFICERS,
        "POST reject": OFFICERS,
    },
    "reporting:notice-create": {"POST": OFFICERS},
    "reporting:notice-detail": {"POST": TEAM},  # the notice's handler and officers
    "reporting:intel-create": {"POST": HANDLERS},
    # the matrix item was reported by the handler persona: its reporter and officers triage it
    "reporting:intel-detail": {"POST": TEAM},
    "reporting:intel-promote": {"POST": TEAM},
    "reporting:api-root": READ_ONLY,
    "reporting:api-rule-list": {"POST": OFFICERS},
    "reporting:api-rule-detail": {"PUT": OFFICERS, "PATCH": OFFICERS},
    "reporting:api-report-list": READ_ONLY,
    "reporting:api-report-detail": {"PUT": TEAM, "PATCH": TEAM},
    "reporting:api-report-request-approval": {"POST": TEAM},
    "reporting:api-report-new-version": {"POST": TEAM},
    "reporting:api-report-cancel": {"POST": TEAM},
    "reporting:api-report-approve": {"POST": OFFICERS},
    "reporting:api-report-reject": {"POST": OFFICERS},
    "reporting:api-approval-list": READ_ONLY,
    "reporting:api-approval-detail": READ_ONLY,
    # which report a submission is for is a payload id, checked against what the caller sees
    "reporting:api-submission-list": {"POST": HANDLERS},
    "reporting:api-submission-detail": READ_ONLY,
    "reporting:api-notice-list": {"POST": OFFICERS},
    "reporting:api-notice-detail": {"PUT": TEAM, "PATCH": TEAM},
    "reporting:api-intelligence-list": {"POST": HANDLERS},
    "reporting:api-intelligence-detail": READ_ONLY,
    "reporting:api-intelligence-triage": {"POST": TEAM},
    "reporting:api-intelligence-promote": {"POST": TEAM},
    # training: the matrix assignment is the staff persona's; the matrix drill is planned and
    # coordinated by nobody among the personas (the handler takes part in it)
    "training:my": READ_ONLY,
    "training:assignment": READ_ONLY,
    "training:certificate": READ_ONLY,
    "training:material_file": READ_ONLY,
    "training:plan": READ_ONLY,
    "training:plan_export": READ_ONLY,
    "training:course_progress": READ_ONLY,
    "training:drill": READ_ONLY,
    "training:drill_report": READ_ONLY,
    "training:mark_read": {"POST": OWNER_STAFF},
    "training:acknowledge": {"POST": OWNER_STAFF},
    "training:quiz_start": {"POST": OWNER_STAFF},
    "training:quiz": {"POST": OWNER_STAFF},
    "training:feedback": {"POST": OWNER_STAFF},
    "training:plans": {"POST": OFFICERS},
    "training:plan_approve": {"POST": OFFICERS},
    "training:plan_evaluate": {"POST": OFFICERS},
    "training:course_create": {"POST": OFFICERS},
    "training:course": {"POST": OFFICERS},
    "training:course_publish": {"POST": OFFICERS},
    "training:drills": {"POST": OFFICERS},
    "training:campaigns": {"POST": OFFICERS},
    "training:campaign": READ_ONLY,
    "training:campaign_launch": {"POST": OFFICERS},
    # Recipients confirm; auditors read only, and the other team's handler joined after it ran.
    "training:campaign_acknowledge": {"POST": allow("staff", "handler", "officer", "admin")},
    "training:drill_start": {"POST": OFFICERS},
    "training:drill_assess": {"POST": OFFICERS},
    # a drill's participants record findings (the handler persona takes part; observers do not)
    "training:drill_finding": {"POST": allow("handler", "officer", "admin")},
    "training:drill_complete": {"POST": OFFICERS},
    "training:drill_cancel": {"POST": OFFICERS},
    "training:api-plan-list": READ_ONLY,
    "training:api-plan-detail": READ_ONLY,
    "training:api-plan-approve": {"POST": OFFICERS},
    "training:api-course-list": READ_ONLY,
    "training:api-course-detail": READ_ONLY,
    "training:api-assignment-list": READ_ONLY,
    "training:api-assignment-detail": READ_ONLY,
    "training:api-assignment-mark-read": {"POST": OWNER_STAFF},
    "training:api-assignment-acknowledge": {"POST": OWNER_STAFF},
    "training:api-assignment-quiz-start": {"POST": OWNER_STAFF},
    "training:api-assignment-quiz-submit": {"POST": OWNER_STAFF},
    "training:api-assignment-feedback": {"POST": OWNER_STAFF},
    "training:api-drill-list": READ_ONLY,
    "training:api-drill-detail": READ_ONLY,
    "training:api-drill-start": {"POST": OFFICERS},
}


def _drill(d):
    return {"pk": d.drill.pk}


# Path parameters that differ from the GET matrix's (rbac.ARGS) for a write, or per variant.
WRITE_ARGS = {
    **{
        f"governance:medium-use-{action}": lambda d: {
            "pk": d.medium_request.medium_id,
            "request_pk": d.medium_request.pk,
        }
        for action in ("approve", "refuse", "return")
    },
    **{
        f"governance:medium-handover-{action}": lambda d: {
            "pk": d.medium_handover.medium_id,
            "handover_pk": d.medium_handover.pk,
        }
        for action in ("confirm", "decline")
    },
    "governance:registration-approve": lambda d: {"pk": d.registration.pk},
    "governance:registration-refuse": lambda d: {"pk": d.registration.pk},
    "governance:api-registration-detail": lambda d: {"pk": d.registration.pk},
    "governance:api-registration-approve": lambda d: {"pk": d.registration.pk},
    "governance:api-action-item-detail": lambda d: {"pk": d.action_item.pk},
    "integrations:alert-detail": lambda d: {"pk": d.alert.pk},
    "integrations:alert-promote": lambda d: {"pk": d.alert.pk},
    "integrations:alert-merge": lambda d: {"pk": d.alert.pk},
    "integrations:alert-dismiss": lambda d: {"pk": d.alert.pk},
    "integrations:api-alert-detail": lambda d: {"pk": d.alert.pk},
    "integrations:api-alert-promote": lambda d: {"pk": d.alert.pk},
    "integrations:api-alert-merge": lambda d: {"pk": d.alert.pk},
    "integrations:api-alert-dismiss": lambda d: {"pk": d.alert.pk},
    "integrations:webhook-detail": lambda d: {"pk": d.subscription.pk},
    "integrations:webhook-update": lambda d: {"pk": d.subscription.pk},
    "integrations:webhook-enable": lambda d: {"pk": d.subscription.pk},
    "integrations:webhook-disable": lambda d: {"pk": d.subscription.pk},
    "governance:action-item-done": lambda d: {
        "pk": d.action_item.meeting_id,
        "item_pk": d.action_item.pk,
    },
    "integrations:api-webhook-detail": lambda d: {"pk": d.subscription.pk},
    "integrations:api-webhook-deliveries": lambda d: {"pk": d.subscription.pk},
    "integrations:api-webhook-enable": lambda d: {"pk": d.subscription.pk},
    "integrations:api-webhook-disable": lambda d: {"pk": d.subscription.pk},
    "integrations:alert-intake": lambda d: {"source": d.alert_source.slug},
    "training:drill_start": _drill,
    "training:drill_finding": _drill,
    "training:drill_complete": _drill,
    "training:drill_cancel": _drill,
    "training:drill_assess": lambda d: {
        "pk": d.drill.pk,
        "objective": d.drill.objectives.first().pk,
    },
    "training:api-drill-start": _drill,
    "training:api-drill-detail": _drill,
}


def _with_action(kwargs_of, action):
    return lambda d: {**kwargs_of(d), "action": action}


VARIANT_ARGS = {
    **{
        ("incidents:transition", f"POST {a}"): _with_action(lambda d: {"pk": d.incident.pk}, a)
        for a in ("start", "resolve", "summarise", "close")
    },
    **{
        ("incidents:rectification-action", f"POST {a}"): _with_action(
            lambda d: {"item_pk": d.rectification.pk}, a
        )
        for a in ("complete", "verify", "reject")
    },
    ("incidents:rectification-action", "POST complete-own"): lambda d: {
        "item_pk": d.staff_item.pk,
        "action": "complete",
    },
    **{
        ("reporting:report-action", f"POST {a}"): _with_action(
            lambda d: {"pk": d.version.report_id}, a
        )
        for a in ("request-approval", "new-version", "cancel", "approve", "reject")
    },
}


def _meeting(action, **extra):
    return lambda d: {"action": action, **{k: v(d) if callable(v) else v for k, v in extra.items()}}


def _pdf():
    return _file("matrix.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


COMMENT = {"comment": "矩阵"}
REASON = {"reason": "矩阵"}

# Request bodies (a dict, or a callable on the dataset). Unlisted: empty.
BODIES = {
    ("governance:counterparty-new", "POST"): {
        "kind": "operating",
        "name": "矩阵合作方",
        "credit_code": "914403001922038216",
    },
    ("governance:agreement-new", "POST"): lambda d: {
        "title": "矩阵协议",
        "counterparty": d.pk("governance.Counterparty"),
        "scope": "external",
        "firm_role": "provider",
        "counterparty_role": "recipient",
        "starts_on": _date(0),
        "ends_on": _date(300),
        "max_data_level": 2,
        "max_sharing_tier": "restricted",
        "area": "controlled",
        "data_categories": "矩阵",
        "permissions": "只读",
        "firm_responsibilities": "矩阵",
        "counterparty_responsibilities": "矩阵",
    },
    ("governance:meeting-new", "POST"): lambda d: {
        "kind": "quarterly_security",
        "title": "矩阵会议",
        "scheduled_at": _soon(7),
        "duration_minutes": 60,
        "organiser": d.personas["officer"].pk,
    },
    ("governance:medium-create", "POST"): lambda d: {
        "name": "矩阵介质",
        "kind": "optical",
        "custodian": d.users["handler"].pk,
        "ownership": "firm",
        "area": "controlled",
        "max_level": 2,
        "check_interval_days": 90,
        "backup_note": "矩阵备份",
    },
    ("governance:medium-liability", "POST"): lambda d: {"file": _pdf()},
    ("governance:medium-check", "POST"): lambda d: {"checked_on": _date(0), "result": "passed"},
    ("governance:medium-use-request", "POST"): lambda d: {
        "purpose": "矩阵",
        "items": [d.catalogue_item.pk],
        "needed_from": _date(0),
        "return_by": _date(1),
    },
    ("governance:medium-use-approve", "POST"): COMMENT,
    ("governance:medium-use-refuse", "POST"): COMMENT,
    ("governance:medium-handover", "POST"): lambda d: {
        "to_user": d.users["handler2"].pk,
        "reason": "矩阵",
    },
    ("governance:medium-handover-decline", "POST"): COMMENT,
    ("governance:medium-dispose", "POST"): lambda d: {
        "method": "粉碎",
        "witness": d.users["compliance2"].pk,
        "disposed_on": _date(0),
        "certificate": _pdf(),
    },
    ("governance:evaluation-create", "POST"): lambda d: {
        "title": "矩阵评估",
        "period_start": _date(-30),
        "period_end": _date(0),
    },
    ("governance:evaluation-update", "POST"): lambda d: {
        "title": "矩阵评估",
        "period_start": _date(-30),
        "period_end": _date(0),
    },
    ("governance:evaluation-member-add", "POST"): lambda d: {
        "user": d.users["staff2"].pk,
        "layer": "execution",
    },
    ("governance:evaluation-scope-add", "POST"): {"category": "矩阵", "source": "矩阵"},
    ("governance:evaluation-measure-add", "POST"): lambda d: {
        "name": "矩阵",
        "method": "矩阵",
        "risks": "矩阵",
        "rollback": "矩阵",
        "contingency": "矩阵",
        "supervision": "矩阵",
        "supervisor": d.users["compliance"].pk,
    },
    ("governance:evaluation-plan-approve", "POST"): COMMENT,
    ("governance:evaluation-plan-return", "POST"): COMMENT,
    ("governance:evaluation-report-return", "POST"): COMMENT,
    ("governance:evaluation-monitor", "POST"): {"kind": "progress", "note": "矩阵"},
    ("governance:period-detail", "POST"): lambda d: {
        "description": "矩阵",
        "evidence_on": _date(0),
        "url": "https://example.com/evidence",
    },
    ("governance:agreement-document", "POST"): lambda d: {"document": _pdf()},
    ("governance:agreement-approve", "POST"): COMMENT,
    ("governance:agreement-return", "POST"): COMMENT,
    ("governance:agreement-terminate", "POST"): COMMENT,
    ("governance:agreement-suspend", "POST"): COMMENT,
    ("governance:agreement-resume", "POST"): COMMENT,
    ("governance:api-agreement-suspend", "POST"): REASON,
    ("governance:api-agreement-resume", "POST"): {"note": "矩阵"},
    ("governance:registration-approve", "POST"): COMMENT,
    ("governance:registration-refuse", "POST"): COMMENT,
    # The page validates the checksum's form before the service asks the policy.
    ("governance:sharing-request-checksum", "POST"): {"checksum": "a" * 64},
    ("governance:meeting-minutes", "POST"): _meeting("minutes", minutes="矩阵纪要"),
    ("governance:meeting-held", "POST"): _meeting(
        "held", present=lambda d: [d.users["handler"].pk], held_at=lambda d: _soon(-1)
    ),
    ("governance:meeting-decision", "POST"): _meeting("decision", text="矩阵决定"),
    ("governance:meeting-action-item", "POST"): _meeting(
        "action_item",
        title="矩阵行动",
        owner=lambda d: d.users["staff"].pk,
        due_on=lambda d: _date(30),
    ),
    ("governance:meeting-attachment", "POST"): _meeting("attachment", file=lambda d: _pdf()),
    ("governance:api-agreement-approve", "POST"): COMMENT,
    ("governance:api-registration-approve", "POST"): COMMENT,
    ("incidents:grade", "POST"): {"grade": "IV", "reason": "矩阵"},
    ("incidents:transition", "POST summarise"): {"summary": "矩阵总结"},
    ("incidents:timeline-add", "POST"): lambda d: {"kind": "note", "at": _soon(-1), "text": "矩阵"},
    ("incidents:task-add", "POST"): lambda d: {"title": "矩阵任务", "due_at": _soon()},
    ("incidents:task-state", "POST"): {"state": "done"},
    ("incidents:comment-add", "POST"): {"body": "矩阵"},
    ("incidents:evidence-upload", "POST"): lambda d: {"file": _file(), "description": "矩阵"},
    ("incidents:custody-add", "POST"): {"note": "矩阵"},
    ("incidents:rectification-add", "POST"): lambda d: {"title": "矩阵整改", "due_at": _soon(30)},
    **{
        ("incidents:rectification-action", k): {"note": "矩阵"}
        for k in ("POST complete", "POST verify", "POST reject", "POST complete-own")
    },
    ("incidents:concern-promote", "POST"): {"category": "data_security", "title": "矩阵"},
    ("incidents:concern-close", "POST"): REASON,
    ("incidents:api-incident-reporting-fact", "POST"): {"fact": "service_restored"},
    ("incidents:api-incident-grade", "POST"): {"grade": "IV", "reason": "矩阵"},
    ("incidents:api-incident-transition", "POST"): {"action": "start"},
    ("incidents:api-incident-timeline", "POST"): {"kind": "note", "text": "矩阵"},
    ("incidents:api-incident-tasks", "POST"): {"title": "矩阵任务"},
    ("incidents:api-concern-close", "POST"): REASON,
    ("incidents:api-concern-promote", "POST"): {"category": "data_security"},
    ("integrations:alert-promote", "POST"): {"category": "malware"},
    ("integrations:alert-merge", "POST"): lambda d: {"incident": d.incident.pk},
    ("integrations:alert-dismiss", "POST"): REASON,
    ("integrations:webhook-update", "POST"): {
        "name": "矩阵",
        "url": "https://hooks.example.com/matrix",
        "events": ["incident.created"],
    },
    ("integrations:alert-intake", "POST"): {"id": "matrix-2", "title": "未签名"},
    ("integrations:api-alert-dismiss", "POST"): REASON,
    ("integrations:api-alert-merge", "POST"): lambda d: {"incident": d.incident.pk},
    ("integrations:api-alert-promote", "POST"): {"category": "malware"},
    ("reporting:report-action", "POST approve"): COMMENT,
    ("reporting:report-action", "POST reject"): COMMENT,
    ("reporting:report-action", "POST new-version"): REASON,
    ("reporting:report-action", "POST cancel"): REASON,
    ("reporting:api-report-approve", "POST"): COMMENT,
    ("reporting:api-report-reject", "POST"): COMMENT,
    ("reporting:api-report-new-version", "POST"): REASON,
    ("reporting:api-report-cancel", "POST"): REASON,
    ("reporting:intel-detail", "POST"): lambda d: {"incident": d.incident.pk},
    ("reporting:api-intelligence-triage", "POST"): lambda d: {"incident": d.incident.pk},
    ("training:feedback", "POST"): {"rating": "5", "comments": "矩阵"},
    ("training:api-assignment-feedback", "POST"): {"rating": 5, "comments": "矩阵"},
    ("training:plan_evaluate", "POST"): {"conclusion": "矩阵", "improvements": "矩阵"},
    ("training:course", "POST"): {"form": "question", "text": "矩阵?", "kind": "single"},
    ("training:drill_assess", "POST"): {"result": "met", "notes": "矩阵"},
    ("training:drill_finding", "POST"): lambda d: {
        "description": "矩阵发现",
        "owner": d.users["staff"].pk,
        "due_at": _soon(30),
    },
    ("training:drill_complete", "POST"): {"summary": "矩阵总结"},
    ("incidents:concern-message", "POST"): {"body": "矩阵"},
    ("incidents:plan-new", "POST"): lambda d: {
        "scenario": "other",
        "title": "矩阵预案",
        "responsible_leader": d.users["compliance"].pk,
        "review_interval_days": 365,
        "body": "矩阵",
    },
    ("incidents:plan-draft", "POST"): {"body": "矩阵", "change_list": "矩阵"},
    ("incidents:plan-propose", "POST"): {"description": "矩阵", "origin": "other"},
    ("incidents:plan-approve", "POST"): lambda d: {"effective_on": _date(0)},
    ("incidents:plan-change-reject", "POST"): {"note": "矩阵"},
    ("governance:meeting-adopt", "POST"): {"kind": "process", "text": "矩阵"},
    ("training:campaigns", "POST"): lambda d: {
        "topic": "矩阵",
        "message": "矩阵",
        "channel": "email",
        "starts_on": _date(0),
        "ends_on": _date(7),
        "audience_all": "on",
    },
    ("training:drill_cancel", "POST"): REASON,
}


def add_write_objects(d):
    """What the demo firm lacks for the writes to reach a real object: a sharing registration
    waiting for an officer (requested by the handler), an alert in the triage queue (through the
    signed intake), a webhook subscription (owned by the officer), an action item (owned by a
    colleague, on the officer's meeting), a rectification item owned by the staff persona, and
    the planned drill that no matrix persona coordinates. Kept out of the GET matrix's dataset,
    whose rows were decided without them."""
    import json

    from governance import services as governance
    from governance.models import ActionItem, CooperationAgreement, Meeting
    from incidents.models import RectificationItem
    from integrations import intake
    from integrations import services as integrations
    from integrations.models import AlertSource
    from training.models import Drill

    agreement = CooperationAgreement.objects.order_by("pk").first()
    d.registration = governance.sharing_registration_create(
        counterparty=agreement.counterparty,
        agreement=agreement,
        dataset="矩阵测试数据集",
        purpose="权限矩阵",
        data_level=1,
        sharing_tier=agreement.max_sharing_tier,
        is_bulk_one_time=True,
        record_count=10,
        actor=d.users["handler"],
    )
    d.alert_source = AlertSource.objects.create(name="矩阵 SIEM", slug="matrix-siem")
    body = json.dumps({"id": "matrix-1", "title": "可疑外发"}).encode()
    stamp = str(int(timezone.now().timestamp()))
    d.alert, _created = integrations.alert_receive(
        source_slug=d.alert_source.slug,
        body=body,
        timestamp=stamp,
        signature=intake.compute_signature(d.alert_source.secret, stamp, body),
    )
    d.subscription = integrations.subscription_create(
        actor=d.users["compliance"],
        name="矩阵",
        url="https://hooks.example.com/matrix",
        events=["incident.created"],
    )
    meeting = Meeting.objects.order_by("pk").first()
    d.action_item = ActionItem.objects.create(
        meeting=meeting, title="矩阵行动项", owner=d.users["staff2"], due_on=_date(30)
    )
    d.staff_item = RectificationItem.objects.create(
        incident=d.incident,
        title="矩阵整改（员工）",
        owner=d.users["staff"],
        due_at=timezone.now() + datetime.timedelta(days=30),
        created_by=d.users["compliance"],
    )
    personas = {u.pk for u in d.personas.values()} | {d.other_handler.pk}
    d.drill = (
        Drill.objects.filter(status="planned")
        .exclude(coordinator__in=personas)
        .order_by("pk")
        .first()
    )
    # A catalogue item and a loan waiting for an officer (the handler persona asks to use the
    # matrix medium), and the demo's handover awaiting its receiver.
    from governance.models import CatalogueItem, CatalogueVersion, MediumHandover, SharingMedium
    from governance.services import media as media_services

    d.catalogue_item = CatalogueItem.objects.filter(data_level=1).order_by("pk").first()
    if d.catalogue_item is None:
        number = (
            CatalogueVersion.objects.order_by("-number").values_list("number", flat=True).first()
            or 0
        ) + 1
        version = CatalogueVersion.objects.create(
            number=number, title="矩阵目录", created_by=d.users["compliance"]
        )
        d.catalogue_item = CatalogueItem.objects.create(
            version=version,
            code="MATRIX1",
            name_zh="矩阵数据项",
            definition="矩阵",
            data_type="text",
            business_category="矩阵",
            data_level=1,
            sharing_tier="public",
        )
    medium = SharingMedium.objects.order_by("pk").first()
    d.medium_request = media_services.medium_use_request(
        medium=medium,
        actor=d.users["handler"],
        purpose="权限矩阵",
        items=[d.catalogue_item],
        needed_from=timezone.localdate(),
        return_by=timezone.localdate() + datetime.timedelta(days=1),
    )
    d.medium_handover = MediumHandover.objects.filter(state="pending").order_by("pk").first()
    return d
