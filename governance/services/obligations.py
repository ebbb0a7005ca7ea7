"""Writes of the governance app. Keyword-only arguments, one transaction each, full validation; (obligations)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.roles import Role
from audit.context import acting_as
from core.errors import ApplicationError
from core.uploads import check_upload
from notifications.services import notify
from security import files

from .. import obligations as obligation_rules
from ..models import (
    EVIDENCE_FILE_KINDS,
    ContactRole,
    Obligation,
    ObligationEvidence,
    ObligationPeriod,
    today_local,
)
from .common import _sha256, local_datetime


def obligation_periods_ensure(*, today: datetime.date | None = None) -> int:
    """Create every period of every active obligation up to the one containing today."""
    today = today or today_local()
    created = 0
    for obligation in Obligation.objects.filter(is_active=True):
        have = set(obligation.periods.values_list("starts_on", flat=True))
        rows = [
            ObligationPeriod(obligation=obligation, label=label, starts_on=start, ends_on=end)
            for start, end, label in obligation_rules.periods_between(
                obligation.frequency, obligation.tracked_from, today
            )
            if start not in have
        ]
        ObligationPeriod.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(rows)
    return created


def _evidence_for(period: ObligationPeriod):
    """The earliest evidence dated inside the period, from the rule or attached by hand."""
    found = []
    rule = obligation_rules.evidence_rule(period.obligation.evidence_rule)
    if rule is not None:
        found.extend(rule(period.starts_on, period.ends_on))
    for ev in period.manual_evidence.all():
        if period.starts_on <= ev.evidence_on <= period.ends_on:
            url = ev.url or files.url_for(ev, "file")
            found.append(
                obligation_rules.Evidence(label=ev.description, url=url, on=ev.evidence_on)
            )
    return min(found, key=lambda e: e.on) if found else None


def compliance_head_recipients(at: datetime.datetime | None = None) -> list:
    """Whoever holds the compliance-head role now (or their deputy); if the role is vacant
    with no deputy, every compliance officer, so a missed obligation is never told to nobody."""
    from django.contrib.auth import get_user_model

    from ..resolvers import holders_of

    users = holders_of(ContactRole.COMPLIANCE_HEAD, at or timezone.now())
    if users:
        return users
    return list(
        get_user_model().objects.filter(groups__name=Role.COMPLIANCE_OFFICER, is_active=True)
    )


def _evaluate(period: ObligationPeriod, today: datetime.date, now) -> str:
    evidence = _evidence_for(period)
    S = ObligationPeriod.State
    if evidence:
        state = S.MET
        period.met_at = local_datetime(evidence.on, 0)
        period.evidence_label = evidence.label[:200]
        period.evidence_url = evidence.url[:300]
    else:
        state = S.MISSED if period.ends_on < today else S.DUE
        period.met_at = None
        period.evidence_label = ""
        period.evidence_url = ""
    period.state = state
    period.evaluated_at = now
    period.save(update_fields=["state", "met_at", "evidence_label", "evidence_url", "evaluated_at"])
    if state == S.MISSED and period.missed_notified_at is None:
        from django.urls import reverse

        obligation = period.obligation
        notify(
            recipients=compliance_head_recipients(now),
            subject=_("Obligation missed: %(title)s (%(period)s)")
            % {"title": obligation.title, "period": period.label},
            body=_(
                "The period %(period)s of “%(title)s” ended on %(end)s without evidence that it "
                "was met. Record what happened and attach evidence or a remediation plan."
            )
            % {"period": period.label, "title": obligation.title, "end": period.ends_on},
            url=reverse("governance:dashboard") + f"?year={period.starts_on.year}",
            dedupe_key=f"governance:obligation-missed:{period.pk}",
        )
        period.missed_notified_at = now
        period.save(update_fields=["missed_notified_at"])
    return state


def obligations_evaluate(*, today: datetime.date | None = None) -> dict:
    """Create periods up to today, then (re)evaluate every period that is not met. A missed
    period turns met if in-period evidence is recorded late; the compliance head is told of
    each newly missed one once."""
    today = today or today_local()
    now = timezone.now()
    counts = {"created": 0, "met": 0, "due": 0, "missed": 0}
    with transaction.atomic():
        counts["created"] = obligation_periods_ensure(today=today)
        periods = (
            ObligationPeriod.objects.filter(obligation__is_active=True, starts_on__lte=today)
            .exclude(state=ObligationPeriod.State.MET)
            .select_related("obligation")
            .prefetch_related("manual_evidence")
            .select_for_update(of=("self",))
        )
        for period in periods:
            counts[_evaluate(period, today, now)] += 1
    return counts


def _reevaluate_for_day(day: datetime.date):
    """Evidence dated `day` appeared: re-evaluate the periods containing it right away."""
    today, now = today_local(), timezone.now()
    for period in (
        ObligationPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .exclude(state=ObligationPeriod.State.MET)
        .select_related("obligation")
        .prefetch_related("manual_evidence")
    ):
        _evaluate(period, today, now)


def obligation_evidence_attach(
    *,
    period: ObligationPeriod,
    description: str,
    evidence_on: datetime.date,
    url: str = "",
    file=None,
    actor,
) -> ObligationEvidence:
    """An officer attaches evidence by hand (e.g. a drill report before drills are tracked)."""
    policy.require(actor, "governance.obligation.evidence")
    if not description.strip():
        raise ApplicationError(_("Describe the evidence."))
    if not (url or file):
        raise ApplicationError(_("Attach a file or give a link to the evidence."))
    if not (period.starts_on <= evidence_on <= period.ends_on):
        raise ApplicationError(
            _("The evidence is dated %(on)s, outside the period %(start)s – %(end)s.")
            % {"on": evidence_on, "start": period.starts_on, "end": period.ends_on}
        )
    if evidence_on > today_local():
        raise ApplicationError(_("Evidence cannot be dated in the future."))
    if file is not None:
        check_upload(file, kinds=EVIDENCE_FILE_KINDS)
    with transaction.atomic(), acting_as(actor):
        evidence = ObligationEvidence(
            period=period,
            description=description.strip(),
            evidence_on=evidence_on,
            url=url,
            attached_by=actor,
        )
        if file is not None:
            evidence.sha256 = _sha256(file)
            evidence.file.save(file.name, file, save=False)
        evidence.save()
        _evaluate(
            ObligationPeriod.objects.select_related("obligation").get(pk=period.pk),
            today_local(),
            timezone.now(),
        )
    period.refresh_from_db()
    return evidence
