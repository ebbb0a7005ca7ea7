from auditlog.registry import auditlog


def audit_register(model, **options):
    """Record every create, update and delete of `model` in the audit trail.

    Call it from AppConfig.ready() (all models loaded). Reverse relations (other models' foreign
    keys to this one) are not the model's own data; auditlog would list them as noise on create.
    """
    if not auditlog.contains(model):
        reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
        options["exclude_fields"] = list(options.get("exclude_fields") or []) + reverse
        auditlog.register(model, **options)
    return model
