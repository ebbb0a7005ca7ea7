from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from incidents.models import Incident
from tests.conftest import make_user

SH = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    settings.SITE_NAME = "示例证券股份有限公司"


@pytest.fixture
def head(db, department):
    """The compliance head: an officer, and the only one who should get the final escalation."""
    return make_user("head", Role.COMPLIANCE_OFFICER, department=department, display_name="孙主管")


@pytest.fixture
def clock():
    """clock(dt) freezes time at dt (ticking off) until the test ends or the next call."""
    travellers = []

    def _at(dt):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(dt, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield _at
    for traveller in travellers:
        traveller.stop()


def create_incident(*, discovered_at, assignee, source, cii_involved, systems, title):
    """A case opened through incidents' own service (reference, drill flag from the source,
    systems, timeline), so these tests prove the integration end to end."""
    from incidents import services as incident_services

    return incident_services.incident_create(
        title=title,
        description="交易时段集中交易系统全部中断。",
        category="equipment_failure",
        source=source,
        discovered_at=discovered_at,
        assignee=assignee,
        actor=assignee,
        cii_involved=cii_involved,
        affected_systems=list(systems),
    )


DISCOVERED = local(2026, 3, 10, 9, 17)
CII_SYSTEM = {"name": "集中交易系统", "category": "trading", "is_cii": True, "outage_minutes": 45}


@pytest.fixture
def cii_incident(db, handler, clock):
    """An incident at a CII operator, discovered 2026-03-10 09:17 (Shanghai), not graded."""

    def _make(
        discovered=DISCOVERED,
        source=Incident.Source.INTERNAL,
        cii_involved=True,
        systems=(
            {"name": "集中交易系统", "category": "trading", "is_cii": True, "outage_minutes": 45},
        ),
    ):
        clock(discovered + timedelta(seconds=5))
        return create_incident(
            discovered_at=discovered,
            assignee=handler,
            source=source,
            cii_involved=cii_involved,
            systems=systems,
            title="集中交易系统中断",
        )

    return _make


def grade(incident, new_grade, actor, reason="按事实定级"):
    """Grade or regrade through incidents' grading service: `new_grade=None` confirms the
    criteria's proposal; a grade confirms or overrides it (the reason is always given, as an
    override and a regrade require one). The service sends `incident_graded` in its
    transaction, which is what creates and re-times the reports."""
    from incidents import services as incident_services

    incident_services.incident_grade(incident=incident, actor=actor, grade=new_grade, reason=reason)
    incident.refresh_from_db()
    return incident


def resolve(incident, actor, resolved_at):
    """Start handling (if not yet) and resolve through incidents' lifecycle services."""
    from incidents import services as incident_services

    incident.refresh_from_db()
    if incident.status == Incident.Status.GRADED:
        incident_services.incident_start_handling(incident=incident, actor=actor)
    incident = incident_services.incident_resolve(
        incident=incident, actor=actor, resolved_at=resolved_at, contained_at=resolved_at
    )
    incident.refresh_from_db()
    return incident


# A case at an operator outside critical information infrastructure: the CAC route is the
# provincial cyberspace office (CAC 2025 Art. 4 「其他网络运营者」).
NON_CII = {
    "cii_involved": False,
    "systems": (
        {"name": "网上交易系统", "category": "trading", "is_cii": False, "outage_minutes": 45},
    ),
}
