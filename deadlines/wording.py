"""Reminder policies in words (issue 18): "提前30分钟提醒，到期时通知，之后每2小时升级" instead
of "-30m, 0, +1h ↻ 2h", and a policy named by the deadline kinds that follow it instead of its
code (`reporting.initial`)."""

from functools import reduce

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext


def duration(seconds: int) -> str:
    """A positive length of time in the largest whole units: 2天, 1天12小时, 30分钟."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes or not parts:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return reduce(lambda a, b: _("%(first)s %(second)s") % {"first": a, "second": b}, parts)


def step(offset_seconds: int, repeat_seconds: int | None = None) -> str:
    """One step: before the due time it reminds, at it notifies, after it escalates."""
    if offset_seconds < 0:
        text = _("remind %(time)s before") % {"time": duration(offset_seconds)}
        again = _("then again every %(every)s")
    elif offset_seconds == 0:
        text = _("notify when due")
        again = _("then escalate every %(every)s")
    else:
        text = _("escalate %(time)s after the due time") % {"time": duration(offset_seconds)}
        again = _("then escalate every %(every)s")
    if repeat_seconds:
        text += pgettext("clause separator", ", ") + again % {"every": duration(repeat_seconds)}
    return text


def steps(policy_steps) -> str:
    """Every step of a policy, in order, as one sentence."""
    ordered = sorted(policy_steps, key=lambda s: (s.offset_seconds, s.id or 0))
    if not ordered:
        return _("No reminders.")
    return pgettext("clause separator", ", ").join(
        step(s.offset_seconds, s.repeat_seconds) for s in ordered
    )


def policy_title(policy) -> str:
    """What a policy is for: the labels of the deadline kinds that follow it (else its name)."""
    labels = sorted({kind.label for kind in policy.kinds.all() if kind.label})
    return pgettext("list separator", ", ").join(labels) if labels else policy.name


def recipients(specs) -> list[tuple[str, str]]:
    """A step's recipients in words (the audit log): 负责人, 负责人的上级, role and group names."""
    from accounts.roles import Role

    personal = {
        "owner": _("the owner"),
        "owner_manager": _("the owner's manager"),
        "owner_deputy": _("the owner's deputy"),
    }
    roles = dict(Role.choices)
    words = []
    for spec in specs if isinstance(specs, list) else [specs]:
        kind, _sep, name = str(spec).partition(":")
        if spec in personal:
            words.append(str(personal[spec]))
        elif kind == "group":
            words.append(_("everyone with the role %(role)s") % {"role": roles.get(name, name)})
        elif kind == "role":
            words.append(_("the holder of contact role %(role)s") % {"role": name})
        elif kind == "user":
            words.append(_("user %(name)s") % {"name": name})
        else:
            words.append(str(spec))
    return [("", pgettext("list separator", ", ").join(words) or "—")]
