"""Every dated thing a person must do is on the engine, and its notice opens a page they may see."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from deadlines.models import Deadline
from deadlines.sweeper import sweep
from incidents import services
from notifications.delivery import deliver_batch
from notifications.models import InboxItem, Outbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)


def _deliver_all():
    deliver_batch(list(Outbox.objects.filter(state="pending").values_list("id", flat=True)))


def test_task_due_in_two_hours_reminds_its_assignee(incident, handler, handler2):
    now = timezone.now()
    task = services.task_create(
        incident=incident,
        actor=handler,
        title="封堵泄露接口",
        assignee=handler2,
        due_at=now + timedelta(hours=2),
    )
    deadline = Deadline.objects.get(kind__code="incident.task.due", object_id=task.pk)
    assert deadline.owner == handler2 and deadline.due_at == task.due_at
    with time_machine.travel(now + timedelta(hours=1, minutes=1), tick=False):
        sweep()
        _deliver_all()
    reminders = InboxItem.objects.filter(user=handler2, outbox__deadline=deadline)
    assert reminders.count() == 1
    assert "封堵泄露接口" in reminders.get().subject
    # Done: no more reminders.
    services.task_set_state(task=task, actor=handler2, state="done")
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MET


def test_task_handed_to_someone_else_moves_its_deadline(incident, handler, handler2):
    task = services.task_create(
        incident=incident,
        actor=handler,
        title="复核日志",
        assignee=handler,
        due_at=timezone.now() + timedelta(hours=5),
    )
    services.task_update(task=task, actor=handler, assignee=handler2)
    deadline = Deadline.objects.get(kind__code="incident.task.due", object_id=task.pk)
    assert deadline.owner == handler2
    assert Outbox.objects.filter(
        key__startswith="e:incident.task.assigned", recipient=handler2
    ).exists()


def test_rectification_owner_notices_open_a_page_they_may_see(client, incident, handler, staff):
    item = services.rectification_create(
        incident=incident,
        actor=handler,
        title="补充访问日志审计",
        owner=staff,
        due_at=timezone.now() + timedelta(days=3),
    )
    deadline = Deadline.objects.get(kind__code="incident.rectification", object_id=item.pk)
    with time_machine.travel(deadline.due_at + timedelta(minutes=1), tick=False):
        sweep()
    _deliver_all()
    notices = InboxItem.objects.filter(user=staff)
    assert notices.count() >= 2  # "given to you" and the due notice
    client.force_login(staff)
    for notice in notices:
        path = notice.url.split("#")[0]
        page = client.get(path)
        assert page.status_code == 200, notice.url
        assert "补充访问日志审计" in page.content.decode()


def test_concern_notifies_the_triagers_and_is_overdue_after_its_policy(
    handler, handler2, officer, staff
):
    concern = services.concern_submit(reporter=staff, summary="收到可疑的客户资料导出请求")
    _deliver_all()
    for triager in (handler, handler2, officer):
        assert InboxItem.objects.filter(user=triager, subject__contains="可疑").exists()
    assert not InboxItem.objects.filter(user=staff).exists()
    deadline = Deadline.objects.get(kind__code="incident.concern.triage", object_id=concern.pk)
    assert deadline.due_at > concern.created_at + timedelta(hours=12)  # one working day
    assert deadline.due_at <= concern.created_at + timedelta(days=4)  # across a weekend at most
    with time_machine.travel(deadline.due_at + timedelta(seconds=1), tick=False):
        sweep()
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MISSED
    # Triaged late: the deadline is met (late), the reminders stop.
    services.concern_close(concern=concern, actor=handler, reason="误报")
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MET
