"""An agreement waiting for a second officer is a deadline, and the people concerned are told."""

from datetime import date

import pytest

from deadlines.models import Deadline
from governance import services
from notifications.models import Outbox

pytestmark = pytest.mark.django_db


def test_submitted_agreement_waits_on_the_engine_and_the_approver_is_told(
    make_agreement, counterparty, officer, officer2
):
    agreement = make_agreement(
        counterparty, starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31), approve=False
    )
    if agreement.approval_state == agreement.Approval.DRAFT:
        services.agreement_submit(agreement=agreement, actor=officer)
    waiting = Deadline.objects.get(kind__code="governance.agreement.approval")
    assert waiting.state == Deadline.State.OPEN and waiting.owner is None
    asked = Outbox.objects.filter(
        key__startswith="e:governance.agreement.approval_requested", channel="inapp"
    )
    # The second officer is asked; the owner (who submitted) is not.
    assert list(asked.values_list("recipient_id", flat=True)) == [officer2.pk]
    assert agreement.reference in asked.get().subject

    services.agreement_return(agreement=agreement, actor=officer2, comment="请补充数据范围")
    waiting.refresh_from_db()
    assert waiting.state == Deadline.State.MET
    told = Outbox.objects.get(
        key__startswith="e:governance.agreement.decided", recipient=officer, channel="inapp"
    )
    assert told.body == "请补充数据范围"
