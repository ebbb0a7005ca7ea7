"""Periodic tasks live in django-celery-beat's tables (editable in the admin). Apps declare theirs
here-by-call from a data migration, so a fresh database has them without anyone clicking."""


def ensure_interval_task(
    apps, *, name: str, task: str, every_seconds: int, queue: str | None = None
):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _created = IntervalSchedule.objects.get_or_create(
        every=every_seconds, period="seconds"
    )
    PeriodicTask.objects.update_or_create(
        name=name, defaults={"task": task, "interval": schedule, "enabled": True, "queue": queue}
    )


def ensure_crontab_task(
    apps,
    *,
    name: str,
    task: str,
    minute="0",
    hour="*",
    day_of_month="*",
    month_of_year="*",
    day_of_week="*",
):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.update_or_create(
        name=name, defaults={"task": task, "crontab": schedule, "interval": None, "enabled": True}
    )
