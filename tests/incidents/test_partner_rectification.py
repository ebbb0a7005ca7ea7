from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from incidents import deadline_links, services
from incidents.models import Incident, IncidentTask, RectificationItem

pytestmark = pytest.mark.django_db


def test_partner_incident_opens_investigation_and_followup(make_incident, handler):
    incident = make_incident(source=Incident.Source.PARTNER, counterparty_name="某外包商")
    task = incident.tasks.get(kind=IncidentTask.Kind.INVESTIGATION)
    assert "某外包商" in task.title and task.due_at
    d = deadline_links._active(incident, deadline_links.PARTNER_FOLLOWUP)
    assert d is not None and d.state == "open"
    assert timedelta(hours=23) < d.due_at - incident.created_at <= timedelta(hours=24)
    services.task_set_state(task=task, actor=handler, state="done")
    d.refresh_from_db()
    assert d.state == "met"


def test_partner_incident_with_governance_counterparty(make_incident, handler):
    from governance.models import Counterparty

    cp = Counterparty.objects.create(kind="service", name="某数据服务公司")
    incident = make_incident(source=Incident.Source.PARTNER, counterparty=cp)
    assert incident.counterparty == cp
    assert incident.tasks.filter(kind="investigation").exists()


def test_rectification_needs_second_person(incident, handler, handler2):
    item = services.rectification_create(
        incident=incident,
        title="补充日志审计",
        owner=handler,
        due_at=timezone.now() + timedelta(days=5),
        actor=handler,
    )
    d = deadline_links._active(item, deadline_links.RECTIFICATION)
    assert d.owner == handler and d.due_at == item.due_at
    with pytest.raises(ApplicationError):
        services.rectification_verify(item=item, actor=handler2)  # not done yet
    services.rectification_complete(item=item, actor=handler, note="已部署")
    with pytest.raises(ApplicationError, match="second person"):
        services.rectification_verify(item=item, actor=handler)
    with pytest.raises(ApplicationError):
        services.rectification_verify(item=item, actor=handler2, accept=False)  # needs a reason
    services.rectification_verify(item=item, actor=handler2, accept=False, note="缺少证据")
    item.refresh_from_db()
    assert item.state == RectificationItem.State.OPEN
    services.rectification_complete(item=item, actor=handler, note="补充证据")
    services.rectification_verify(item=item, actor=handler2, note="ok")
    item.refresh_from_db()
    d.refresh_from_db()
    assert item.state == "verified" and item.verified_by == handler2 and d.state == "met"


def test_rectification_can_belong_to_another_record(handler, officer):
    # e.g. a drill finding in training: the generic origin link
    item = services.rectification_create(
        origin=officer,
        title="演练发现：通讯录过期",
        owner=handler,
        due_at=timezone.now() + timedelta(days=3),
        actor=officer,
    )
    assert item.incident is None and item.origin == officer
    assert list(RectificationItem.objects.visible_to(handler)) == [item]
