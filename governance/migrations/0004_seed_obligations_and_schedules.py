"""Seed the periodic obligations of docs obligations.md (O2, O3, O8, O10, O13) as data, and the
beat jobs that generate meeting occurrences and evaluate obligation periods."""

import datetime

from django.db import migrations
from django.utils import timezone

from core.schedules import ensure_crontab_task

# code, title (zh), frequency, evidence rule, source
OBLIGATIONS = [
    (
        "O2",
        "每季度召开数据安全工作会议",
        "quarterly",
        "meeting.quarterly_security",
        "标准草案 §4 定期沟通与信息交流",
    ),
    (
        "O3",
        "每年召开数据共享流程标准执行工作会议",
        "annual",
        "meeting.annual_review",
        "标准草案 §4 定期沟通与信息交流",
    ),
    ("O8", "每年至少开展一次数据安全事件应急演练", "annual", "drill.annual", "标准草案 §5 应急响应"),
    ("O10-plan", "制定年度数据安全培训计划", "annual", "training.plan", "标准草案 §6 培训"),
    ("O10-done", "完成年度培训并评价培训结果", "annual", "training.completion", "标准草案 §6 培训"),
    ("O13", "开展数据共享评估", "annual", "sharing.evaluation", "标准草案 §7 数据共享评估"),
]


def seed(apps, schema_editor):
    Obligation = apps.get_model("governance", "Obligation")
    first_of_year = datetime.date(timezone.localdate().year, 1, 1)
    for code, title, frequency, rule, source in OBLIGATIONS:
        Obligation.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "frequency": frequency,
                "evidence_rule": rule,
                "source": source,
                "tracked_from": first_of_year,
            },
        )
    ensure_crontab_task(
        apps,
        name="governance: generate meeting occurrences",
        task="governance.generate_meeting_occurrences",
        minute="10",
        hour="1",
    )
    ensure_crontab_task(
        apps,
        name="governance: evaluate obligations",
        task="governance.evaluate_obligations",
        minute="20",
        hour="1",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0003_sharing_log_append_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
