"""The obligations calendar (governance) finds training evidence through the rules training
registers: the approved plan (O10-plan) and the recorded evaluation (O10-done)."""

import datetime as dt

import pytest

from governance.models import ObligationPeriod
from training import services
from training.models import Topic

pytestmark = pytest.mark.django_db


def _period(code, year):
    return ObligationPeriod.objects.get(obligation__code=code, starts_on=dt.date(year, 1, 1))


def test_plan_approval_marks_the_plan_obligation_met(
    plan, officer, roles, year, django_capture_on_commit_callbacks
):
    from governance.services import obligations_evaluate

    obligations_evaluate()
    assert _period("O10-plan", year).state == ObligationPeriod.State.DUE
    services.course_create(
        plan=plan,
        title="全员",
        topics=Topic.values,
        due_date=dt.date(year, 12, 31),
        audience_all=True,
        actor=officer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_approve(plan=plan, actor=officer)
    period = _period("O10-plan", year)
    assert period.state == ObligationPeriod.State.MET
    assert str(year) in period.evidence_label
    assert period.evidence_url == f"/training/plans/{plan.pk}/"
    # The evaluation obligation is still due until results are evaluated.
    assert _period("O10-done", year).state == ObligationPeriod.State.DUE
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_record(plan=plan, conclusion="完成率达标。", actor=officer)
    assert _period("O10-done", year).state == ObligationPeriod.State.MET
