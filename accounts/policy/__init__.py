"""The one place that answers who may see what and who may do what.

- Seeing: `visible_to(user, queryset)` / `can_see(user, obj)` (visibility.py): firm-wide roles see
  everything; anyone else sees what the model's own `visibility_q` returns (safe by default).
- Doing: `require(actor, action, obj)` in every write service, `allows(user, action, obj)` in views,
  API permissions (accounts.policy.drf) and the admin (accounts.policy.admin) — they only ask.
  Rules are registered per action name ("governance.agreement.approve") in the modules of this
  package (one per domain area; they read objects by attribute and import no domain app).

The authorisation model is role sets (roles are stored as Django groups); Django's per-model
permission codenames are not consulted anywhere (see docs/authorisation.md).
"""

from .core import (
    SYSTEM,
    PolicyDenied,
    actions,
    allows,
    person,
    require,
    rule,
)
from .roles import (
    ADMIN_SITE,
    ADMINISTRATORS,
    ANY_ROLE,
    AUDITORS,
    FIRM_WIDE,
    HANDLERS,
    OFFICERS,
    STAFF,
    TRIAGERS,
    WRITERS,
    has_any,
    holders,
    is_writer,
)
from .visibility import VisibleQuerySet, can_see, can_write, sees_everything, visible_to

# Each module registers its rules when imported.
from . import ground  # noqa: E402,F401  isort: skip
from . import governance  # noqa: E402,F401  isort: skip
from . import sharing_gate  # noqa: E402,F401  isort: skip
from . import integrations  # noqa: E402,F401  isort: skip
from . import training  # noqa: E402,F401  isort: skip
from . import incidents, reporting  # noqa: E402,F401  isort: skip

__all__ = [
    "ADMIN_SITE",
    "ADMINISTRATORS",
    "ANY_ROLE",
    "AUDITORS",
    "FIRM_WIDE",
    "HANDLERS",
    "OFFICERS",
    "STAFF",
    "SYSTEM",
    "TRIAGERS",
    "WRITERS",
    "holders",
    "PolicyDenied",
    "VisibleQuerySet",
    "actions",
    "allows",
    "person",
    "can_see",
    "can_write",
    "has_any",
    "is_writer",
    "require",
    "rule",
    "sees_everything",
    "visible_to",
]
