"""Writes on the outbox and the inbox."""

import hashlib
import uuid
from datetime import datetime, timedelta

from django.db import connections, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

from . import conf
from .dispatch import enqueue_on_commit
from .models import CalendarFeed, Channel, InboxItem, Outbox, WebhookEndpoint, new_feed_token

USER_CHANNELS = {Channel.INAPP, Channel.EMAIL}


def make_key(*parts) -> str:
    key = ":".join(str(p) for p in parts)
    if len(key) > 255:
        key = key[:190] + "#" + hashlib.sha256(key.encode()).hexdigest()
    return key


def user_language(user) -> str:
    return getattr(user, "preferred_language", "") or "zh-hans"


def _text(value, language) -> str:
    with translation.override(language):
        return str(value)


def build_rows(
    *,
    key_prefix: str,
    recipients,
    channels,
    subject,
    body,
    url: str,
    scheduled_for: datetime,
    endpoints=None,
    now: datetime,
    valid_until: datetime | None = None,
    late_subject=None,
    late_body=None,
    mentions=(),
    **extra,
) -> list[Outbox]:
    """Unsaved outbox rows: one per (recipient, user channel) and one per active webhook
    endpoint when "webhook" is among the channels. `subject`/`body` may be lazy texts or
    callables (language -> text): they are rendered in each recipient's language."""
    requeue_at = now + timedelta(seconds=conf.get("NOTIFICATIONS_REQUEUE_SECONDS"))
    rows = []

    def render(value, language):
        if value is None:
            return ""
        return value(language) if callable(value) else _text(value, language)

    def late(language) -> dict:
        if valid_until is None:
            return {}
        return {
            "valid_until": valid_until,
            "late_subject": render(late_subject, language)[:300],
            "late_body": render(late_body, language),
        }

    for user in recipients:
        language = user_language(user)
        for channel in channels:
            if channel not in USER_CHANNELS:
                continue
            if channel == Channel.EMAIL and not user.email:
                continue
            rows.append(
                Outbox(
                    key=make_key(key_prefix, channel, f"u{user.pk}"),
                    channel=channel,
                    recipient_id=user.pk,
                    language=language,
                    subject=render(subject, language)[:300],
                    body=render(body, language),
                    url=url or "",
                    scheduled_for=scheduled_for,
                    next_attempt_at=requeue_at,
                    **late(language),
                    **extra,
                )
            )
    if Channel.WEBHOOK in channels:
        from django.conf import settings

        language = settings.LANGUAGE_CODE
        if endpoints is None:
            endpoints = list(WebhookEndpoint.objects.filter(active=True))
        mobiles = ",".join(sorted({m for m in mentions if m}))[:500]
        for endpoint in endpoints:
            rows.append(
                Outbox(
                    key=make_key(key_prefix, Channel.WEBHOOK, f"w{endpoint.pk}"),
                    channel=Channel.WEBHOOK,
                    endpoint=endpoint,
                    mentions=mobiles,
                    language=language,
                    subject=render(subject, language)[:300],
                    body=render(body, language),
                    url=url or "",
                    scheduled_for=scheduled_for,
                    next_attempt_at=requeue_at,
                    **late(language),
                    **extra,
                )
            )
    return rows


def _insert_copied(rows: list[Outbox], connection) -> list[int]:
    """PostgreSQL: COPY the rows into a temporary table, INSERT … SELECT from it ON CONFLICT
    (key) DO NOTHING, then the ids of the keys still pending. What bulk_create(
    ignore_conflicts=True) does, without preparing and quoting every value of every row one at
    a time in Python (most of a sweep's time for a burst of due steps): COPY formats the rows
    in psycopg's C code and sends them as one stream."""
    import psycopg

    now = timezone.now()
    fields = [f for f in Outbox._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(Outbox._meta.db_table)
    stage = quote(f"{Outbox._meta.db_table}_stage")
    # A cursor of psycopg's own on the same connection, hence in the same transaction (the
    # temporary table lives until that transaction commits).
    with (
        transaction.atomic(using=connection.alias),
        psycopg.Cursor(connection.connection) as cursor,
    ):
        # Identifiers quoted by the connection, every value sent as COPY data.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP "  # noqa: S608
            f"AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {stage}")  # noqa: S608
        with cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:  # noqa: S608
            for row in rows:
                row.created_at = now
                copy.write_row([getattr(row, name) for name in names])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608
            "ON CONFLICT (key) DO NOTHING"
        )
        pending = f"SELECT id FROM {table} WHERE key = ANY(%s) AND state = %s"  # noqa: S608
        cursor.execute(
            f"{pending} ORDER BY id",
            [[row.key for row in rows], str(Outbox.State.PENDING)],
        )
        return [r[0] for r in cursor.fetchall()]


def outbox_insert(rows: list[Outbox]) -> list[int]:
    """Insert rows, silently skipping keys that exist; returns the ids of the rows that are
    still waiting for delivery, and enqueues them when the transaction commits."""
    if not rows:
        return []
    connection = connections[router.db_for_write(Outbox)]
    if connection.vendor == "postgresql":
        ids = []
        for start in range(0, len(rows), 5000):
            ids.extend(_insert_copied(rows[start : start + 5000], connection))
    else:
        Outbox.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        keys = [r.key for r in rows]
        ids = list(
            Outbox.objects.filter(key__in=keys, state=Outbox.State.PENDING)
            .order_by("id")
            .values_list("id", flat=True)
        )
    enqueue_on_commit(ids)
    return ids


def notify(
    *,
    recipients,
    subject,
    body="",
    url: str = "",
    channels=(Channel.INAPP, Channel.EMAIL),
    dedupe_key: str | None = None,
) -> list[int]:
    """Send an ad-hoc notification through the outbox. With a `dedupe_key`, each (recipient,
    channel) receives it at most once, however often this is called. Call it inside your own
    transaction: the rows commit with your change and are delivered after the commit."""
    channels = tuple(channels)
    unknown = set(channels) - set(Channel.values)
    if unknown:
        raise ApplicationError(
            _("Unknown notification channel: %(channels)s.")
            % {"channels": ", ".join(sorted(unknown))}
        )
    if not str(subject).strip():
        raise ApplicationError(_("A notification needs a subject."))
    now = timezone.now()
    dedupe = dedupe_key or f"adhoc-{uuid.uuid4().hex}"
    recipients = [u for u in recipients if u is not None and getattr(u, "is_active", True)]
    rows = build_rows(
        key_prefix=make_key("n", dedupe),
        recipients=recipients,
        channels=channels,
        subject=subject,
        body=body,
        url=url,
        scheduled_for=now,
        now=now,
        dedupe_key=dedupe[:200],
    )
    with transaction.atomic():
        return outbox_insert(rows)


def notify_address(
    *, address: str, subject, body="", dedupe_key: str, language: str = ""
) -> list[int]:
    """E-mail someone who is not a user (a partner's security contact) through the outbox:
    queued with the caller's transaction, retried and dead by the same rules as any e-mail,
    at most once per `dedupe_key`. No link: the address cannot open the firm's pages."""
    from django.conf import settings

    address = (address or "").strip()
    if not address:
        raise ApplicationError(_("An e-mail needs an address."))
    if not str(subject).strip():
        raise ApplicationError(_("A notification needs a subject."))
    language = language or settings.LANGUAGE_CODE
    now = timezone.now()
    row = Outbox(
        key=make_key("a", dedupe_key, Channel.EMAIL, address.lower()),
        channel=Channel.EMAIL,
        address=address,
        language=language,
        subject=_text(subject, language)[:300],
        body=_text(body, language),
        scheduled_for=now,
        next_attempt_at=now + timedelta(seconds=conf.get("NOTIFICATIONS_REQUEUE_SECONDS")),
        dedupe_key=str(dedupe_key)[:200],
    )
    with transaction.atomic():
        return outbox_insert([row])


def inbox_mark_read(*, user, item_ids=None) -> int:
    """Mark the user's messages read (all unread ones when item_ids is None)."""
    qs = InboxItem.objects.filter(user=user, read_at__isnull=True)
    if item_ids is not None:
        qs = qs.filter(pk__in=list(item_ids))
    with transaction.atomic():
        return qs.update(read_at=timezone.now())


def outbox_retry(*, ids) -> int:
    """Put failed or dead rows back in the queue now (the admin's retry action)."""
    now = timezone.now()
    with transaction.atomic():
        chosen = list(
            Outbox.objects.filter(
                pk__in=list(ids), state__in=[Outbox.State.FAILED, Outbox.State.DEAD]
            )
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        Outbox.objects.filter(pk__in=chosen).update(
            state=Outbox.State.PENDING,
            attempts=0,
            next_attempt_at=now + timedelta(seconds=conf.get("NOTIFICATIONS_REQUEUE_SECONDS")),
        )
        enqueue_on_commit(chosen)
    return len(chosen)


def calendar_feed_for(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new secret URL; the old one stops working."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = new_feed_token()
            feed.save(update_fields=["token"])
    return feed
