import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from accounts.policy import SYSTEM
from core.errors import ApplicationError
from deadlines import services as deadline_services
from deadlines.resolvers import resolve_role
from deadlines.seed import ensure_kind
from deadlines.sweeper import sweep_steps
from governance import services
from governance.models import ContactRole
from notifications.models import Outbox

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_role_reaches_the_holder_then(officer, officer2, handler, handler2):
    services.contact_role_assign(
        role=ContactRole.INCIDENT_LEAD,
        holder=handler,
        deputy=handler2,
        valid_from=D(2026, 1, 1),
        valid_until=D(2026, 6, 30),
        actor=officer,
    )
    services.contact_role_assign(
        role=ContactRole.INCIDENT_LEAD, holder=officer2, valid_from=D(2026, 7, 1), actor=officer
    )
    assert resolve_role("incident_lead", at=at(D(2026, 3, 1)), deadline=None) == [handler]
    assert resolve_role("incident_lead", at=at(D(2026, 8, 1)), deadline=None) == [officer2]
    # A permission role is not a contact role: governance does not answer it.
    assert services_none("compliance_officer")


def services_none(code):
    from governance.resolvers import resolve_contact_role

    return resolve_contact_role(code, timezone.now(), None) is None


def test_deputy_when_assignment_ended_or_holder_disabled(officer, handler, handler2):
    a = services.contact_role_assign(
        role=ContactRole.COMPLIANCE_HEAD,
        holder=handler,
        deputy=handler2,
        valid_from=D(2026, 1, 1),
        valid_until=D(2026, 3, 31),
        actor=officer,
    )
    assert resolve_role("compliance_head", at=at(D(2026, 4, 2)), deadline=None) == [handler2]
    services.contact_role_update(assignment=a, valid_until=None, actor=officer)
    handler.is_active = False
    handler.save()
    assert resolve_role("compliance_head", at=at(D(2026, 4, 2)), deadline=None) == [handler2]


def test_vacant_incident_lead_falls_back_to_deputy_incident_lead(officer, handler2):
    services.contact_role_assign(
        role=ContactRole.DEPUTY_INCIDENT_LEAD,
        holder=handler2,
        valid_from=D(2026, 1, 1),
        actor=officer,
    )
    assert resolve_role("incident_lead", at=at(D(2026, 2, 1)), deadline=None) == [handler2]


def test_escalation_reaches_the_deputy_when_the_holders_assignment_has_ended(
    officer, handler, handler2
):
    """End to end through the engine: the step fires after the holder's assignment ended."""
    services.contact_role_assign(
        role=ContactRole.INCIDENT_LEAD,
        holder=handler,
        deputy=handler2,
        valid_from=D(2026, 1, 1),
        valid_until=D(2026, 5, 31),
        actor=officer,
    )
    ensure_kind(
        code="test.escalation",
        label="test",
        steps=[{"offset": "+1h", "recipients": ["role:incident_lead"], "channels": ["inapp"]}],
    )
    with time_machine.travel(at(D(2026, 5, 30)), tick=False):
        deadline = deadline_services.deadline_create(
            subject=officer,
            kind="test.escalation",
            due_at=at(D(2026, 6, 2), 9),
            owner=officer,
            actor=SYSTEM,
        )
    moment = at(D(2026, 6, 2), 10) + datetime.timedelta(minutes=1)
    with time_machine.travel(moment, tick=False):
        sweep_steps(now=moment)
    recipients = set(
        Outbox.objects.filter(deadline=deadline).values_list("recipient__username", flat=True)
    )
    assert recipients == {"handler2"}


def test_overlapping_assignment_and_bad_scope_refused(officer, handler, handler2, department):
    services.contact_role_assign(
        role=ContactRole.REGULATOR_LIAISON, holder=handler, valid_from=D(2026, 1, 1), actor=officer
    )
    with pytest.raises(ApplicationError, match="already holds"):
        services.contact_role_assign(
            role=ContactRole.REGULATOR_LIAISON,
            holder=handler2,
            valid_from=D(2026, 3, 1),
            actor=officer,
        )
    with pytest.raises(ApplicationError, match="deputy must be someone other"):
        services.contact_role_assign(
            role=ContactRole.DATA_CONTROLLER,
            holder=handler,
            deputy=handler,
            valid_from=D(2026, 1, 1),
            actor=officer,
        )
    with pytest.raises(ApplicationError, match="department of that kind"):
        services.contact_role_assign(
            role=ContactRole.DATA_USING_CONTACT,
            holder=handler,
            department=department,
            valid_from=D(2026, 1, 1),
            actor=officer,
        )
    assert (
        services.contact_role_assign(
            role=ContactRole.DATA_AUTHORITY_CONTACT,
            holder=handler,
            department=department,
            valid_from=D(2026, 1, 1),
            actor=officer,
        ).scope_label
        == department.name
    )


def test_directory_page_excel_and_vcard(client_for, officer, handler, handler2, staff):
    handler.phone = "13800000000"
    handler.save()
    services.contact_role_assign(
        role=ContactRole.INCIDENT_LEAD,
        holder=handler,
        deputy=handler2,
        valid_from=timezone.localdate() - datetime.timedelta(days=1),
        actor=officer,
    )
    client = client_for(staff)
    page = client.get("/governance/directory/")
    assert page.status_code == 200 and "13800000000" in page.content.decode()
    xlsx = load_workbook(
        io.BytesIO(client.get("/governance/directory/?format=xlsx").content)
    ).active
    assert xlsx.cell(row=2, column=3).value == str(handler)
    vcf = client.get("/governance/directory/?format=vcf").content.decode()
    assert vcf.count("BEGIN:VCARD") == 2 and "TEL;TYPE=WORK,VOICE:13800000000" in vcf
