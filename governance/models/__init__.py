"""Governance records: who the firm shares regulatory data with, under which agreement, who holds
which contact role, the meetings the standard requires and the obligations that prove it."""

from .agreements import (
    AgreementQuerySet,
    CooperationAgreement,
    Counterparty,
    CounterpartyContact,
    _tiers_covering,
    agreement_document_path,
)
from .common import (
    AGREEMENT_DOCUMENT_KINDS,
    EVIDENCE_FILE_KINDS,
    EXPIRING_WITHIN_DAYS,
    MEETING_ATTACHMENT_KINDS,
    DataLevel,
    SharingArea,
    SharingTier,
    _is_firm_handler,
    today_local,
)
from .contacts import (
    ContactRole,
    ContactRoleAssignment,
    ContactRoleAssignmentQuerySet,
)
from .meetings import (
    ActionItem,
    AdoptedChange,
    Frequency,
    Meeting,
    MeetingAttachment,
    MeetingAttendee,
    MeetingDecision,
    MeetingKind,
    MeetingSchedule,
    meeting_attachment_path,
)
from .obligations import (
    Obligation,
    ObligationEvidence,
    ObligationPeriod,
    evidence_file_path,
)
from .sharing import (
    SharingLogEntry,
    SharingLogQuerySet,
    SharingRegistration,
)

__all__ = [
    "AdoptedChange",
    "AGREEMENT_DOCUMENT_KINDS",
    "DataLevel",
    "EVIDENCE_FILE_KINDS",
    "EXPIRING_WITHIN_DAYS",
    "MEETING_ATTACHMENT_KINDS",
    "SharingArea",
    "SharingTier",
    "_is_firm_handler",
    "today_local",
    "AgreementQuerySet",
    "CooperationAgreement",
    "Counterparty",
    "CounterpartyContact",
    "_tiers_covering",
    "agreement_document_path",
    "SharingLogEntry",
    "SharingLogQuerySet",
    "SharingRegistration",
    "ContactRole",
    "ContactRoleAssignment",
    "ContactRoleAssignmentQuerySet",
    "ActionItem",
    "Frequency",
    "Meeting",
    "MeetingAttachment",
    "MeetingAttendee",
    "MeetingDecision",
    "MeetingKind",
    "MeetingSchedule",
    "meeting_attachment_path",
    "Obligation",
    "ObligationEvidence",
    "ObligationPeriod",
    "evidence_file_path",
]
