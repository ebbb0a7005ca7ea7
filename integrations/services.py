"""Writes. Keyword-only arguments, one transaction each; expected failures raise
ApplicationError with a message a user can read."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit.context import acting_as
from core import net
from core.errors import ApplicationError
from notifications.models import Outbox, WebhookEndpoint
from notifications.services import notify

from . import exports, intake, webhooks, work_clocks
from .intake import AlertRejected
from .models import (
    TOKEN_PREFIX,
    Alert,
    AlertReceipt,
    AlertSource,
    ApiToken,
    Event,
    PeriodExport,
    WebhookSubscription,
    hash_token,
)

# last_used_at is written at most this often per token (an API client may call many times a
# second; the column says "in use lately", not an access log).
TOKEN_TOUCH_SECONDS = 60


# --- API tokens -----------------------------------------------------------------------------


def token_create(*, user, name: str, scope: str, expires_at=None) -> tuple[ApiToken, str]:
    """Create a token; returns it and the raw secret, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name."))
    if len(name) > 100:
        raise ApplicationError(_("The name is too long (at most 100 characters)."))
    if scope not in ApiToken.Scope.values:
        raise ApplicationError(_("Choose read-only or read-write."))
    if scope != ApiToken.Scope.READ:
        policy.require(user, "integrations.token.write_scope")
    if not user.is_active:
        raise ApplicationError(_("An inactive user cannot hold API tokens."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(_("The expiry must be in the future."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic(), acting_as(user):
        if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
            raise ApplicationError(_("You already have an active token with this name."))
        token = ApiToken.objects.create(
            user=user,
            name=name,
            scope=scope,
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            token_hash=hash_token(raw),
            expires_at=expires_at,
        )
    return token, raw


def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """The owner revokes their token (an administrator may revoke anyone's)."""
    policy.require(actor, "integrations.token.revoke", token)
    with transaction.atomic(), acting_as(actor):
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ApplicationError(_("This token is already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token with this secret (owner loaded), or None. Records the last use."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.active().select_related("user").filter(token_hash=hash_token(raw))
    token = token.first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(
        seconds=TOKEN_TOUCH_SECONDS
    ):
        # A plain UPDATE: the last use is bookkeeping, not a change to audit.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Alert intake and triage ----------------------------------------------------------------


def alert_receive(
    *, source_slug: str, body: bytes, timestamp: str, signature: str, now=None
) -> tuple[Alert, bool]:
    """Verify a signed alert and put it in the triage queue. Returns (alert, created): the same
    alert id from the same source again updates the existing item (times received)."""
    now = now or timezone.now()
    source = AlertSource.objects.filter(slug=source_slug, active=True).first()
    if source is None:
        # Same answer as a bad signature: do not tell strangers which sources exist.
        raise AlertRejected(_("The signature does not match."), status=401, code="bad_signature")
    digest = intake.verify(
        secret=source.secret, timestamp=timestamp, signature=signature, body=body, now=now
    )
    fields = intake.parse_payload(body)
    external_id = fields.pop("external_id")
    with transaction.atomic():
        try:
            with transaction.atomic():
                AlertReceipt.objects.create(source=source, signature=digest, received_at=now)
        except IntegrityError:
            raise AlertRejected(
                _("This request was already received (replay)."), status=409, code="replay"
            )
        alert = (
            Alert.objects.select_for_update().filter(source=source, external_id=external_id).first()
        )
        created = False
        if alert is None:
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        source=source,
                        external_id=external_id,
                        received_at=now,
                        last_received_at=now,
                        **fields,
                    )
                    created = True
            except IntegrityError:  # the same alert arrived concurrently
                alert = Alert.objects.select_for_update().get(
                    source=source, external_id=external_id
                )
        if not created:
            Alert.objects.filter(pk=alert.pk).update(
                times_received=F("times_received") + 1, last_received_at=now
            )
            alert.refresh_from_db()
        else:
            work_clocks.alert_arrived(alert=alert)
    return alert, created


def receipts_prune(*, now=None) -> int:
    """Receipts older than the freshness window can go: such a request is refused as stale."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=2 * intake.ALERT_MAX_AGE_SECONDS)
    deleted, _rows = AlertReceipt.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def _lock_new(alert) -> Alert:
    alert = Alert.objects.select_for_update().select_related("source").get(pk=alert.pk)
    if alert.state != Alert.State.NEW:
        raise ApplicationError(
            _("This alert was already handled (%(state)s).") % {"state": alert.get_state_display()}
        )
    return alert


def _alert_text(alert) -> str:
    lines = [
        _("Monitoring alert %(id)s from %(source)s (severity: %(severity)s).")
        % {
            "id": alert.external_id,
            "source": alert.source.name,
            "severity": alert.get_severity_display(),
        }
    ]
    if alert.description:
        lines.append(alert.description)
    if alert.link:
        lines.append(alert.link)
    return "\n".join(lines)


def alert_promote(
    *, alert: Alert, actor, title: str = "", category: str = "", assignee=None
) -> Alert:
    """Open an incident from the alert (through the incidents app's own service)."""
    from incidents import services as incident_services
    from incidents.models import Incident

    policy.require(actor, "integrations.alert.triage", alert)
    with transaction.atomic(), acting_as(actor):
        alert = _lock_new(alert)
        category = category or alert.category or alert.source.default_category
        if not category:
            raise ApplicationError(_("Choose the incident category."))
        discovered_at = min(alert.received_at, timezone.now())
        occurred_at = alert.occurred_at
        if occurred_at and occurred_at > discovered_at:
            occurred_at = None
        incident = incident_services.incident_create(
            title=(title or alert.title).strip()[:200],
            category=category,
            source=Incident.Source.INTERNAL,
            discovered_at=discovered_at,
            occurred_at=occurred_at,
            description=_alert_text(alert),
            assignee=assignee or actor,
            actor=actor,
        )
        alert.state = Alert.State.PROMOTED
        alert.incident = incident
        alert.handled_by = actor
        alert.handled_at = timezone.now()
        alert.save(update_fields=["state", "incident", "handled_by", "handled_at"])
        work_clocks.alert_handled(alert=alert)
    return alert


def alert_merge(*, alert: Alert, incident, actor) -> Alert:
    """Attach the alert to an existing case: a timeline entry on the case records it."""
    from incidents import services as incident_services
    from incidents.models import Incident

    policy.require(actor, "integrations.alert.triage", alert)
    with transaction.atomic(), acting_as(actor):
        alert = _lock_new(alert)
        if not Incident.objects.visible_to(actor).filter(pk=incident.pk).exists():
            raise ApplicationError(_("You cannot see that incident."))
        if incident.status == Incident.Status.CLOSED:
            raise ApplicationError(_("A closed incident cannot take more alerts."))
        incident_services.timeline_add(
            incident=incident,
            actor=actor,
            text=_("Alert merged into this case: %(text)s") % {"text": _alert_text(alert)},
        )
        alert.state = Alert.State.MERGED
        alert.incident = incident
        alert.handled_by = actor
        alert.handled_at = timezone.now()
        alert.save(update_fields=["state", "incident", "handled_by", "handled_at"])
        work_clocks.alert_handled(alert=alert)
    return alert


def alert_dismiss(*, alert: Alert, actor, reason: str) -> Alert:
    policy.require(actor, "integrations.alert.triage", alert)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for dismissing the alert."))
    with transaction.atomic(), acting_as(actor):
        alert = _lock_new(alert)
        alert.state = Alert.State.DISMISSED
        alert.dismiss_reason = reason
        alert.handled_by = actor
        alert.handled_at = timezone.now()
        alert.save(update_fields=["state", "dismiss_reason", "handled_by", "handled_at"])
        work_clocks.alert_handled(alert=alert)
    return alert


# --- Webhook subscriptions ------------------------------------------------------------------


def _clean_subscription(*, name: str, url: str, events) -> tuple[str, str, list[str]]:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the subscription a name."))
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ApplicationError(_("Enter an http(s) URL."))
    if len(url) > 500:
        raise ApplicationError(_("The URL is too long."))
    refused = net.check_url(url)
    if refused:
        raise ApplicationError(refused)
    events = list(dict.fromkeys(events or []))
    unknown = [e for e in events if e not in Event.values]
    if unknown:
        raise ApplicationError(
            _("Unknown events: %(events)s.") % {"events": ", ".join(map(str, unknown))}
        )
    if not events:
        raise ApplicationError(_("Choose at least one event."))
    return name[:100], url, events


def subscription_create(*, actor, name: str, url: str, events) -> WebhookSubscription:
    policy.require(actor, "integrations.subscription.create")
    name, url, events = _clean_subscription(name=name, url=url, events=events)
    with transaction.atomic(), acting_as(actor):
        subscription = WebhookSubscription(name=name, url=url, events=events, owner=actor)
        # The outbox endpoint is inactive: reminder steps post to active endpoints only, and
        # this one receives the subscription's events alone.
        subscription.endpoint = WebhookEndpoint.objects.create(
            name=f"webhook {uuid.uuid4().hex[:8]}: {name}"[:100],
            url=url,
            style=WebhookEndpoint.Style.GENERIC,
            secret=subscription.secret,
            active=False,
        )
        subscription.save()
    return subscription


def subscription_update(
    *, subscription: WebhookSubscription, actor, name: str, url: str, events
) -> WebhookSubscription:
    policy.require(actor, "integrations.subscription.change", subscription)
    name, url, events = _clean_subscription(name=name, url=url, events=events)
    with transaction.atomic(), acting_as(actor):
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.name, subscription.url, subscription.events = name, url, events
        subscription.save(update_fields=["name", "url", "events"])
        WebhookEndpoint.objects.filter(pk=subscription.endpoint_id).update(url=url)
    return subscription


def subscription_set_active(
    *, subscription: WebhookSubscription, actor, active: bool, reason: str = ""
) -> WebhookSubscription:
    """Enable or disable by hand; re-enabling forgets earlier failures."""
    policy.require(actor, "integrations.subscription.change", subscription)
    with transaction.atomic(), acting_as(actor):
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.active = active
        subscription.disabled_at = None if active else timezone.now()
        subscription.disabled_reason = "" if active else (reason or _("Disabled by an officer."))
        if active:
            # Failures before this point no longer count towards disabling it again.
            last = subscription.endpoint.outbox.order_by("-id").values_list("id", flat=True)
            subscription.failures_counted_after = last.first() or 0
        subscription.save(
            update_fields=["active", "disabled_at", "disabled_reason", "failures_counted_after"]
        )
    return subscription


def _consecutive_dead(subscription) -> list[Outbox]:
    """The latest finished deliveries that failed for good, newest first, up to the last
    success (or the last re-enabling)."""
    dead = []
    finished = subscription.endpoint.outbox.filter(
        state__in=[Outbox.State.SENT, Outbox.State.DEAD], pk__gt=subscription.failures_counted_after
    ).order_by("-id")
    for row in finished[: webhooks.disable_after() + 1]:
        if row.state != Outbox.State.DEAD:
            break
        dead.append(row)
    return dead


def subscriptions_check() -> list[WebhookSubscription]:
    """Disable every active subscription whose last deliveries all failed permanently."""
    limit = webhooks.disable_after()
    disabled = []
    for subscription in WebhookSubscription.objects.filter(active=True).select_related("endpoint"):
        dead = _consecutive_dead(subscription)
        if len(dead) < limit:
            continue
        with transaction.atomic():
            disabled_at = timezone.now()
            changed = WebhookSubscription.objects.filter(pk=subscription.pk, active=True).update(
                active=False,
                disabled_at=disabled_at,
                disabled_reason=_(
                    "Disabled after %(count)d deliveries in a row failed permanently; last "
                    "error: %(error)s"
                )
                % {"count": len(dead), "error": dead[0].last_error[:300]},
            )
            if changed:
                subscription.refresh_from_db()
                disabled.append(subscription)
                notify(
                    recipients=[subscription.owner],
                    subject=_("Webhook “%(name)s” disabled") % {"name": subscription.name},
                    body=subscription.disabled_reason,
                    url=reverse("integrations:webhook-detail", args=[subscription.pk]),
                    channels=("inapp", "email"),
                    dedupe_key=f"integrations:webhook:{subscription.pk}:disabled:"
                    f"{disabled_at.isoformat()}",
                )
    return disabled


# --- Exports --------------------------------------------------------------------------------


MAX_EXPORT_DAYS = 3660


def period_export(*, actor, date_from, date_to, out) -> PeriodExport:
    """Write the period's archive to `out` (a path) and record who took it and its hash."""
    policy.require(actor, "integrations.period.export")
    if date_from is None or date_to is None or date_from > date_to:
        raise ApplicationError(_("The period must start on or before its last day."))
    if (date_to - date_from).days > MAX_EXPORT_DAYS:
        raise ApplicationError(_("Export at most ten years at a time."))
    who = actor.get_username() if policy.person(actor) is not None else ""
    manifest = exports.write_export(out, date_from=date_from, date_to=date_to, generated_by=who)
    sha = hashlib.sha256()
    size = 0
    with open(out, "rb") as archive:
        for block in iter(lambda: archive.read(1 << 20), b""):
            sha.update(block)
            size += len(block)
    with transaction.atomic(), acting_as(actor):
        return PeriodExport.objects.create(
            requested_by=policy.person(actor),
            date_from=date_from,
            date_to=date_to,
            sha256=sha.hexdigest(),
            size=size,
            manifest=manifest,
        )
