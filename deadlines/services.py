"""Writes on deadlines. Call them inside your own transaction.atomic() block: the deadline then
commits (or rolls back) with your change. Nothing here talks to the broker."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core.errors import ApplicationError

from . import signals
from .models import Deadline, DeadlineKind
from .schedule import StepSpec, next_fire_at, starting_point

if TYPE_CHECKING:
    from accounts.models import User


def _acting(actor):
    """Attribute the audit entries of this write to `actor` (the audit app's actor context)."""
    from contextlib import nullcontext

    from audit import context

    acting_as = getattr(context, "acting_as", None)
    if actor is None or acting_as is None:
        return nullcontext()
    return acting_as(actor)


def kind_get(kind) -> DeadlineKind:
    if isinstance(kind, DeadlineKind):
        return kind
    found = DeadlineKind.objects.select_related("policy").filter(code=kind).first()
    if found is None:
        raise ApplicationError(
            _("Unknown deadline kind %(code)s.") % {"code": kind}, extra={"code": "unknown_kind"}
        )
    return found


def step_specs(kind: DeadlineKind) -> list[StepSpec]:
    reminder_policy = kind.policy
    if reminder_policy is None:
        return []
    return [
        StepSpec(s.id, s.offset_seconds, s.repeat_seconds)
        for s in reminder_policy.steps.all().order_by("offset_seconds", "id")
    ]


def _check_due(due_at):
    if not isinstance(due_at, datetime) or timezone.is_naive(due_at):
        raise ApplicationError(_("A due time must be a date and time with a time zone."))


def deadline_create(
    *,
    subject,
    kind,
    due_at: datetime,
    owner=None,
    owner_role: str = "",
    title: str = "",
    calendar_confirmed: bool = True,
    url: str = "",
    actor=None,
    now: datetime | None = None,
) -> Deadline:
    """A new open deadline on `subject` (any saved model instance). Steps that would have
    fired before now are skipped; the sweeper handles the rest."""
    policy.require(actor, "deadlines.deadline.create")
    _check_due(due_at)
    if subject is None or subject.pk is None:
        raise ApplicationError(_("A deadline needs a saved subject."))
    kind = kind_get(kind)
    now = now or timezone.now()
    fired_until, first_fire = starting_point(step_specs(kind), due_at, now)
    with transaction.atomic(), _acting(actor):
        deadline = Deadline.objects.create(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            kind=kind,
            title=(str(title) or str(kind.label))[:300],
            url=url or "",
            due_at=due_at,
            owner=owner,
            owner_role=owner_role or "",
            calendar_confirmed=calendar_confirmed,
            created_by=actor if getattr(actor, "pk", None) else None,
            fired_until=fired_until,
            next_fire_at=first_fire,
        )
    return deadline


def _id_ranges(ids: list[int]) -> list[list[int]]:
    """[[first, last], ...] of the runs of consecutive ids (one run unless writers interleave)."""
    ranges: list[list[int]] = []
    for pk in sorted(ids):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


def _audit_bulk(created: list[Deadline], per_kind: dict[str, int]) -> None:
    from audit.models import AuditEntry

    ids = [d.pk for d in created]
    ranges = _id_ranges(ids)
    text_ranges = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in ranges)
    text_kinds = ", ".join(f"{code} × {n}" for code, n in sorted(per_kind.items()))
    AuditEntry(
        content_type=ContentType.objects.get_for_model(Deadline),
        object_pk=str(ranges[0][0]),
        object_id=ranges[0][0],
        object_repr=f"{len(ids)} deadlines (bulk: {text_kinds})"[:200],
        action=AuditEntry.Action.CREATE,
        changes={
            "bulk_create": [None, str(len(ids))],
            "kind": [None, text_kinds],
            "id": [None, text_ranges],
        },
        additional_data={
            "bulk_create": {"count": len(ids), "kinds": per_kind, "id_ranges": ranges}
        },
    ).save()


def deadlines_bulk_create(
    *, items, actor=None, now: datetime | None = None, batch_size: int = 1000
) -> list[Deadline]:
    """Many new open deadlines in one transaction (e.g. a training assignment to the whole firm,
    or a benchmark's seed). Each item is a dict with the keyword arguments of `deadline_create`
    (subject, kind, due_at, owner, owner_role, title, calendar_confirmed, url). Everything is
    validated before anything is written; steps already in the past are skipped, as there.

    The rows are inserted with bulk_create, which sends no post_save, so the audit trail gets
    ONE summary entry for the batch (count, kinds, id ranges) instead of one per deadline: each
    audit entry is chained under a global advisory lock held until commit (~7.5 ms a row on
    PostgreSQL), which would make 100,000 deadlines take minutes and serialise every other
    audited write in the firm behind them. The deadlines themselves carry `created_by` and
    `created_at`, so who made which row stays answerable."""
    policy.require(actor, "deadlines.deadline.create")
    now = now or timezone.now()
    kinds: dict = {}
    specs: dict = {}
    prepared = []
    per_kind: dict[str, int] = {}
    created_by = actor if getattr(actor, "pk", None) else None
    for item in items:
        item = dict(item)
        subject = item.pop("subject", None)
        kind_ref = item.pop("kind")
        due_at = item.pop("due_at", None)
        unknown = set(item) - {"owner", "owner_role", "title", "calendar_confirmed", "url"}
        if unknown:
            raise ApplicationError(
                _("Unknown deadline fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
            )
        _check_due(due_at)
        if subject is None or subject.pk is None:
            raise ApplicationError(_("A deadline needs a saved subject."))
        key = kind_ref.pk if isinstance(kind_ref, DeadlineKind) else kind_ref
        if key not in kinds:
            kinds[key] = kind_get(kind_ref)
            specs[key] = step_specs(kinds[key])
        kind = kinds[key]
        per_kind[kind.code] = per_kind.get(kind.code, 0) + 1
        fired_until, first_fire = starting_point(specs[key], due_at, now)
        prepared.append(
            Deadline(
                content_type=ContentType.objects.get_for_model(subject),
                object_id=subject.pk,
                kind=kind,
                title=(str(item.get("title") or "") or str(kind.label))[:300],
                url=item.get("url") or "",
                due_at=due_at,
                owner=item.get("owner"),
                owner_role=item.get("owner_role") or "",
                calendar_confirmed=item.get("calendar_confirmed", True),
                created_by=created_by,
                fired_until=fired_until,
                next_fire_at=first_fire,
            )
        )
    if not prepared:
        return []
    with transaction.atomic(), _acting(actor):
        created = []
        for start in range(0, len(prepared), batch_size):
            created.extend(Deadline.objects.bulk_create(prepared[start : start + batch_size]))
        _audit_bulk(created, per_kind)
    return created


def _locked(deadline: Deadline) -> Deadline:
    return (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("kind__policy")
        .get(pk=deadline.pk)
    )


def _refresh(target: Deadline, source: Deadline) -> Deadline:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def deadline_move(
    *,
    deadline: Deadline,
    due_at: datetime,
    reason: str = "",
    actor=None,
    calendar_confirmed: bool | None = None,
    now: datetime | None = None,
) -> Deadline:
    """A new due time for an open or missed deadline. Its reminders start over for the new
    time (steps already past are skipped); a missed deadline moved into the future reopens."""
    policy.require(actor, "deadlines.deadline.change", deadline)
    _check_due(due_at)
    now = now or timezone.now()
    with transaction.atomic(), _acting(actor):
        row = _locked(deadline)
        if not row.is_active:
            raise ApplicationError(
                _("This deadline is %(state)s and can no longer be moved.")
                % {"state": row.get_state_display()}
            )
        row.due_at = due_at
        row.revision += 1
        row.state_reason = str(reason)[:500]
        if row.state == Deadline.State.MISSED and due_at > now:
            row.state = Deadline.State.OPEN
            row.missed_at = None
        if calendar_confirmed is not None:
            row.calendar_confirmed = calendar_confirmed
        row.fired_until, row.next_fire_at = starting_point(step_specs(row.kind), due_at, now)
        row.save()
    return _refresh(deadline, row)


def deadline_meet(*, deadline: Deadline, met_at: datetime | None = None, actor=None) -> Deadline:
    """Record the obligation as fulfilled; later steps stop. Meeting a missed deadline records
    a late fulfilment (`missed_at` stays set). Meeting it twice changes nothing."""
    policy.require(actor, "deadlines.deadline.change", deadline)
    now = timezone.now()
    with transaction.atomic(), _acting(actor):
        row = _locked(deadline)
        if row.state == Deadline.State.MET:
            return _refresh(deadline, row)
        if not row.is_active:
            raise ApplicationError(
                _("This deadline is %(state)s and cannot be met.")
                % {"state": row.get_state_display()}
            )
        row.state = Deadline.State.MET
        row.met_at = met_at or now
        row.closed_at = now
        row.next_fire_at = None
        row.save()
        signals.deadline_met.send(sender=Deadline, deadline=row)
    return _refresh(deadline, row)


def deadline_cancel(
    *, deadline: Deadline, reason: str = "", actor=None, waive: bool = False
) -> Deadline:
    """Close a deadline that no longer applies (cancelled) or is excused (waived, with a
    reason); later steps stop."""
    policy.require(actor, "deadlines.deadline.change", deadline)
    target = Deadline.State.WAIVED if waive else Deadline.State.CANCELLED
    if waive and not str(reason).strip():
        raise ApplicationError(_("Say why the deadline is waived."))
    with transaction.atomic(), _acting(actor):
        row = _locked(deadline)
        if row.state == target:
            return _refresh(deadline, row)
        if not row.is_active:
            raise ApplicationError(
                _("This deadline is %(state)s and cannot be closed again.")
                % {"state": row.get_state_display()}
            )
        row.state = target
        row.state_reason = str(reason)[:500]
        row.closed_at = timezone.now()
        row.next_fire_at = None
        row.save()
    return _refresh(deadline, row)


def active_deadline(subject, kind):
    """The subject's open or missed deadline of `kind`, if any."""
    return deadlines_for(subject, kind).filter(state__in=Deadline.ACTIVE_STATES).first()


def deadlines_for(subject, kind=None):
    """A subject's deadlines (all states), earliest due first."""
    qs = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("kind", "owner")
    if kind is not None:
        qs = qs.filter(kind__code=kind) if isinstance(kind, str) else qs.filter(kind=kind)
    return qs.order_by("due_at", "id")


def policy_reschedule(*, policy, now: datetime | None = None) -> int:
    """After an officer edits a policy's steps: recompute when the active deadlines of its kinds
    fire next. Steps already handled stay handled."""
    now = now or timezone.now()
    changed = 0
    kinds = DeadlineKind.objects.filter(policy=policy).select_related("policy")
    with transaction.atomic():
        for kind in kinds:
            specs = step_specs(kind)
            rows = Deadline.objects.filter(kind=kind, state__in=Deadline.ACTIVE_STATES)
            for row in rows.select_for_update().only("id", "due_at", "fired_until"):
                nxt = next_fire_at(specs, row.due_at, row.fired_until or now)
                Deadline.objects.filter(pk=row.pk).update(next_fire_at=nxt)
                changed += 1
    return changed


def _listing(deadlines, reason: str) -> str:
    lines = [
        f"- {d.title}（{timezone.localtime(d.due_at):%Y-%m-%d %H:%M}）" for d in deadlines[:20]
    ]
    if reason:
        lines.append(reason)
    return "\n".join(lines)


def deadlines_transfer(*, subjects, owner, actor=None, reason: str = "") -> int:
    """Every open or missed deadline on `subjects` now belongs to `owner`, the subjects' new
    responsible person (a case reassigned: its handling and report deadlines follow). One
    transaction; each deadline's change is audited; the new owner and every previous owner are
    told. Steps already sent stay sent; later steps and escalations resolve the new owner when
    they fire. Returns how many deadlines moved."""
    policy.require(actor, "deadlines.deadline.change")
    from notifications.events import localized, notify_event

    moved: list[Deadline] = []
    previous: dict[int, list[Deadline]] = {}
    previous_owners: dict[int, User] = {}
    with transaction.atomic(), _acting(actor):
        for subject in subjects:
            if subject is None or subject.pk is None:
                continue
            rows = (
                Deadline.objects.filter(
                    content_type=ContentType.objects.get_for_model(subject),
                    object_id=subject.pk,
                    state__in=Deadline.ACTIVE_STATES,
                )
                .exclude(owner=owner)
                .select_for_update(of=("self",))
                .select_related("owner")
                .order_by("id")
            )
            for row in rows:
                old_owner = row.owner  # selected with the row
                if old_owner is not None:
                    previous.setdefault(old_owner.pk, []).append(row)
                    previous_owners[old_owner.pk] = old_owner
                row.owner = owner
                row.owner_role = "" if owner else row.owner_role
                row.save(update_fields=["owner", "owner_role", "updated_at"])
                moved.append(row)
        if not moved:
            return 0
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        why = str(reason)[:500]
        if owner is not None:
            notify_event(
                kind="deadline.transferred",
                recipients=[owner],
                subject=localized(_("%(count)d deadlines are now yours"), count=len(moved)),
                body=_listing(moved, why),
                url=moved[0].url,
                key=f"to-{owner.pk}-{stamp}",
            )
        for old_owner_id, handed in previous.items():
            old = previous_owners[old_owner_id]
            notify_event(
                kind="deadline.transferred",
                recipients=[old],
                subject=localized(
                    _("%(count)d deadlines were handed to someone else"), count=len(handed)
                ),
                body=_listing(handed, why),
                url=handed[0].url,
                key=f"from-{old.pk}-{stamp}",
            )
    return len(moved)


# --- The working-day calendar: overrides and per-year schedules --------------------------------


def _retime_year(*, year: int, reason: str, actor, changed) -> list[dict]:
    """Re-time every active deadline that may count days of `year` (due from 1 January of that
    year to the end of February of the next), through the apps' retimers; tell each owner whose
    deadline moved, and write one audit entry for the whole change. Returns the moves."""
    from datetime import date
    from datetime import datetime as dt
    from datetime import time as tm

    from django.utils.translation import gettext

    from audit.models import AuditEntry
    from notifications import services as notify_services

    from .calendar import SHANGHAI
    from .retiming import retimers

    start = dt.combine(date(year, 1, 1), tm.min).replace(tzinfo=SHANGHAI)
    end = dt.combine(date(year + 1, 3, 1), tm.min).replace(tzinfo=SHANGHAI)
    rows = (
        Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES, due_at__gte=start, due_at__lt=end)
        .select_related("owner", "kind")
        .order_by("due_at", "id")
    )
    moves = []
    for deadline in rows:
        for retimer in retimers():
            moved = retimer(deadline, reason=reason, actor=actor)
            if moved:
                old, new = moved
                deadline.refresh_from_db()
                moves.append({"deadline": deadline, "old": old, "new": new})
                break
    for move in moves:
        deadline = move["deadline"]
        owners = [deadline.owner] if deadline.owner_id else []
        if not owners and deadline.owner_role:
            from .resolvers import resolve_role

            owners = resolve_role(deadline.owner_role, at=timezone.now(), deadline=deadline)
        old_local = timezone.localtime(move["old"]).strftime("%Y-%m-%d %H:%M")
        new_local = timezone.localtime(move["new"]).strftime("%Y-%m-%d %H:%M")

        def subject(language, title=deadline.title):
            from django.utils import translation

            with translation.override(language):
                return gettext("Deadline moved by a calendar change: %(title)s") % {"title": title}

        def body(language, old=old_local, new=new_local):
            from django.utils import translation

            with translation.override(language):
                return gettext("Due %(old)s before, now %(new)s. %(reason)s") % {
                    "old": old,
                    "new": new,
                    "reason": reason,
                }

        notify_services.notify(
            recipients=owners,
            subject=subject,
            body=body,
            url=deadline.url,
            channels=("inapp", "email"),
            dedupe_key=f"calendar-move:{deadline.pk}:{deadline.revision}",
        )
    AuditEntry(
        content_type=ContentType.objects.get_for_model(changed),
        object_pk=str(changed.pk),
        object_id=changed.pk,
        object_repr=f"{changed} — {len(moves)} deadlines re-timed"[:200],
        action=AuditEntry.Action.UPDATE,
        actor=actor if getattr(actor, "pk", None) else None,
        changes={
            "calendar_retime": [None, str(len(moves))],
            "reason": [None, str(reason)],
        },
        additional_data={
            "calendar_retime": {
                "year": year,
                "moved": [
                    {
                        "deadline": m["deadline"].pk,
                        "old": m["old"].isoformat(),
                        "new": m["new"].isoformat(),
                    }
                    for m in moves
                ],
            }
        },
    ).save()
    return moves


def calendar_override_save(
    *, actor, date, is_working_day: bool, name: str = "", source: str = ""
) -> tuple:
    """Add or change one day's override, then re-time the year's open working-day deadlines
    in the same transaction (one audited step). Returns (override, moves)."""
    from accounts import policy

    from .models import HolidayOverride

    policy.require(actor, "deadlines.calendar.change")
    with transaction.atomic(), _acting(actor):
        override, _created = HolidayOverride.objects.update_or_create(
            date=date,
            defaults={
                "is_working_day": bool(is_working_day),
                "name": (name or "").strip()[:100],
                "source": (source or "").strip()[:300],
            },
        )
        reason = _("Working-day calendar changed: %(date)s %(name)s") % {
            "date": date.isoformat(),
            "name": override.name,
        }
        moves = _retime_year(year=date.year, reason=str(reason), actor=actor, changed=override)
    return override, moves


def calendar_override_delete(*, actor, override) -> list[dict]:
    from accounts import policy

    policy.require(actor, "deadlines.calendar.change")
    with transaction.atomic(), _acting(actor):
        year, label = override.date.year, str(override)
        override.delete()
        from .models import CalendarYear

        record, _created = CalendarYear.objects.get_or_create(year=year)
        reason = _("Working-day calendar changed: override %(day)s removed") % {"day": label}
        return _retime_year(year=year, reason=str(reason), actor=actor, changed=record)


def calendar_year_save(
    *, actor, year: int, schedule_complete: bool, notice_reference: str = ""
) -> tuple:
    """Record a year's published schedule; marking it complete (with the State Council notice)
    confirms every date of the year. Re-times the year's open deadlines in the same step."""
    from accounts import policy

    from .models import CalendarYear

    policy.require(actor, "deadlines.calendar.change")
    notice_reference = (notice_reference or "").strip()
    if schedule_complete and not notice_reference:
        raise ApplicationError(_("Cite the State Council notice that published the schedule."))
    with transaction.atomic(), _acting(actor):
        record, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        record.schedule_complete = bool(schedule_complete)
        record.notice_reference = notice_reference
        record.completed_by = actor if schedule_complete and getattr(actor, "pk", None) else None
        record.completed_at = timezone.now() if schedule_complete else None
        record.save()
        if schedule_complete:
            reason = _("The %(year)s holiday schedule is complete (%(notice)s).") % {
                "year": year,
                "notice": notice_reference,
            }
        else:
            reason = _("The %(year)s holiday schedule is no longer marked complete.") % {
                "year": year
            }
        moves = _retime_year(year=year, reason=str(reason), actor=actor, changed=record)
    return record, moves
