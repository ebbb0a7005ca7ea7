import pytest

from core.errors import ApplicationError
from incidents.models import Concern, Incident

pytestmark = pytest.mark.django_db


def test_staff_report_triage_promote_and_outcome(client_for, staff, handler, make_user_staff2):
    client = client_for(staff)
    resp = client.post(
        "/incidents/concerns/new/", {"summary": "收到可疑钓鱼邮件", "details": "附件"}
    )
    assert resp.status_code == 302
    concern = Concern.objects.get()
    assert concern.reporter == staff and concern.state == "submitted"
    # staff see only their own concerns; never incidents
    other = Concern.objects.create(reporter=make_user_staff2, summary="别人的")
    assert list(Concern.objects.visible_to(staff)) == [concern]
    assert client.get(f"/incidents/concerns/{other.pk}/").status_code == 404
    assert client.get("/api/concerns/").json()["count"] == 1
    assert client.get("/incidents/").status_code == 403

    client = client_for(handler)
    queue = client.get("/incidents/concerns/")
    assert "收到可疑钓鱼邮件" in queue.content.decode()
    resp = client.post(f"/incidents/concerns/{concern.pk}/promote/", {"category": "network_attack"})
    assert resp.status_code == 302
    concern.refresh_from_db()
    incident = concern.incident
    assert concern.state == "promoted" and incident.source == Incident.Source.STAFF_REPORT
    assert incident.reference in concern.outcome

    client = client_for(staff)
    page = client.get("/incidents/concerns/mine/").content.decode()
    assert incident.reference in page
    assert client.get(f"/incidents/{incident.pk}/").status_code == 404


def test_close_needs_reason_and_reporter_sees_it(client_for, staff, handler):
    api = client_for(staff)
    resp = api.post(
        "/api/concerns/", {"summary": "打印机旁有客户资料"}, content_type="application/json"
    )
    assert resp.status_code == 201
    cid = resp.json()["id"]
    # staff cannot triage
    assert api.post(f"/api/concerns/{cid}/close/", {"reason": "x"}).status_code == 403
    api = client_for(handler)
    assert api.post(f"/api/concerns/{cid}/close/", {"reason": ""}).status_code == 400
    resp = api.post(
        f"/api/concerns/{cid}/close/",
        {"reason": "已提醒部门整理，不构成事件"},
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["state"] == "closed"
    api = client_for(staff)
    assert api.get(f"/api/concerns/{cid}/").json()["outcome"] == "已提醒部门整理，不构成事件"
    with pytest.raises(ApplicationError):
        from incidents import services

        services.concern_close(concern=Concern.objects.get(), actor=handler, reason="again")
