"""Schemathesis over every operation of the live OpenAPI schema, in process (WSGI), with a
valid read-write token of a compliance officer. Checks: no 5xx, responses match the schema
(body and content type). Undocumented 4xx codes are not counted: DRF answers 401/403/404 on
every endpoint without each one listing them.

Bounded for CI: SCHEMATHESIS_MAX_EXAMPLES (default 3) examples per operation and a total
budget of SCHEMATHESIS_BUDGET_SECONDS (default 120 s); operations not reached within the
budget are reported as skipped in the test's output.
"""

import os
import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Failures of other apps' endpoints found by this test and reported to their owners (see the
# integrations report); they do not fail the run, every other failure does. Remove an entry when
# its endpoint is fixed (the test prints the entries that no longer fail).
KNOWN_FAILURES: set[str] = set()

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "3"))
BUDGET_SECONDS = float(os.environ.get("SCHEMATHESIS_BUDGET_SECONDS", "120"))


def _describe(exc) -> str:
    parts = []
    for sub in getattr(exc, "exceptions", None) or [exc]:
        lines = [line.strip() for line in str(sub).splitlines() if line.strip()]
        parts.append(" / ".join(lines[:8]))
    return " || ".join(parts)


@pytest.fixture
def wsgi_app():
    from django.core.wsgi import get_wsgi_application

    # As Django's test client does: requests must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_endpoint_with_a_token(wsgi_app, officer, capsys):
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
    )

    from integrations import services

    _token, raw = services.token_create(user=officer, name="schemathesis", scope="write")
    headers = {"Authorization": f"Bearer {raw}"}
    # The schema is served to signed-in users and token holders only.
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", wsgi_app, headers={"Authorization": f"Bearer {raw}"}
    )
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]

    failures, tested, skipped = [], [], []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if time.monotonic() - started > BUDGET_SECONDS:
            skipped.append(label)
            continue

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        @given(case=operation.as_strategy())
        def run(case):
            with transaction.atomic():
                try:
                    case.call_and_validate(headers=headers, checks=checks)
                finally:
                    transaction.set_rollback(True)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect all, then report them all
            failures.append((label, _describe(exc)))
        tested.append(label)
    failing = {label for label, _text in failures}

    with capsys.disabled():
        print(
            f"\nschemathesis: {len(tested)} operations in {time.monotonic() - started:.0f} s, "
            f"{len(failures)} failing, {len(skipped)} skipped for time"
        )
        for line in skipped:
            print("  skipped:", line)
        for label, text in failures:
            print("  known:" if label in KNOWN_FAILURES else "  NEW:", label, "—", text[:300])
        for label in sorted(KNOWN_FAILURES - failing):
            print("  no longer failing (remove from KNOWN_FAILURES):", label)
    assert len(tested) > 20
    new = [f"{label}: {text}" for label, text in failures if label not in KNOWN_FAILURES]
    assert not new, "\n".join(new)
