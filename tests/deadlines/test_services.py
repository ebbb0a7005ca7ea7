from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.policy import SYSTEM
from core.errors import ApplicationError
from deadlines import resolvers, services
from deadlines.calendar import SHANGHAI
from deadlines.models import Deadline, DeadlineKind, ReminderStep
from deadlines.seed import ensure_kind
from deadlines.signals import deadline_met

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def make(report_kind, subject, owner, due=None, **kw):
    kw.setdefault("actor", SYSTEM)
    return services.deadline_create(
        subject=subject,
        kind="test.report",
        due_at=due or NOW + timedelta(hours=4),
        owner=owner,
        title="首报：SJAQ-2026-0001",
        url="/incidents/1/",
        now=NOW,
        **kw,
    )


def test_ensure_kind_with_historical_apps_is_idempotent():
    kind = ensure_kind(
        apps,
        code="x.kind",
        label="X",
        steps=[{"offset": "-2h"}, {"offset": "+1h", "repeat_every": "1d"}],
    )
    again = ensure_kind(apps, code="x.kind", label="changed", steps=[{"offset": "-7d"}])
    assert again.pk == kind.pk
    real = DeadlineKind.objects.get(code="x.kind")
    assert real.label == "X"
    assert list(real.policy.steps.values_list("offset_seconds", "repeat_seconds")) == [
        (-7200, None),
        (3600, 86400),
    ]
    ensure_kind(apps, code="x.kind", label="changed", steps=[{"offset": "-7d"}], replace=True)
    real.refresh_from_db()
    assert real.label == "changed"
    assert list(real.policy.steps.values_list("offset", flat=True)) == ["-7d"]


def test_ensure_kind_rejects_bad_offsets():
    with pytest.raises(ValueError):
        ensure_kind(None, code="bad", label="Bad", steps=[{"offset": "-7 weeks"}])
    assert not DeadlineKind.objects.filter(code="bad").exists()


def test_create_sets_the_first_step_and_subject(report_kind, department, handler):
    d = make(report_kind, department, handler)
    assert d.state == Deadline.State.OPEN
    assert d.subject == department
    assert d.next_fire_at == NOW + timedelta(hours=3)  # the -1h step
    assert list(services.deadlines_for(department)) == [d]
    assert list(services.deadlines_for(department, kind="test.report")) == [d]
    assert list(services.deadlines_for(department, kind="other")) == []


def test_create_skips_steps_already_past(report_kind, department, handler):
    d = make(report_kind, department, handler, due=NOW + timedelta(minutes=30))
    assert d.next_fire_at == NOW + timedelta(minutes=30)  # "0", not the past "-1h"


def test_unknown_kind_and_naive_due_are_application_errors(report_kind, department):
    with pytest.raises(ApplicationError):
        services.deadline_create(subject=department, kind="nope", due_at=NOW, actor=SYSTEM)
    with pytest.raises(ApplicationError):
        services.deadline_create(
            subject=department,
            kind="test.report",
            due_at=datetime(2026, 1, 1),
            actor=SYSTEM,
        )


def test_move_restarts_the_schedule_with_a_new_revision(report_kind, department, handler):
    d = make(report_kind, department, handler)
    moved = services.deadline_move(
        deadline=d,
        due_at=NOW + timedelta(days=2),
        reason="regraded",
        now=NOW,
        actor=SYSTEM,
    )
    assert moved.revision == 1
    assert moved.state_reason == "regraded"
    assert moved.next_fire_at == NOW + timedelta(days=2, hours=-1)


def test_meet_stops_steps_and_signals(report_kind, department, handler):
    received = []

    def receiver(sender, deadline, **kwargs):
        received.append(deadline.pk)

    deadline_met.connect(receiver)
    try:
        d = make(report_kind, department, handler)
        met = services.deadline_meet(deadline=d, actor=handler)
        again = services.deadline_meet(deadline=d, actor=SYSTEM)
    finally:
        deadline_met.disconnect(receiver)
    assert met.state == Deadline.State.MET and met.next_fire_at is None and met.met_at
    assert again.met_at == met.met_at
    assert received == [d.pk]
    with pytest.raises(ApplicationError):
        services.deadline_move(deadline=d, due_at=NOW + timedelta(days=1), actor=SYSTEM)
    with pytest.raises(ApplicationError):
        services.deadline_cancel(deadline=d, reason="x", actor=SYSTEM)


def test_cancel_and_waive(report_kind, department, handler):
    d = make(report_kind, department, handler)
    with pytest.raises(ApplicationError):
        services.deadline_cancel(deadline=d, waive=True, actor=SYSTEM)
    waived = services.deadline_cancel(
        deadline=d, reason="regulator agreed", waive=True, actor=SYSTEM
    )
    assert waived.state == Deadline.State.WAIVED
    assert waived.state_reason == "regulator agreed"
    assert waived.next_fire_at is None
    with pytest.raises(ApplicationError):
        services.deadline_meet(deadline=d, actor=SYSTEM)


def test_resolvers(report_kind, department, handler, officer, staff):
    d = make(report_kind, department, handler)
    at = timezone.now()
    assert resolvers.resolve("owner", deadline=d, at=at) == [handler]
    assert resolvers.resolve("owner_manager", deadline=d, at=at) == [officer]
    assert resolvers.resolve("owner_deputy", deadline=d, at=at) == []
    assert resolvers.resolve("user:staff", deadline=d, at=at) == [staff]
    assert resolvers.resolve("group:compliance_officer", deadline=d, at=at) == [officer]
    assert resolvers.resolve("role:compliance_officer", deadline=d, at=at) == [officer]
    assert resolvers.resolve("role:test_only_lead", deadline=d, at=at) == []

    def leads(role_code, at, deadline):
        return [staff] if role_code == "test_only_lead" else None

    def deputy(user, at, deadline):
        return staff if user == handler else None

    resolvers.register_role_resolver(leads)
    resolvers.register_deputy_resolver(deputy)
    try:
        assert resolvers.resolve("role:test_only_lead", deadline=d, at=at) == [staff]
        assert resolvers.resolve("owner_deputy", deadline=d, at=at) == [staff]
        role_owned = services.deadline_create(
            subject=department,
            kind=report_kind,
            due_at=NOW,
            owner_role="test_only_lead",
            actor=SYSTEM,
        )
        assert resolvers.resolve_all(
            ["owner", "owner_manager", "user:staff"], deadline=role_owned, at=at
        ) == sorted([staff, handler], key=lambda u: u.pk)
    finally:
        resolvers.unregister_role_resolver(leads)
        resolvers.unregister_deputy_resolver(deputy)


def test_step_offsets_are_parsed_on_save(report_kind):
    step = ReminderStep(policy=report_kind.policy, offset="-30m", repeat_every="12h")
    step.save()
    assert (step.offset_seconds, step.repeat_seconds) == (-1800, 43200)
