from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from audit.registry import audit_register

        from . import models

        for model in (
            models.Counterparty,
            models.CounterpartyContact,
            models.CooperationAgreement,
            models.SharingRegistration,
            models.SharingLogEntry,
            models.ContactRoleAssignment,
            models.MeetingSchedule,
            models.Meeting,
            models.MeetingAttendee,
            models.MeetingDecision,
            models.ActionItem,
            models.MeetingAttachment,
            models.Obligation,
            models.ObligationPeriod,
            models.ObligationEvidence,
        ):
            audit_register(model)
