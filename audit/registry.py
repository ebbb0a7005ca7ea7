from auditlog.registry import auditlog


def audit_register(model, **options):
    """Record every create, update and delete of `model` in the audit trail."""
    if not auditlog.contains(model):
        auditlog.register(model, **options)
    return model
