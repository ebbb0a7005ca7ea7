"""Issue 18, point 4: the admin wears django-unfold and reads in Chinese, the libraries' apps
included; roles by their Chinese names; reminder policies in words."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from deadlines import wording
from deadlines.models import DeadlineKind, ReminderPolicy, ReminderStep

pytestmark = pytest.mark.django_db

# Icon ligatures of the theme (rendered as icons, not words), product names and codes.
ALLOWED = re.compile(r"^(API|Webhook|TOTP|IP|Cron|SHA-256|SHA-|Unix|[a-z_]+)$")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skip = 0
        self.lines: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.lines.append(data.strip())


def _visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.lines


def _english_words(html: str) -> set[str]:
    words = set()
    for line in _visible_text(html):
        for word in re.findall(r"[A-Za-z][A-Za-z'&#;-]{2,}", line):
            if not ALLOWED.match(word) and not word.startswith("&#"):
                words.add(word)
    return words


def test_the_index_is_themed_and_chinese_for_every_app(client_for, administrator):
    html = client_for(administrator).get("/admin/").content.decode()
    assert "unfold/css/styles.css" in html  # the theme
    for name in (
        "登录锁定",
        "登录尝试",
        "后台任务结果",
        "任务结果",
        "双因素认证",
        "身份验证器（TOTP）",
        "定时任务",
        "角色与权限",
        "角色",
    ):
        assert name in html, name
    text = "\n".join(_visible_text(html)).lower()
    for english in (
        "Access attempts",
        "Task results",
        "TOTP devices",
        "Periodic tasks",
        "Axes",
        "Celery Results",
        "OTP_TOTP",
        "Groups",
    ):
        assert english.lower() not in text, english
    assert _english_words(html) == set()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/axes/accessattempt/",
        "/admin/django_celery_results/taskresult/",
        "/admin/django_celery_beat/periodictask/add/",
        "/admin/otp_totp/totpdevice/add/",
        "/admin/deadlines/reminderpolicy/",
        "/admin/governance/cooperationagreement/add/",
    ],
)
def test_library_and_project_pages_speak_chinese(client_for, administrator, url):
    response = client_for(administrator).get(url)
    assert response.status_code == 200
    words = _english_words(response.content.decode())
    # Seeded schedule rows carry task codes (core.heartbeat, "core: worker heartbeat").
    words -= {
        "core",
        "worker",
        "heartbeat",
        "deadlines",
        "sweep",
        "governance",
        "evaluate",
        "obligations",
        "generate",
        "meeting",
        "occurrences",
        "integrations",
        "reporting",
        "render",
        "missing",
        "documents",
        "training",
        "sync",
        "assignments",
        "and",
        "reminders",
        # codes inside celery-beat's own (Chinese) help texts
        "AMQP",
        "JSON",
        "CELERY",
        "TASK",
        "QUEUES",
        "None",
        "False",
        "True",
        "RabbitMQ",
        "Redis",
        "arg1",
        "arg2",
        "argument",
        "value",
        "Asia",
        "Shanghai",
    }
    assert words == set(), words


def test_roles_are_shown_by_their_chinese_names(client_for, administrator, officer):
    group = Group.objects.get(name=Role.COMPLIANCE_OFFICER)
    officer_role = str(Role.COMPLIANCE_OFFICER.label)
    assert str(group) == officer_role and officer_role != Role.COMPLIANCE_OFFICER
    html = client_for(administrator).get("/admin/auth/group/").content.decode()
    assert officer_role in html and str(Role.INCIDENT_HANDLER.label) in html
    html = (
        client_for(administrator).get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    )
    assert officer_role in html


def test_steps_in_words():
    assert wording.step(-30 * 60) == "提前30分钟提醒"
    assert wording.step(0) == "到期时通知"
    assert wording.step(3600, 2 * 3600) == "逾期1小时后升级，之后每2小时升级"
    assert wording.duration(36 * 3600) == "1天12小时"


def test_a_policy_is_described_in_words_in_the_admin(client_for, officer):
    policy = ReminderPolicy.objects.create(name="demo.policy")
    for offset, repeat in (("-30m", ""), ("0", "2h")):
        ReminderStep.objects.create(
            policy=policy,
            offset=offset,
            repeat_every=repeat,
            recipients=["owner"],
            channels=["inapp"],
        )
    DeadlineKind.objects.create(code="demo.kind", label="演示时限", policy=policy)
    html = client_for(officer).get("/admin/deadlines/reminderpolicy/?q=demo").content.decode()
    assert "提前30分钟提醒，到期时通知，之后每2小时升级" in html
    assert "演示时限" in html
    assert "↻" not in html and "-30m" not in html


def test_only_the_admin_relaxes_the_script_policy(client_for, officer):
    client = client_for(officer)
    admin_policy = client.get("/admin/")["Content-Security-Policy"]
    page_policy = client.get("/governance/agreements/")["Content-Security-Policy"]
    assert (
        "'unsafe-eval'" in admin_policy
        and "'unsafe-inline'" not in admin_policy.split("script-src")[1].split(";")[0]
    )
    assert "'unsafe-eval'" not in page_policy
