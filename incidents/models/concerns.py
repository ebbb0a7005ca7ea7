"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on (concerns)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from accounts.roles import Role, user_roles
from core.models import TimeStampedModel

from .cases import Incident


def is_compliance_head(user) -> bool:
    """Whoever holds the compliance-head contact role now (resolved by the deadline engine's
    role resolvers, which governance fills); nobody else learns a confidential reporter."""
    from django.utils import timezone

    from deadlines.resolvers import resolve_role

    if not getattr(user, "is_authenticated", False):
        return False
    holders = resolve_role("compliance_head", at=timezone.now(), deadline=None)
    return any(getattr(h, "pk", None) == user.pk for h in holders)


class Concern(TimeStampedModel):
    """A staff member's report of a suspected data-security problem (standard §6 宣传)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting triage")
        PROMOTED = "promoted", _("Promoted to an incident")
        CLOSED = "closed", _("Closed")

    class Confidentiality(models.TextChoices):
        NAMED = "named", _("Named: the handlers see who I am")
        CONFIDENTIAL = "confidential", _("Confidential: only the compliance head sees who I am")
        ANONYMOUS = "anonymous", _("Anonymous: nobody can tell who I am; I follow it with a code")

    # Empty for an anonymous concern: no link to an account is stored at all (a constraint
    # keeps it so); the reporter follows it with the code shown once when it was sent.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("reporter"),
    )
    confidentiality = models.CharField(
        _("who may know it was me"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.NAMED,
    )
    follow_code_hash = models.CharField(
        _("follow-up code (SHA-256)"), max_length=64, blank=True, db_index=True, editable=False
    )
    summary = models.CharField(_("what happened"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    observed_at = models.DateTimeField(_("observed at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("incident"),
    )

    objects = VisibleQuerySet.as_manager()

    # Set by concern_submit on an anonymous concern: the follow-up code, shown once, never stored.
    follow_code: str = ""

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(confidentiality="anonymous") & Q(reporter__isnull=True))
                | (~Q(confidentiality="anonymous") & Q(reporter__isnull=False)),
                name="incidents_concern_anonymous_has_no_reporter",
            )
        ]

    def __str__(self):
        return self.summary

    @property
    def confidentiality_label(self) -> str:
        """A short label for lists (the choice labels are written for the reporter's form)."""
        labels = {
            self.Confidentiality.NAMED.value: _("Named"),
            self.Confidentiality.CONFIDENTIAL.value: _("Confidential"),
            self.Confidentiality.ANONYMOUS.value: _("Anonymous"),
        }
        return str(labels.get(self.confidentiality, self.confidentiality))

    def reporter_shown_to(self, user, *, head: bool | None = None) -> str:
        """The reporter as `user` may see them: a confidential reporter only to the compliance
        head (and to themselves), an anonymous one to nobody."""
        C = self.Confidentiality
        if self.confidentiality == C.ANONYMOUS:
            return str(_("Anonymous"))
        if self.confidentiality == C.CONFIDENTIAL and not (
            user is not None
            and (
                user.pk == self.reporter_id or (is_compliance_head(user) if head is None else head)
            )
        ):
            return str(_("Withheld (confidential)"))
        return str(self.reporter)

    @classmethod
    def visibility_q(cls, user) -> Q:
        if Role.INCIDENT_HANDLER in user_roles(user):
            return Q(pk__isnull=False)  # handlers work the triage queue
        return Q(reporter=user)


class ConcernMessage(models.Model):
    """A message on a concern: a triager's reply the reporter sees, or facts the reporter adds
    (signed in, or with the anonymous follow-up code: then no account is stored)."""

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="messages", verbose_name=_("concern")
    )
    from_reporter = models.BooleanField(_("from the reporter"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("concern message")
        verbose_name_plural = _("concern messages")
        ordering = ["concern", "created_at", "id"]

    def __str__(self):
        return self.body[:60]

    @property
    def author_label(self) -> str:
        if self.from_reporter:
            return str(_("Reporter"))
        return str(self.author) if self.author else str(_("Handler"))

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(concern__in=Concern.objects.filter(Concern.visibility_q(user)))
