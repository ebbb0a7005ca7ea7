"""Transports. Each raises TransportError, which says whether trying again can help."""

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.parse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from core import net

from .models import Outbox, WebhookEndpoint


class TransportError(Exception):
    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


def absolute_url(url: str) -> str:
    if not url or "://" in url:
        return url
    base = getattr(settings, "SITE_URL", "") or ""
    return base.rstrip("/") + url if base else url


def email_message(row: Outbox, connection=None) -> EmailMultiAlternatives:
    # A person's row goes to their address; an address row (a partner's security contact) to
    # the address it carries.
    to = row.address or (row.recipient.email if row.recipient is not None else "")
    if not to:
        raise ValueError("An e-mail outbox row needs a recipient or an address.")
    with translation.override(row.language):
        context = {"row": row, "link": absolute_url(row.url), "site_name": settings.SITE_NAME}
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=text,
        to=[to],
        connection=connection,
        headers={
            "Message-ID": row.message_id,
            "X-Dedupe-Key": row.key,
            "X-Outbox-Attempt": str(row.attempts),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_email(row: Outbox, connection) -> None:
    if not row.address and (row.recipient is None or not row.recipient.email):
        raise TransportError("recipient has no e-mail address", retryable=False)
    try:
        email_message(row, connection).send(fail_silently=False)
    # Every SMTP refusal is retried with backoff (a "permanent" 5xx is often a transient
    # policy or quota answer in practice); after NOTIFICATIONS_MAX_ATTEMPTS the row is dead.
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}")


def _markdown(row: Outbox, link: str) -> str:
    lines = [f"**{row.subject}**"]
    lines += [f"> {line}" for line in row.body.splitlines() if line.strip()]
    if link:
        lines.append(f"[{link}]({link})")
    return "\n".join(lines)


def robot_payload(row: Outbox, endpoint: WebhookEndpoint) -> dict:
    """The group robots' documented message bodies: WeCom `text` (mentioned_mobile_list) or
    `markdown`; DingTalk `text` or `markdown` with `at.atMobiles` (DingTalk shows a mention
    only when the text also carries "@<mobile>")."""
    mobiles = [m for m in row.mentions.split(",") if m]
    link = absolute_url(row.url)
    text = row.subject if not row.body else f"{row.subject}\n{row.body}"
    if link:
        text = f"{text}\n{link}"
    markdown = endpoint.message_format == WebhookEndpoint.MessageFormat.MARKDOWN
    if endpoint.style == WebhookEndpoint.Style.WECOM:
        if markdown:
            return {"msgtype": "markdown", "markdown": {"content": _markdown(row, link)}}
        return {
            "msgtype": "text",
            "text": {"content": text, "mentioned_mobile_list": mobiles},
        }
    at_line = " ".join(f"@{m}" for m in mobiles)
    at = {"atMobiles": mobiles, "isAtAll": False}
    if markdown:
        body = _markdown(row, link) + (f"\n\n{at_line}" if at_line else "")
        return {"msgtype": "markdown", "markdown": {"title": row.subject, "text": body}, "at": at}
    content = text + (f"\n{at_line}" if at_line else "")
    return {"msgtype": "text", "text": {"content": content}, "at": at}


def robot_answer_error(endpoint: WebhookEndpoint, answer: bytes) -> str | None:
    """WeCom and DingTalk answer HTTP 200 with {"errcode": n, "errmsg": ...}; errcode 0 is
    success, anything else is a failed attempt (retried, then dead, like an e-mail)."""
    if endpoint.style not in (WebhookEndpoint.Style.WECOM, WebhookEndpoint.Style.DINGTALK):
        return None
    try:
        verdict = json.loads(answer or b"null")
    except ValueError:
        return "robot answer is not JSON"
    code = verdict.get("errcode") if isinstance(verdict, dict) else None
    if code == 0:
        return None
    return f"robot errcode {code}"


def webhook_payload(row: Outbox, endpoint: WebhookEndpoint) -> dict:
    if endpoint.style in (WebhookEndpoint.Style.WECOM, WebhookEndpoint.Style.DINGTALK):
        return robot_payload(row, endpoint)
    link = absolute_url(row.url)
    return {
        "id": row.key,
        "subject": row.subject,
        "body": row.body,
        "url": link,
        "scheduled_for": row.scheduled_for.isoformat(),
        "deadline_id": row.deadline_id,
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def post_webhook(row: Outbox) -> None:
    """POST through core.net: the address is resolved once, checked (no internal address unless
    allow-listed) and pinned for the connection; no redirect is followed. A failure records a
    classified reason and the status code, never the remote body."""
    endpoint = row.endpoint
    if endpoint is None:
        raise TransportError("the webhook endpoint was removed", retryable=False)
    body = json.dumps(webhook_payload(row, endpoint), ensure_ascii=False).encode()
    timestamp = str(int(time.time() * 1000))
    url = endpoint.url
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Delivery-Id": row.key,
        "X-Timestamp": timestamp,
    }
    if endpoint.secret:
        headers["X-Signature"] = "sha256=" + sign(endpoint.secret, timestamp, body)
        if endpoint.style == WebhookEndpoint.Style.DINGTALK:
            # DingTalk's own scheme: base64(HMAC-SHA256("timestamp\nsecret")) in the query.
            digest = hmac.new(
                endpoint.secret.encode(), f"{timestamp}\n{endpoint.secret}".encode(), hashlib.sha256
            ).digest()
            query = urllib.parse.urlencode(
                {"timestamp": timestamp, "sign": base64.b64encode(digest).decode()}
            )
            url = f"{url}{'&' if '?' in url else '?'}{query}"
    try:
        _status, answer = net.post(
            url, body=body, headers=headers, timeout=endpoint.timeout_seconds
        )
    except net.OutboundError as exc:
        raise TransportError(str(exc), retryable=exc.retryable)
    refused = robot_answer_error(endpoint, answer)
    if refused:
        raise TransportError(refused)
