"""Every model of the project is in the audit trail, registered one way (audit.registry.
register_app from the app's ready()), or skipped there with a reason."""

from auditlog.registry import auditlog
from django.apps import apps

from audit import registry

PROJECT_APPS = [
    "core",
    "accounts",
    "audit",
    "deadlines",
    "notifications",
    "security",
    "governance",
    "incidents",
    "reporting",
    "training",
    "integrations",
]


def test_no_project_model_is_left_out_of_the_trail_without_a_reason():
    skipped = registry.skipped()
    unregistered = [
        model._meta.label
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if not auditlog.contains(model) and model._meta.label not in skipped
    ]
    assert unregistered == []
    assert all(reason.strip() for reason in skipped.values())
    assert not [label for label in skipped if auditlog.contains(apps.get_model(label))]


def test_every_app_with_models_registers_through_the_one_function():
    with_models = {label for label in PROJECT_APPS if list(apps.get_app_config(label).get_models())}
    assert with_models <= registry.registered_apps()


def test_secrets_and_hashes_stay_out_of_the_trail():
    def excluded(label):
        return set(auditlog.get_model_fields(apps.get_model(label))["exclude_fields"])

    assert {"password", "last_login"} <= excluded("accounts.User")
    assert "secret" in excluded("integrations.AlertSource")
    assert "secret" in excluded("notifications.WebhookEndpoint")
    assert "token_hash" in excluded("integrations.ApiToken")
