from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from incidents import services
from incidents.closing import register_close_blocker, unregister_close_blocker
from incidents.models import Incident
from incidents.signals import incident_resolved

pytestmark = pytest.mark.django_db
S = Incident.Status


def _resolve(incident, actor):
    now = timezone.now()
    return services.incident_resolve(
        incident=incident, actor=actor, contained_at=now, resolved_at=now
    )


def _to(incident, actor, status):
    steps = [
        (S.GRADED, lambda: services.incident_grade(incident=incident, actor=actor)),
        (S.HANDLING, lambda: services.incident_start_handling(incident=incident, actor=actor)),
        (S.RESOLVED, lambda: _resolve(incident, actor)),
        (
            S.SUMMARISED,
            lambda: services.incident_summarise(incident=incident, actor=actor, summary="总结"),
        ),
        (S.CLOSED, lambda: services.incident_close(incident=incident, actor=actor)),
    ]
    for target, run in steps:
        run()
        if target == status:
            break
    incident.refresh_from_db()
    return incident


def test_happy_path_and_timeline(incident, handler):
    received = []
    incident_resolved.connect(
        lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="t"
    )
    try:
        _to(incident, handler, S.CLOSED)
    finally:
        incident_resolved.disconnect(dispatch_uid="t")
    assert incident.status == S.CLOSED and incident.closed_at and incident.resolved_at
    assert received and received[0]["incident"].pk == incident.pk
    kinds = list(incident.timeline.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[0] == "created" and kinds.count("status") == 4 and "graded" in kinds


@pytest.mark.parametrize(
    "status,refused",
    [
        (S.NEW, ["start", "resolve", "summarise", "close"]),
        (S.GRADED, ["resolve", "summarise", "close"]),
        (S.HANDLING, ["start", "summarise", "close"]),
        (S.RESOLVED, ["start", "resolve", "close"]),
        (S.SUMMARISED, ["start", "resolve", "summarise"]),
    ],
)
def test_guarded_transitions(incident, handler, status, refused):
    if status != S.NEW:
        _to(incident, handler, status)
    calls = {
        "start": lambda: services.incident_start_handling(incident=incident, actor=handler),
        "resolve": lambda: _resolve(incident, handler),
        "summarise": lambda: services.incident_summarise(
            incident=incident, actor=handler, summary="x"
        ),
        "close": lambda: services.incident_close(incident=incident, actor=handler),
    }
    for name in refused:
        with pytest.raises(ApplicationError, match="cannot move"):
            calls[name]()
    incident.refresh_from_db()
    assert incident.status == status


def test_summary_is_required(incident, handler):
    _to(incident, handler, S.RESOLVED)
    with pytest.raises(ApplicationError, match="summary"):
        services.incident_summarise(incident=incident, actor=handler, summary=" ")


def test_closed_case_cannot_be_regraded_or_edited(incident, handler):
    _to(incident, handler, S.CLOSED)
    with pytest.raises(ApplicationError):
        services.incident_grade(incident=incident, actor=handler, grade="I", reason="x")
    with pytest.raises(ApplicationError):
        services.incident_update(incident=incident, actor=handler, title="new")


def test_close_refused_while_rectification_open(incident, handler, handler2):
    _to(incident, handler, S.SUMMARISED)
    item = services.rectification_create(
        incident=incident,
        title="修补接口鉴权",
        owner=handler,
        due_at=timezone.now() + timedelta(days=7),
        actor=handler,
    )
    with pytest.raises(ApplicationError, match="rectification"):
        services.incident_close(incident=incident, actor=handler)
    services.rectification_complete(item=item, actor=handler, note="已修复")
    with pytest.raises(ApplicationError, match="rectification"):  # awaiting verification
        services.incident_close(incident=incident, actor=handler)
    services.rectification_verify(item=item, actor=handler2, note="已验证")
    services.incident_close(incident=incident, actor=handler)
    incident.refresh_from_db()
    assert incident.status == S.CLOSED


def test_close_refused_by_registered_blocker(incident, handler):
    def report_due(case):
        return ["The final report is still due."] if case.pk == incident.pk else []

    register_close_blocker(report_due)
    try:
        _to(incident, handler, S.SUMMARISED)
        with pytest.raises(ApplicationError, match="final report is still due") as exc:
            services.incident_close(incident=incident, actor=handler)
        assert exc.value.extra["reasons"] == ["The final report is still due."]
    finally:
        unregister_close_blocker(report_due)
    services.incident_close(incident=incident, actor=handler)


def test_resolve_meets_handling_deadline(incident, handler):
    from incidents import deadline_links

    _to(incident, handler, S.RESOLVED)
    d = deadline_links.deadline_services.deadlines_for(incident, deadline_links.HANDLING).get()
    assert d.state == "met"


def test_drills_are_flagged_and_kept_out_of_real(make_incident):
    real = make_incident()
    drill = make_incident(source=Incident.Source.DRILL, title="演练")
    assert drill.is_drill and not real.is_drill
    assert list(Incident.objects.real()) == [real]
    assert list(Incident.objects.drills()) == [drill]


def test_validation_messages(make_incident):
    with pytest.raises(ApplicationError, match="title"):
        make_incident(title=" ")
    with pytest.raises(ApplicationError, match="future"):
        make_incident(discovered_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ApplicationError, match="occur after"):
        now = timezone.now()
        make_incident(discovered_at=now - timedelta(hours=2), occurred_at=now - timedelta(hours=1))
    with pytest.raises(ApplicationError, match="partner"):
        make_incident(source=Incident.Source.PARTNER)
    with pytest.raises(ApplicationError, match="negative"):
        make_incident(persons_leaked=-1)
