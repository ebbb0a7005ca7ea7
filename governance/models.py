"""Governance records: who the firm shares regulatory data with, under which agreement, who holds
which contact role, the meetings the standard requires and the obligations that prove it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from accounts.roles import Role
from core.models import TimeStampedModel
from core.uploads import UploadValidator

from .validators import validate_credit_code

# Accepted uploads (type by content, core.uploads): a signed agreement is a PDF, a Word document
# or a scan; meeting papers and obligation evidence may also be spreadsheets, slides or text.
AGREEMENT_DOCUMENT_KINDS = ("docx", "jpeg", "pdf", "png")
MEETING_ATTACHMENT_KINDS = ("docx", "gif", "jpeg", "pdf", "png", "pptx", "text", "xlsx")
EVIDENCE_FILE_KINDS = ("docx", "gif", "jpeg", "pdf", "png", "pptx", "text", "xlsx", "zip")

# An active agreement within this many days of its end counts as "expiring".
EXPIRING_WITHIN_DAYS = 60


def today_local() -> datetime.date:
    return timezone.localdate()


class DataLevel(models.IntegerChoices):
    """JR/T 0158-2018 levels; 4 is the most sensitive."""

    L1 = 1, _("Level 1")
    L2 = 2, _("Level 2")
    L3 = 3, _("Level 3")
    L4 = 4, _("Level 4")


class SharingTier(models.TextChoices):
    PUBLIC = "public", _("Public sharing")
    INTERNAL = "internal", _("Internal sharing")
    RESTRICTED = "restricted", _("Restricted sharing")
    STRICTLY_RESTRICTED = "strict", _("Strictly restricted sharing")

    @classmethod
    def rank(cls, value) -> int:
        """Order of openness: an agreement covering a stricter tier covers the looser ones."""
        return [c.value for c in cls].index(value)


class SharingArea(models.TextChoices):
    CONTROLLED = "controlled", _("Controlled area")
    UNCONTROLLED = "uncontrolled", _("Uncontrolled area")


def _is_firm_handler(user) -> bool:
    return user.has_role(Role.INCIDENT_HANDLER)


class Counterparty(TimeStampedModel):
    """Anyone the firm shares regulatory data with (a data contact in the standard's sense)."""

    class Kind(models.TextChoices):
        OPERATING = "operating", _("Operating institution")
        SERVICE = "service", _("Service institution")
        CORE = "core", _("Core institution (exchange, clearing house)")
        REGULATOR = "regulator", _("Regulatory institution")
        INTERNAL = "internal", _("Internal department")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters (GB 32100-2015); not needed for an internal department."),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counterparties",
        verbose_name=_("department"),
        help_text=_("For an internal department: which one."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="governance_counterparty_credit_code_unique",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def visibility_q(cls, user) -> Q:
        # Handlers link partner incidents to counterparties; other staff see the ones whose
        # agreements they own.
        if _is_firm_handler(user):
            return Q()
        return Q(pk__in=CooperationAgreement.objects.filter(owner=user).values("counterparty"))


class CounterpartyContact(TimeStampedModel):
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("counterparty"),
    )
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_security_contact = models.BooleanField(
        _("security contact"),
        default=False,
        help_text=_("Reached when an incident touches data shared with this counterparty."),
    )

    class Meta:
        verbose_name = _("counterparty contact")
        verbose_name_plural = _("counterparty contacts")
        ordering = ["counterparty", "name"]

    def __str__(self):
        return f"{self.name} ({self.counterparty})"


class AgreementQuerySet(VisibleQuerySet):
    def in_force(self, on: datetime.date | None = None):
        """Approved, not terminated, and the date inside the term: sharing may happen."""
        on = on or today_local()
        return self.filter(
            approval_state=CooperationAgreement.Approval.APPROVED,
            terminated_on__isnull=True,
            starts_on__lte=on,
            ends_on__gte=on,
        )

    def covering(self, *, level: int, tier: str, on: datetime.date | None = None):
        return self.in_force(on).filter(
            max_data_level__gte=level, max_sharing_tier__in=_tiers_covering(tier)
        )

    def with_status(self, on: datetime.date | None = None):
        """Annotate `status_code` computed in SQL (same rule as the `status` property)."""
        on = on or today_local()
        A, S = CooperationAgreement.Approval, CooperationAgreement.Status
        return self.annotate(
            status_code=models.Case(
                models.When(terminated_on__isnull=False, then=models.Value(S.TERMINATED)),
                models.When(approval_state=A.DRAFT, then=models.Value(S.DRAFT)),
                models.When(approval_state=A.REJECTED, then=models.Value(S.DRAFT)),
                models.When(approval_state=A.SUBMITTED, then=models.Value(S.UNDER_REVIEW)),
                models.When(ends_on__lt=on, then=models.Value(S.EXPIRED)),
                models.When(starts_on__gt=on, then=models.Value(S.SCHEDULED)),
                models.When(
                    ends_on__lte=on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS),
                    then=models.Value(S.EXPIRING),
                ),
                default=models.Value(S.ACTIVE),
                output_field=models.CharField(),
            )
        )


def _tiers_covering(tier: str) -> list[str]:
    """Agreement tiers that cover a request of `tier` (the same tier or a stricter one)."""
    values = [c.value for c in SharingTier]
    return values[SharingTier.rank(tier) :]


def agreement_document_path(instance, filename):
    return f"governance/agreements/{timezone.now():%Y/%m}/{filename}"


class CooperationAgreement(TimeStampedModel):
    """合作协议与合同: no sharing before one fixes scope, permissions, responsibilities and term."""

    class Scope(models.TextChoices):
        INTERNAL = "internal", _("Internal (inside the firm)")
        EXTERNAL = "external", _("External")

    class PartyRole(models.TextChoices):
        PROVIDER = "provider", _("Data provider")
        RECIPIENT = "recipient", _("Data recipient")
        PROCESSOR = "processor", _("Entrusted processor")

    class Approval(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Returned")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        SCHEDULED = "scheduled", _("Approved, not yet in force")
        ACTIVE = "active", _("Active")
        EXPIRING = "expiring", _("Expiring")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("counterparty"),
    )
    scope = models.CharField(_("internal or external"), max_length=10, choices=Scope.choices)
    firm_role = models.CharField(_("the firm's role"), max_length=12, choices=PartyRole.choices)
    counterparty_role = models.CharField(
        _("the counterparty's role"), max_length=12, choices=PartyRole.choices
    )
    data_categories = models.TextField(_("data categories shared"))
    systems = models.TextField(_("systems involved"), blank=True)
    permissions = models.TextField(_("permissions granted"))
    firm_responsibilities = models.TextField(_("the firm's responsibilities"))
    counterparty_responsibilities = models.TextField(_("the counterparty's responsibilities"))
    starts_on = models.DateField(_("term starts on"))
    ends_on = models.DateField(_("term ends on"))
    max_data_level = models.PositiveSmallIntegerField(
        _("highest data level covered"), choices=DataLevel.choices
    )
    max_sharing_tier = models.CharField(
        _("strictest sharing tier covered"), max_length=12, choices=SharingTier.choices
    )
    area = models.CharField(
        _("sharing area"),
        max_length=12,
        choices=SharingArea.choices,
        default=SharingArea.CONTROLLED,
    )
    non_plaintext_only = models.BooleanField(
        _("non-plaintext sharing only"),
        default=False,
        help_text=_("Required for an uncontrolled area: data leaves only encrypted or masked."),
    )
    special_assessment = models.TextField(
        _("special security assessment"),
        blank=True,
        help_text=_("Required for an uncontrolled area: conclusion of the special assessment."),
    )
    special_assessment_on = models.DateField(_("special assessment date"), null=True, blank=True)
    security_requirements = models.TextField(_("security requirements"), blank=True)
    document = models.FileField(
        _("signed document"),
        upload_to=agreement_document_path,
        blank=True,
        validators=[UploadValidator(kinds=AGREEMENT_DOCUMENT_KINDS)],
    )
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_agreements",
        verbose_name=_("owner"),
    )
    approval_state = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, default=Approval.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_agreements",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-starts_on", "reference"]
        indexes = [
            models.Index(fields=["approval_state", "ends_on"], name="gov_agreement_state_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="governance_agreement_term_order",
            ),
            models.CheckConstraint(
                condition=Q(max_data_level__gte=1, max_data_level__lte=4),
                name="governance_agreement_level_range",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def status(self) -> str:
        return self.status_on(today_local())

    def status_on(self, on: datetime.date) -> str:
        S = self.Status
        if self.terminated_on:
            return S.TERMINATED
        if self.approval_state in (self.Approval.DRAFT, self.Approval.REJECTED):
            return S.DRAFT
        if self.approval_state == self.Approval.SUBMITTED:
            return S.UNDER_REVIEW
        if self.ends_on < on:
            return S.EXPIRED
        if self.starts_on > on:
            return S.SCHEDULED
        if self.ends_on <= on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS):
            return S.EXPIRING
        return S.ACTIVE

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    def covers(self, *, level: int, tier: str) -> bool:
        return self.max_data_level >= level and SharingTier.rank(
            self.max_sharing_tier
        ) >= SharingTier.rank(tier)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:agreement-detail", args=[self.pk])

    @classmethod
    def visibility_q(cls, user) -> Q:
        if _is_firm_handler(user):
            return Q()
        return Q(owner=user)


# --- Sharing registrations and the sharing log -------------------------------------------------


class SharingRegistration(TimeStampedModel):
    """A request to share a dataset with a counterparty under a cooperation agreement."""

    class State(models.TextChoices):
        AWAITING_AUTHORITY = "authority", _("Awaiting data-authority department approval")
        AWAITING_APPROVAL = "approval", _("Bulk share awaiting compliance approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="sharing_registrations",
        verbose_name=_("counterparty"),
    )
    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.PROTECT,
        related_name="sharing_registrations",
        verbose_name=_("agreement"),
    )
    dataset = models.CharField(_("dataset"), max_length=200)
    purpose = models.TextField(_("purpose"))
    data_level = models.PositiveSmallIntegerField(_("data level"), choices=DataLevel.choices)
    sharing_tier = models.CharField(_("sharing tier"), max_length=12, choices=SharingTier.choices)
    planned_on = models.DateField(_("planned sharing date"))
    is_bulk_one_time = models.BooleanField(
        _("bulk one-time share"),
        default=False,
        help_text=_("A large one-off transfer: flagged for compliance approval."),
    )
    record_count = models.PositiveIntegerField(_("number of records"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sharing_requests",
        verbose_name=_("requested by"),
    )
    authority_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("data-authority approval by"),
    )
    authority_approved_at = models.DateTimeField(
        _("data-authority approval at"), null=True, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sharing registration")
        verbose_name_plural = _("sharing registrations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.reference} {self.dataset}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        q = Q(requested_by=user) | Q(agreement__owner=user)
        department = getattr(user, "department", None)
        if department is not None and department.kind == "data_authority":
            # The data-authority department decides on strictly restricted shares.
            q |= Q(sharing_tier=SharingTier.STRICTLY_RESTRICTED)
        return q


class SharingLogQuerySet(VisibleQuerySet):
    def update(self, **kwargs):
        raise PermissionError("The sharing log is append-only.")

    def delete(self):
        raise PermissionError("The sharing log is append-only.")


class SharingLogEntry(models.Model):
    """共享日志: one row per approved sharing event. Append-only (the model refuses updates and
    deletes; on PostgreSQL a trigger refuses them too). Values are copied so later edits of the
    agreement or counterparty do not rewrite history."""

    registration = models.ForeignKey(
        SharingRegistration,
        on_delete=models.PROTECT,
        related_name="log_entries",
        verbose_name=_("registration"),
    )
    logged_at = models.DateTimeField(_("logged at"), default=timezone.now, db_index=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=200)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counterparty record"),
    )
    agreement_reference = models.CharField(_("agreement"), max_length=40)
    dataset = models.CharField(_("dataset"), max_length=200)
    purpose = models.TextField(_("purpose"))
    data_level = models.PositiveSmallIntegerField(_("data level"), choices=DataLevel.choices)
    sharing_tier = models.CharField(_("sharing tier"), max_length=12, choices=SharingTier.choices)
    is_bulk_one_time = models.BooleanField(_("bulk one-time share"), default=False)
    record_count = models.PositiveIntegerField(_("number of records"), null=True, blank=True)
    planned_on = models.DateField(_("planned sharing date"))
    requested_by = models.CharField(_("requested by"), max_length=150)
    approved_by = models.CharField(_("approved by"), max_length=150)
    authority_approved_by = models.CharField(_("data-authority approval by"), max_length=150)

    objects = SharingLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("sharing log entry")
        verbose_name_plural = _("sharing log")
        ordering = ["-logged_at", "-id"]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.logged_at:%Y-%m-%d %H:%M} {self.counterparty_name} {self.dataset}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The sharing log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The sharing log is append-only.")

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(registration__requested_by=user)


# --- Contact roles ----------------------------------------------------------------------------


class ContactRole(models.TextChoices):
    DATA_CONTROLLER = "data_controller", _("Data controller")
    INCIDENT_LEAD = "incident_lead", _("Incident lead")
    DEPUTY_INCIDENT_LEAD = "deputy_incident_lead", _("Deputy incident lead")
    REGULATOR_LIAISON = "regulator_liaison", _("Regulator liaison")
    COMPLIANCE_HEAD = "compliance_head", _("Compliance head")
    DATA_SOURCE_CONTACT = "data_source_contact", _("Data-source department contact")
    DATA_USING_CONTACT = "data_using_contact", _("Data-using department contact")
    DATA_AUTHORITY_CONTACT = "data_authority_contact", _("Data-authority department contact")
    PARTNER_SECURITY_CONTACT = "partner_security_contact", _("Partner security contact")


class ContactRoleAssignmentQuerySet(VisibleQuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or today_local()
        return self.filter(valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class ContactRoleAssignment(TimeStampedModel):
    """A person holding a contact role for the firm, a department or an agreement, for a time,
    with a deputy who is reached when the holder is away or the assignment has ended."""

    role = models.CharField(_("role"), max_length=30, choices=ContactRole.choices, db_index=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_roles",
        verbose_name=_("holder"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_contact_roles",
        verbose_name=_("deputy"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_roles",
        verbose_name=_("for department"),
    )
    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_roles",
        verbose_name=_("for agreement"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    objects = ContactRoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact role assignment")
        verbose_name_plural = _("contact role assignments")
        ordering = ["role", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="governance_contactrole_validity_order",
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(agreement__isnull=True),
                name="governance_contactrole_one_scope",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.holder}"

    @property
    def scope_label(self) -> str:
        if self.agreement_id:
            return str(self.agreement)
        if self.department_id:
            return str(self.department)
        return str(_("Firm"))

    @classmethod
    def visibility_q(cls, user) -> Q:
        # The directory is for everyone who works here: who to call is not a secret.
        return Q()


# --- Meetings ---------------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    QUARTERLY_SECURITY = "quarterly_security", _("Quarterly data-security meeting")
    ANNUAL_REVIEW = "annual_review", _("Annual data-sharing process review")
    OTHER = "other", _("Other governance meeting")


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class MeetingSchedule(TimeStampedModel):
    """A recurring meeting; the beat job creates its occurrences ahead of time."""

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    month_in_period = models.PositiveSmallIntegerField(
        _("month within the period"),
        default=3,
        help_text=_("1–3 for a quarterly meeting, 1–12 for an annual one."),
    )
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=15)
    start_time = models.TimeField(_("start time"), default=datetime.time(14, 30))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    location = models.CharField(_("location"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_meeting_schedules",
        verbose_name=_("organiser"),
    )
    default_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("default attendees"),
    )
    agenda_template = models.TextField(_("agenda template"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting schedule")
        verbose_name_plural = _("meeting schedules")
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                name="governance_schedule_day_range",
            ),
            models.CheckConstraint(
                condition=Q(month_in_period__gte=1, month_in_period__lte=12),
                name="governance_schedule_month_range",
            ),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(organiser=user)


class Meeting(TimeStampedModel):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    schedule = models.ForeignKey(
        MeetingSchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("schedule"),
    )
    period_key = models.CharField(
        _("period"), max_length=10, blank=True, help_text=_("e.g. 2026-Q1 or 2026")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    location = models.CharField(_("location"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_meetings",
        verbose_name=_("organiser"),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Sanitised HTML."))
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes approved by"),
    )
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    invitations_sent_at = models.DateTimeField(_("invitations sent at"), null=True, blank=True)
    ics_sequence = models.PositiveIntegerField(_("invitation sequence"), default=0)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-scheduled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period_key"],
                condition=Q(schedule__isnull=False),
                name="governance_meeting_one_per_period",
            )
        ]
        indexes = [models.Index(fields=["kind", "state", "held_at"], name="gov_meeting_kind_held")]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.scheduled_at):%Y-%m-%d})"

    @property
    def minutes_locked(self) -> bool:
        return self.minutes_approved_at is not None

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:meeting-detail", args=[self.pk])

    @classmethod
    def visibility_q(cls, user) -> Q:
        # A subquery, not a join: a join over attendees would repeat rows.
        return Q(organiser=user) | Q(
            pk__in=MeetingAttendee.objects.filter(user=user).values("meeting_id")
        )


class MeetingAttendee(models.Model):
    class Attendance(models.TextChoices):
        INVITED = "invited", _("Invited")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
        verbose_name=_("attendee"),
    )
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="governance_attendee_once")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_attendance_display()}"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return self.text[:60]


class ActionItem(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_action_items",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(owner=user) | Q(meeting__organiser=user)


def meeting_attachment_path(instance, filename):
    return f"governance/meetings/{timezone.now():%Y/%m}/{filename}"


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    file = models.FileField(
        _("file"),
        upload_to=meeting_attachment_path,
        validators=[UploadValidator(kinds=MEETING_ATTACHMENT_KINDS)],
    )
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.name


# --- Obligations ------------------------------------------------------------------------------


class Obligation(TimeStampedModel):
    """A periodic duty of the standard, as data: how often, and which rule finds its evidence."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    evidence_rule = models.CharField(
        _("evidence rule"),
        max_length=60,
        blank=True,
        help_text=_("Code of the rule that finds evidence automatically; empty: by hand only."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    tracked_from = models.DateField(
        _("tracked from"), help_text=_("First period the dashboard shows.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class ObligationPeriod(models.Model):
    class State(models.TextChoices):
        DUE = "due", _("Due")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="periods", verbose_name=_("obligation")
    )
    label = models.CharField(_("period"), max_length=10)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DUE)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    evidence_label = models.CharField(_("evidence"), max_length=200, blank=True)
    evidence_url = models.CharField(_("evidence link"), max_length=300, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    missed_notified_at = models.DateTimeField(_("missed notice sent at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation period")
        verbose_name_plural = _("obligation periods")
        ordering = ["obligation", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "starts_on"], name="governance_period_once"
            )
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="gov_period_dates")]

    def __str__(self):
        return f"{self.obligation.code} {self.label}"


def evidence_file_path(instance, filename):
    return f"governance/evidence/{timezone.now():%Y/%m}/{filename}"


class ObligationEvidence(models.Model):
    """Evidence an officer attaches by hand (until an app registers a rule for it)."""

    period = models.ForeignKey(
        ObligationPeriod,
        on_delete=models.CASCADE,
        related_name="manual_evidence",
        verbose_name=_("period"),
    )
    description = models.CharField(_("description"), max_length=200)
    evidence_on = models.DateField(_("date of the evidence"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=evidence_file_path,
        blank=True,
        validators=[UploadValidator(kinds=EVIDENCE_FILE_KINDS)],
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attached by"),
    )
    attached_at = models.DateTimeField(_("attached at"), default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation evidence")
        verbose_name_plural = _("obligation evidence")
        ordering = ["-attached_at"]

    def __str__(self):
        return self.description
