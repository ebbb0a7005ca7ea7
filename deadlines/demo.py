"""Demo deadlines on the demo people: some due soon, some overdue, one on an unconfirmed
calendar (working days into 2027, a year chinese-calendar does not know yet)."""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts import policy
from core import demo

from . import calendar as work_calendar
from . import services
from .seed import ensure_kind
from .sweeper import sweep

DEMO_KIND = "demo.followup"


@demo.register(60, "deadlines")
def seed_deadlines():
    from accounts.models import Department, User

    kind = ensure_kind(
        None,
        code=DEMO_KIND,
        label="演示：跟进事项到期",
        steps=[
            {"offset": "-1d", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner", "owner_manager"], "channels": ["inapp"]},
            {
                "offset": "+1h",
                "recipients": ["role:compliance_officer"],
                "channels": ["inapp"],
                "repeat_every": "1d",
            },
        ],
    )
    users = {
        u.username: u for u in User.objects.filter(username__in=["handler", "handler2", "staff"])
    }
    subject = Department.objects.order_by("pk").first()
    if subject is None or not users:
        return ["deadlines: demo people missing, skipped"]
    now = timezone.now()
    unconfirmed_due, confirmed = work_calendar.add_working_days(
        datetime(2026, 12, 29, 10, 0, tzinfo=work_calendar.SHANGHAI), 5
    )
    plan = [
        ("handler", "演示：数据安全事件续报（2小时内）", work_calendar.add_hours(now, 2), True),
        ("handler", "演示：整改措施落实情况说明", now - timedelta(days=2), True),
        ("handler2", "演示：应急演练总结报告", now + timedelta(days=3), True),
        ("staff", "演示：年度数据安全培训考核", now - timedelta(hours=5), True),
        ("handler2", "演示：跨年总结报告（5个工作日）", unconfirmed_due, confirmed),
    ]
    lines = []
    for username, title, due, sure in plan:
        owner = users.get(username)
        if (
            owner is None
            or services.deadlines_for(subject, kind=DEMO_KIND).filter(title=title).exists()
        ):
            continue
        services.deadline_create(
            subject=subject,
            kind=kind,
            due_at=due,
            owner=owner,
            title=title,
            calendar_confirmed=sure,
            url="/deadlines/mine/",
            now=min(now, due) - timedelta(days=2),
            actor=policy.SYSTEM,  # the demo seeder runs for nobody
        )
        lines.append(f"  deadline: {title} → {username}")
    sweep()  # overdue ones flip to missed, their reminders land in the inboxes
    return lines
