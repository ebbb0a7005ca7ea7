"""Writes of the governance app: the changes the annual process review adopts (O3; §4 and 三(五):
its improvements become next year's data-sharing process standard)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from ..models import AdoptedChange, Meeting, MeetingKind


@transaction.atomic
def meeting_adopt_change(
    *,
    actor,
    meeting: Meeting,
    kind: str,
    description: str,
    applies_from_year: int | None = None,
    source_label: str = "",
) -> AdoptedChange:
    """Record one change the annual process-review meeting adopted. It applies from the year
    after the meeting unless another year is given."""
    policy.require(actor, "governance.meeting.adopt", meeting)
    if meeting.kind != MeetingKind.ANNUAL_REVIEW:
        raise ApplicationError(
            _("Only the annual process-review meeting adopts plan and process changes.")
        )
    if meeting.state == Meeting.State.CANCELLED:
        raise ApplicationError(_("The meeting was cancelled."))
    if kind not in AdoptedChange.Kind.values:
        raise ApplicationError(_("Say whether the change is to a plan or to the process."))
    description = (description or "").strip()
    if not description:
        raise ApplicationError(_("Describe the adopted change."))
    meeting_year = timezone.localtime(meeting.scheduled_at).year
    year = int(applies_from_year or meeting_year + 1)
    if year < meeting_year:
        raise ApplicationError(_("An adopted change cannot apply before the meeting's year."))
    return AdoptedChange.objects.create(
        meeting=meeting,
        kind=kind,
        description=description,
        applies_from_year=year,
        source_label=(source_label or "").strip()[:200],
        recorded_by=policy.person(actor),
    )
