"""Rules for training: plans and courses (officers), a trainee's own assignment, drills (the
coordinator runs them; participants record findings; observers only watch).

Objects are read by attribute only; this module imports no domain app."""

from django.utils.translation import gettext_lazy as _

from .core import rule
from .roles import OFFICERS, has_any, is_writer

_OFFICER = _("Only a compliance officer may do this.")
for _action in (
    "training.plan.create",
    "training.plan.approve",
    "training.course.create",
    "training.course.publish",
    "training.course.material_add",
    "training.course.question_add",
    "training.assignment.grant_attempts",
    "training.evaluation.record",
    "training.drill.plan",
    "training.drill.reschedule",
    "training.drill.cancel",
):
    rule(_action, message=_OFFICER)(lambda user, obj=None: has_any(user, OFFICERS))


@rule(
    "training.assignment.take",
    message=_("This training is assigned to someone else."),
    needs_object=True,
)
def _trainee(user, assignment) -> bool:
    return assignment.user_id == user.pk


def _coordinator(user, drill) -> bool:
    return has_any(user, OFFICERS) or (is_writer(user) and drill.coordinator_id == user.pk)


_COORDINATOR = _("Only the coordinator of the drill or a compliance officer may do this.")
for _action in ("training.drill.start", "training.drill.assess", "training.drill.complete"):
    rule(_action, message=_COORDINATOR, needs_object=True)(_coordinator)


@rule(
    "training.drill.finding_add",
    message=_("Only the drill's coordinator, its participants or an officer record findings."),
    needs_object=True,
)
def _drill_finding(user, drill) -> bool:
    if _coordinator(user, drill):
        return True
    return is_writer(user) and drill.participants.filter(pk=user.pk).exists()


# Awareness campaigns (§6 宣传): officers plan and launch; a recipient acknowledges their own.
for _action in ("training.campaign.create", "training.campaign.launch"):
    rule(_action, message=_OFFICER)(lambda user, obj=None: has_any(user, OFFICERS))


@rule(
    "training.campaign.acknowledge",
    message=_("This campaign did not reach you."),
    needs_object=True,
)
def _campaign_recipient(user, receipt) -> bool:
    # Auditors change nothing, not even a receipt.
    return is_writer(user) and receipt.user_id == user.pk
