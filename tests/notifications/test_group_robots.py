"""The WeCom and DingTalk group robots, checked against their documented formats with a local
receiver: message bodies (text and markdown), @-mentions by mobile number, DingTalk's signed
URL, and their error answers (errcode != 0 is a failed attempt, retried, then dead)."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from notifications.delivery import deliver_batch
from notifications.models import Outbox, WebhookEndpoint
from notifications.services import build_rows, outbox_insert

pytestmark = pytest.mark.django_db


class RobotReceiver:
    """Answers like the platforms do: HTTP 200 with {"errcode": …, "errmsg": …}."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests: list[tuple[str, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers["Content-Length"])
                receiver.requests.append((self.path, json.loads(self.rfile.read(length))))
                code = receiver.answers.pop(0) if receiver.answers else 0
                body = json.dumps({"errcode": code, "errmsg": "ok" if code == 0 else "bad"})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch, settings):
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)
    # The local receiver stands in for the platforms: allow-listed like a firm's intranet robot.
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1/32"]


def _queue(endpoint, *, mentions=("13800138000", "13900139000")) -> Outbox:
    (row,) = build_rows(
        key_prefix="robot-test",
        recipients=[],
        channels=["webhook"],
        subject="事件报告即将到期",
        body="SJAQ-2026-0001 初报\n到期：2026-03-02 13:00",
        url="/reporting/reports/1/",
        scheduled_for=timezone.now(),
        endpoints=[endpoint],
        now=timezone.now(),
        mentions=mentions,
    )
    outbox_insert([row])
    return Outbox.objects.get(key=row.key)


def _endpoint(receiver, style, fmt="text", secret="", path="/cgi-bin/webhook/send?key=abc"):
    return WebhookEndpoint.objects.create(
        name=f"{style}-{fmt}",
        url=receiver.url + path,
        style=style,
        message_format=fmt,
        secret=secret,
    )


def test_wecom_text_mentions_by_mobile():
    with RobotReceiver([0]) as receiver:
        row = _queue(_endpoint(receiver, WebhookEndpoint.Style.WECOM))
        assert deliver_batch([row.pk])["sent"] == 1
    ((_path, body),) = receiver.requests
    assert body["msgtype"] == "text"
    assert body["text"]["content"].startswith("事件报告即将到期\nSJAQ-2026-0001 初报")
    assert body["text"]["mentioned_mobile_list"] == ["13800138000", "13900139000"]


def test_wecom_markdown(settings):
    settings.SITE_URL = "https://ir.example.com"
    with RobotReceiver([0]) as receiver:
        row = _queue(_endpoint(receiver, WebhookEndpoint.Style.WECOM, "markdown"))
        deliver_batch([row.pk])
    ((_path, body),) = receiver.requests
    link = "https://ir.example.com/reporting/reports/1/"
    assert body == {
        "msgtype": "markdown",
        "markdown": {
            "content": "**事件报告即将到期**\n> SJAQ-2026-0001 初报\n> 到期：2026-03-02 13:00"
            f"\n[{link}]({link})"
        },
    }


def test_dingtalk_text_and_markdown_mention_by_mobile_and_sign_the_url():
    secret = "SEC0123456789abcdef"
    with RobotReceiver([0, 0]) as receiver:
        text = _endpoint(receiver, WebhookEndpoint.Style.DINGTALK, secret=secret,
                         path="/robot/send?access_token=t1")  # fmt: skip
        md = _endpoint(receiver, WebhookEndpoint.Style.DINGTALK, "markdown", secret=secret,
                       path="/robot/send?access_token=t2")  # fmt: skip
        rows = [_queue(text), _queue(md)]
        # One robot-test key per endpoint: build_rows keys by endpoint.
        assert deliver_batch([r.pk for r in rows])["sent"] == 2
    by_token = {}
    for path, body in receiver.requests:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        by_token[query["access_token"][0]] = (query, body)
        # timestamp in milliseconds, sign = base64(HMAC-SHA256(secret, "timestamp\nsecret")).
        timestamp = query["timestamp"][0]
        assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 60
        expected = base64.b64encode(
            hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        ).decode()
        assert query["sign"][0] == expected
    _q, body = by_token["t1"]
    assert body["msgtype"] == "text"
    assert body["at"] == {"atMobiles": ["13800138000", "13900139000"], "isAtAll": False}
    assert body["text"]["content"].endswith("@13800138000 @13900139000")
    _q, body = by_token["t2"]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "事件报告即将到期"
    assert body["markdown"]["text"].startswith("**事件报告即将到期**")
    assert "@13800138000" in body["markdown"]["text"]
    assert body["at"]["atMobiles"] == ["13800138000", "13900139000"]


@pytest.mark.parametrize(
    "style,errcode",
    [(WebhookEndpoint.Style.WECOM, 93000), (WebhookEndpoint.Style.DINGTALK, 310000)],
)
def test_errcode_is_a_failed_attempt_retried_then_dead(settings, style, errcode):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    with RobotReceiver([errcode, errcode]) as receiver:
        row = _queue(_endpoint(receiver, style))
        assert deliver_batch([row.pk]) == {"claimed": 1, "sent": 0, "failed": 1}
        row.refresh_from_db()
        assert row.state == Outbox.State.FAILED and str(errcode) in row.last_error
        Outbox.objects.filter(pk=row.pk).update(
            state=Outbox.State.PENDING, next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        deliver_batch([row.pk])
        row.refresh_from_db()
        assert row.state == Outbox.State.DEAD and row.attempts == 2
    assert len(receiver.requests) == 2


def test_errcode_zero_then_success_after_a_refusal():
    with RobotReceiver([310000, 0]) as receiver:
        row = _queue(_endpoint(receiver, WebhookEndpoint.Style.DINGTALK, secret="s"))
        deliver_batch([row.pk])
        Outbox.objects.filter(pk=row.pk).update(state=Outbox.State.PENDING)
        assert deliver_batch([row.pk])["sent"] == 1
    row.refresh_from_db()
    assert row.state == Outbox.State.SENT and row.attempts == 2
