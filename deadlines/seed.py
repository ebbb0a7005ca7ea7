"""Seed deadline kinds and their reminder policies, from data migrations or code.

In another app's data migration (depending on deadlines' latest migration at the time):

    from deadlines.seed import ensure_kind

    def seed(apps, schema_editor):
        ensure_kind(apps, code="incident.report.initial", label="Initial report due",
                    steps=[{"offset": "-1h", "recipients": ["owner"], "channels": ["inapp"]}])

Idempotent: a kind that exists keeps its label and the steps officers may have edited in the
admin, unless `replace=True` (then label, description and steps are set to what is given).
"""

from .offsets import parse_interval, parse_offset


def _models(apps):
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    return (
        apps.get_model("deadlines", "DeadlineKind"),
        apps.get_model("deadlines", "ReminderPolicy"),
        apps.get_model("deadlines", "ReminderStep"),
    )


def _step_rows(steps):
    rows = []
    for raw in steps:
        offset = str(raw.get("offset", "0"))
        repeat = raw.get("repeat_every") or ""
        recipients = list(raw.get("recipients") or ["owner"])
        channels = list(raw.get("channels") or ["inapp", "email"])
        rows.append(
            {
                "offset": offset,
                "offset_seconds": parse_offset(offset),
                "repeat_every": str(repeat),
                "repeat_seconds": parse_interval(repeat),
                "recipients": recipients,
                "channels": channels,
            }
        )
    return rows


def ensure_kind(
    apps=None,
    *,
    code: str,
    label: str,
    steps=(),
    description: str = "",
    policy_name: str | None = None,
    replace: bool = False,
):
    """Create (or with replace=True, reset) a deadline kind and its reminder policy."""
    DeadlineKind, ReminderPolicy, ReminderStep = _models(apps)
    rows = _step_rows(steps)  # validate before writing anything
    policy, policy_created = ReminderPolicy.objects.get_or_create(
        name=policy_name or code, defaults={"description": description}
    )
    if policy_created or replace:
        ReminderStep.objects.filter(policy=policy).delete()
        ReminderStep.objects.bulk_create([ReminderStep(policy=policy, **row) for row in rows])
    kind, created = DeadlineKind.objects.get_or_create(
        code=code, defaults={"label": label, "description": description, "policy": policy}
    )
    if not created and (replace or kind.policy_id is None):
        if replace:
            kind.label, kind.description = label, description
        kind.policy = policy
        kind.save()
    return kind
