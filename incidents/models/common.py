"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on (common)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, user_roles


class Grade(models.TextChoices):
    """National four levels (国家网络安全事件应急预案), most severe first."""

    I = "I", _("I – particularly major")  # noqa: E741
    II = "II", _("II – major")
    III = "III", _("III – relatively major")
    IV = "IV", _("IV – general")


# Higher number = more severe; used to pick the highest matching grade.
GRADE_SEVERITY = {Grade.I: 4, Grade.II: 3, Grade.III: 2, Grade.IV: 1}


class SourceStatus(models.TextChoices):
    CONFIRMED = "C", _("[C] confirmed from source text")
    QUOTED = "Q", _("[Q] confirmed through a verbatim quote")
    SECONDARY = "S", _("[S] uncertain or secondary – confirm")


class SystemCategory(models.TextChoices):
    """Functional category of an affected information system (outage criteria key on it)."""

    TRADING = "trading", _("Centralised or online trading system")
    DEPOSITORY = "depository", _("Third-party depository or margin-trading system")
    BANK_FUTURES = "bank_futures", _("Bank–futures transfer system")
    CLEARING = "clearing", _("Clearing and settlement system")
    CUSTOMER_SERVICE = "customer_service", _("Customer service system (app, website)")
    DATA_PLATFORM = "data_platform", _("Data platform or data-sharing system")
    INTERNAL = "internal", _("Internal management system")
    OTHER = "other", _("Other system")


def _handler_q(user, prefix: str) -> Q:
    """Incidents a non-firm-wide user may see: handlers their own and their team's."""
    if Role.INCIDENT_HANDLER not in user_roles(user):
        return Q(pk__in=[])
    q = Q(**{f"{prefix}assignee": user}) | Q(**{f"{prefix}created_by": user})
    if user.department_id:
        q |= Q(**{f"{prefix}team_id": user.department_id})
    return q


def _handler_sees(user, incident) -> bool:
    """`_handler_q` as a predicate on one loaded case."""
    if Role.INCIDENT_HANDLER not in user_roles(user):
        return False
    return (
        incident.assignee_id == user.pk
        or incident.created_by_id == user.pk
        or (user.department_id is not None and incident.team_id == user.department_id)
    )


class IncidentCategory(models.TextChoices):
    """GB/T 20986-2023 event classes (three names [C], the others [S])."""

    MALWARE = "malware", _("Malicious program event")
    NETWORK_ATTACK = "network_attack", _("Network attack event")
    DATA_SECURITY = "data_security", _("Data security event")
    CONTENT_SECURITY = "content_security", _("Information content security event")
    EQUIPMENT_FAILURE = "equipment_failure", _("Equipment or facility failure event")
    IMPROPER_OPERATION = "improper_operation", _("Improper operation event")
    SECURITY_HAZARD = "security_hazard", _("Security hazard event")
    ABNORMAL_BEHAVIOUR = "abnormal_behaviour", _("Abnormal behaviour event")
    FORCE_MAJEURE = "force_majeure", _("Force majeure event")
    OTHER = "other", _("Other event")
