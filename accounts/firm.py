"""The firm profile (core.FirmProfile): who the firm is in every report document; officers edit
it. The record lives in core, which reads it; its writes ask the policy, so they live here."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.credit_code import normalise_credit_code
from core.errors import ApplicationError
from core.models import FirmProfile

from . import policy

FIRM_PROFILE_FIELDS = (
    "name",
    "credit_code",
    "address",
    "regulator_branch",
    "contact_name",
    "contact_phone",
)


def firm_profile_clean(profile: FirmProfile) -> None:
    """Validation shared by the service and the admin form (messages a user can read)."""
    from django.core.exceptions import ValidationError

    profile.credit_code = normalise_credit_code(profile.credit_code)
    profile.name = (profile.name or "").strip()
    if not profile.name:
        raise ApplicationError(_("Enter the firm's name."))
    try:
        profile.full_clean()
    except ValidationError as exc:
        raise ApplicationError("；".join(m for ms in exc.message_dict.values() for m in ms))


def firm_profile_update(*, actor, **fields) -> FirmProfile:
    """Create or change the one firm profile (compliance officers)."""
    policy.require(actor, "core.firmprofile.change")
    unknown = set(fields) - set(FIRM_PROFILE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    from audit.context import acting_as

    with transaction.atomic(), acting_as(actor):
        profile = FirmProfile.objects.select_for_update().order_by("pk").first() or FirmProfile()
        for key, value in fields.items():
            setattr(profile, key, (value or "").strip())
        firm_profile_clean(profile)
        profile.save()
    return profile
