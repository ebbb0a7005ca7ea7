from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from incidents.models import AffectedSystem, GradeDecision, GradingCriterionSet, Incident
from incidents.signals import incident_graded, incident_resolved
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
    """A case as the incidents app opens it (reference, drill flag from the source, systems).

    Written against the incidents models and signals (its published contract) so these tests
    exercise reporting's side of that contract."""
    from django.utils import timezone

    year = timezone.localdate().year
    number = Incident.objects.filter(year=year).count() + 1
    incident = Incident.objects.create(
        reference=f"SJAQ-{year}-{number:04d}",
        year=year,
        number=number,
        title=title,
        description="交易时段集中交易系统全部中断。",
        category="equipment_failure",
        source=source,
        is_drill=source == Incident.Source.DRILL,
        discovered_at=discovered_at,
        assignee=assignee,
        team=assignee.department,
        created_by=assignee,
        cii_involved=cii_involved,
    )
    for system in systems:
        AffectedSystem.objects.create(incident=incident, **system)
    return incident


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
    """Grade or regrade as incidents does: a decision row, the grade, then incident_graded,
    all in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        old_grade = incident.grade
        GradeDecision.objects.create(
            incident=incident,
            criterion_set=GradingCriterionSet.active(),
            old_grade=old_grade,
            proposed_grade=new_grade,
            grade=new_grade,
            reason=reason,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        incident.grade = new_grade
        incident.status = Incident.Status.GRADED
        incident.save(update_fields=["grade", "status", "updated_at"])
        incident_graded.send(
            sender=Incident,
            incident=incident,
            old_grade=old_grade,
            new_grade=new_grade,
            actor=actor,
            reason=reason,
        )
    incident.refresh_from_db()
    return incident


def resolve(incident, actor, resolved_at):
    from django.db import transaction

    with transaction.atomic():
        incident.resolved_at = resolved_at
        incident.status = Incident.Status.RESOLVED
        incident.save(update_fields=["resolved_at", "status", "updated_at"])
        incident_resolved.send(sender=Incident, incident=incident, actor=actor)
    return incident
