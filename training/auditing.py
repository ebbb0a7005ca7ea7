"""Every training and drill record goes into the audit trail."""

from django.apps import apps

from audit.registry import audit_register

for model in apps.get_app_config("training").get_models():
    audit_register(model)
