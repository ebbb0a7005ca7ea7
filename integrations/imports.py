"""Import counterparties, cooperation agreements and staff from an Excel workbook.

Sheets (English or Chinese name), header row first, one record a row:
- counterparties / 合作机构: kind, name, credit_code, short_name, department, address, notes
- agreements / 合作协议: reference, title, counterparty (name or credit code), scope, firm_role,
  counterparty_role, data_categories, permissions, firm_responsibilities,
  counterparty_responsibilities, starts_on, ends_on, max_data_level, max_sharing_tier, owner
  (username), area, systems, security_requirements, non_plaintext_only, special_assessment,
  special_assessment_on
- staff / 员工: username, display_name, email, department (code), job_role (code), manager
  (username), role, phone

Everything is written in one transaction through the governance services (and the accounts
model for staff). Every bad row is reported with its sheet and row number; if any row is bad,
or on a dry run, the transaction is rolled back: nothing changes.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from audit.context import acting_as
from core.errors import ApplicationError

SHEETS = {
    "counterparties": ("counterparties", "合作机构", "交易对手"),
    "agreements": ("agreements", "合作协议"),
    "staff": ("staff", "员工"),
}
REQUIRED = {
    "counterparties": {"kind", "name"},
    "agreements": {
        "title",
        "counterparty",
        "scope",
        "firm_role",
        "counterparty_role",
        "data_categories",
        "permissions",
        "firm_responsibilities",
        "counterparty_responsibilities",
        "starts_on",
        "ends_on",
        "max_data_level",
        "max_sharing_tier",
        "owner",
    },
    "staff": {"username"},
}


@dataclass
class RowError:
    sheet: str
    row: int
    message: str

    def __str__(self):
        return _("%(sheet)s, row %(row)d: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "message": self.message,
        }


@dataclass
class ImportResult:
    created: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value, name) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value))
    except ValueError:
        raise ApplicationError(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": name})


def _int(value, name) -> int:
    try:
        return int(_text(value))
    except ValueError:
        raise ApplicationError(_("%(field)s must be a whole number.") % {"field": name})


def _bool(value) -> bool:
    return _text(value).lower() in {"1", "true", "yes", "y", "是", "x", "✓"}


def _message(exc) -> str:
    if isinstance(exc, ApplicationError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc)


def _rows(ws):
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return [], []
    names = [_text(h).lower() for h in header]
    records = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or _text(v) == "" for v in values):
            continue
        records.append((number, dict(zip(names, values, strict=False))))
    return names, records


# --- one row of each kind -------------------------------------------------------------------


def _department(code):
    from accounts.models import Department

    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise ApplicationError(_("Unknown department code “%(code)s”.") % {"code": code})
    return department


def _user(username, what):
    from accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApplicationError(
            _("%(what)s: no active user “%(username)s”.") % {"what": what, "username": username}
        )
    return user


def _counterparty(row, actor):
    from governance import services as gov

    return gov.counterparty_create(
        kind=_text(row.get("kind")),
        name=_text(row.get("name")),
        credit_code=_text(row.get("credit_code")),
        short_name=_text(row.get("short_name")),
        department=_department(_text(row.get("department"))),
        address=_text(row.get("address")),
        notes=_text(row.get("notes")),
        actor=actor,
    )


def _agreement(row, actor):
    from django.db.models import Q

    from governance import services as gov
    from governance.models import Counterparty

    who = _text(row.get("counterparty"))
    matches = list(Counterparty.objects.filter(Q(name=who) | Q(credit_code=who.upper()))[:2])
    if len(matches) != 1:
        raise ApplicationError(
            _("Counterparty “%(name)s” not found (give its exact name or credit code).")
            % {"name": who}
        )
    fields = {
        "title": _text(row.get("title")),
        "counterparty": matches[0],
        "scope": _text(row.get("scope")),
        "firm_role": _text(row.get("firm_role")),
        "counterparty_role": _text(row.get("counterparty_role")),
        "data_categories": _text(row.get("data_categories")),
        "permissions": _text(row.get("permissions")),
        "firm_responsibilities": _text(row.get("firm_responsibilities")),
        "counterparty_responsibilities": _text(row.get("counterparty_responsibilities")),
        "starts_on": _date(row.get("starts_on"), "starts_on"),
        "ends_on": _date(row.get("ends_on"), "ends_on"),
        "max_data_level": _int(row.get("max_data_level"), "max_data_level"),
        "max_sharing_tier": _text(row.get("max_sharing_tier")),
        "owner": _user(_text(row.get("owner")), "owner"),
        "systems": _text(row.get("systems")),
        "security_requirements": _text(row.get("security_requirements")),
    }
    if _text(row.get("area")):
        fields["area"] = _text(row.get("area"))
    if _text(row.get("non_plaintext_only")):
        fields["non_plaintext_only"] = _bool(row.get("non_plaintext_only"))
    if _text(row.get("special_assessment")):
        fields["special_assessment"] = _text(row.get("special_assessment"))
    if _text(row.get("special_assessment_on")):
        fields["special_assessment_on"] = _date(
            row.get("special_assessment_on"), "special_assessment_on"
        )
    return gov.agreement_create(actor=actor, reference=_text(row.get("reference")), **fields)


def _staff(row, actor):
    from django.core.validators import validate_email

    from accounts.models import JobRole, User
    from accounts.roles import Role, assign_role

    username = _text(row.get("username"))
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("User “%(username)s” already exists.") % {"username": username})
    email = _text(row.get("email"))
    if email:
        validate_email(email)
    role = _text(row.get("role"))
    if role and role not in Role.values:
        raise ApplicationError(
            _("Unknown role “%(role)s” (one of: %(roles)s).")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    job_code = _text(row.get("job_role"))
    job_role = JobRole.objects.filter(code=job_code).first() if job_code else None
    if job_code and job_role is None:
        raise ApplicationError(_("Unknown job role code “%(code)s”.") % {"code": job_code})
    manager = _user(_text(row.get("manager")), "manager") if _text(row.get("manager")) else None
    user = User(
        username=username,
        display_name=_text(row.get("display_name")),
        email=email,
        phone=_text(row.get("phone")),
        department=_department(_text(row.get("department"))),
        job_role=job_role,
        manager=manager,
    )
    user.set_unusable_password()  # they sign in after a password reset or single sign-on
    user.full_clean()
    with acting_as(actor):
        user.save()
    if role:
        assign_role(user, role)
    return user


HANDLERS = {"counterparties": _counterparty, "agreements": _agreement, "staff": _staff}


def import_workbook(path, *, actor, dry_run: bool = False) -> ImportResult:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a file not xlsx
        raise ApplicationError(_("Cannot read the workbook: %(error)s") % {"error": exc})
    by_name = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
    result = ImportResult(dry_run=dry_run)
    found = False
    with transaction.atomic():
        for kind in ("counterparties", "agreements", "staff"):  # agreements need counterparties
            ws = next((by_name[n] for n in SHEETS[kind] if n in by_name), None)
            if ws is None:
                continue
            found = True
            names, records = _rows(ws)
            missing = REQUIRED[kind] - set(names)
            if missing:
                result.errors.append(
                    RowError(
                        ws.title,
                        1,
                        _("Missing columns: %(columns)s.")
                        % {"columns": ", ".join(sorted(missing))},
                    )
                )
                continue
            result.created[kind] = 0
            for number, row in records:
                empty = sorted(c for c in REQUIRED[kind] if _text(row.get(c)) == "")
                if empty:
                    result.errors.append(
                        RowError(
                            ws.title,
                            number,
                            _("Empty required cells: %(columns)s.") % {"columns": ", ".join(empty)},
                        )
                    )
                    continue
                try:
                    with transaction.atomic():
                        HANDLERS[kind](row, actor)
                except (ApplicationError, ValidationError, ValueError, TypeError) as exc:
                    result.errors.append(RowError(ws.title, number, _message(exc)))
                else:
                    result.created[kind] += 1
        if not found:
            result.errors.append(
                RowError(
                    "—",
                    0,
                    _(
                        "No sheet named counterparties, agreements or staff (or 合作机构, 合作协议, 员工)."
                    ),
                )
            )
        if result.errors or dry_run:
            transaction.set_rollback(True)
    workbook.close()
    return result
