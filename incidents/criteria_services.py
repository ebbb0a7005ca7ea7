"""Versioning of grading criteria: officers copy the active set to a draft, edit it in the
admin, then activate it. Grades already given keep their version and matched-criteria snapshot."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from .models import GradingCriterion, GradingCriterionSet


@transaction.atomic
def criterion_set_copy(*, criterion_set, actor, name: str = "") -> GradingCriterionSet:
    policy.require(actor, "incidents.criteria.change")
    version = (GradingCriterionSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    new = GradingCriterionSet.objects.create(
        version=version,
        name=name or criterion_set.name,
        notes=_("Copied from v%(v)d") % {"v": criterion_set.version},
    )
    rows = []
    for c in criterion_set.criteria.all():
        c.pk = None
        c.criterion_set = new
        rows.append(c)
    GradingCriterion.objects.bulk_create(rows)
    return new


@transaction.atomic
def criterion_set_activate(*, criterion_set, actor) -> GradingCriterionSet:
    policy.require(actor, "incidents.criteria.activate", criterion_set)
    cs = GradingCriterionSet.objects.select_for_update().get(pk=criterion_set.pk)
    if cs.state != GradingCriterionSet.State.DRAFT:
        raise ApplicationError(_("Only a draft version can be activated."))
    if not cs.criteria.exists():
        raise ApplicationError(_("A criteria set without criteria cannot be activated."))
    from django.core.exceptions import ValidationError

    for criterion in cs.criteria.filter(is_active=True):
        try:
            criterion.clean()
        except ValidationError:
            raise ApplicationError(
                _("Criterion %(code)s is active but not filled in: enter its thresholds first.")
                % {"code": criterion.code}
            )
    GradingCriterionSet.objects.filter(state=GradingCriterionSet.State.ACTIVE).update(
        state=GradingCriterionSet.State.RETIRED
    )
    cs.state = GradingCriterionSet.State.ACTIVE
    cs.approved_by = policy.person(actor)
    cs.approved_at = timezone.now()
    cs.save()
    return cs
