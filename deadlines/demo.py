"""Demo follow-up items on the deadline engine: a few due in the coming days, one a day
overdue (the firm mostly complies, not always), one on an unconfirmed calendar (working days
into a year chinese-calendar may not know yet). Their kind and titles read as a firm's own
follow-ups: nothing says "demo" to the people who open them."""

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
        label="跟进事项到期",
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
        return "deadlines: demo people missing, skipped"
    now = timezone.now()
    unconfirmed_due, confirmed = work_calendar.add_working_days(
        datetime(now.year, 12, 29, 10, 0, tzinfo=work_calendar.SHANGHAI), 5
    )
    plan = [
        ("handler", "向证监局补充说明暗网数据售卖核查进展", work_calendar.add_hours(now, 2), True),
        ("handler", "外发邮件防泄漏规则上线情况说明", now - timedelta(days=1), True),
        ("handler2", "应急演练总结材料归档", now + timedelta(days=3), True),
        ("staff", "签署《员工数据安全行为规范》年度承诺", now + timedelta(days=5), True),
        ("handler2", "年度数据安全工作总结（5个工作日）", unconfirmed_due, confirmed),
    ]
    made = 0
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
        made += 1
    sweep()  # overdue ones flip to missed, their reminders land in the inboxes
    return f"跟进事项 {made} 项" if made else None
