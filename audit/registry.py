"""The one way an app puts its models in the audit trail: its AppConfig.ready() calls
`register_app(self, ...)`. Every model of the app is recorded (create, update, delete) unless the
call names it in `skip` with the reason; `options` carries a model's auditlog options (fields
kept out of the trail, many-to-many fields recorded). tests/audit/test_registration.py fails on
a project model that is neither recorded nor skipped with a reason.
"""

from auditlog.registry import auditlog

# "app_label.ModelName" -> why it is not recorded.
_skipped: dict[str, str] = {}
_apps: set[str] = set()


def audit_register(model, **options):
    """Record every create, update and delete of `model` in the audit trail.

    Reverse relations (other models' foreign keys to this one) are not the model's own data;
    auditlog would list them as noise on create.
    """
    if not auditlog.contains(model):
        reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
        options["exclude_fields"] = list(options.get("exclude_fields") or []) + reverse
        auditlog.register(model, **options)
    return model


def register_app(app_config, *, skip: dict[str, str] | None = None, options=None) -> None:
    """Record every model of `app_config` except those in `skip` (model name -> reason);
    `options` maps a model name to its audit_register options."""
    skip, options = skip or {}, options or {}
    names = {model.__name__ for model in app_config.get_models()}
    unknown = (set(skip) | set(options)) - names
    if unknown:
        raise LookupError(f"{app_config.label} has no model {sorted(unknown)}")
    _apps.add(app_config.label)
    for model in app_config.get_models():
        name = model.__name__
        if name in skip:
            _skipped[f"{app_config.label}.{name}"] = skip[name]
        else:
            audit_register(model, **options.get(name, {}))


def registered_apps() -> set[str]:
    return set(_apps)


def skipped() -> dict[str, str]:
    return dict(_skipped)


# How an auditor reads a JSON field's keys and codes: "app_label.ModelName.field" -> either a
# mapping {key or code: label} or a function value -> [(label, text), ...]. A JSON field nobody
# labelled is shown as data (monospace), never as if its keys were words of the page.
_json_readers: dict[str, object] = {}


def read_json_as(model_label: str, field: str, reader) -> None:
    """Label the keys (of an object) or codes (of a list) of `model_label`'s JSON `field` in the
    audit log, with a mapping {key: label} or a function value -> [(label, text)]."""
    _json_readers[f"{model_label}.{field}"] = reader


def json_reader(model_label: str, field: str):
    return _json_readers.get(f"{model_label}.{field}")


# Text fields that hold code (a document template's source): shown in monospace as data.
_code_fields: set[str] = set()


def show_as_code(model_label: str, field: str) -> None:
    _code_fields.add(f"{model_label}.{field}")


def is_code(model_label: str, field: str) -> bool:
    return f"{model_label}.{field}" in _code_fields
