"""Schemathesis over every operation of the live OpenAPI schema, in process (WSGI), with a
valid read-write token of a compliance officer. Checks: no 5xx, responses match the schema
(body and content type). Undocumented 4xx codes are not counted: DRF answers 401/403/404 on
every endpoint without each one listing them.

Bounded: SCHEMATHESIS_CASES generated cases in all (default 1,000 in the everyday suite;
.ci/run asks for 10,000), spread over the operations in rounds (every operation is reached in
the first round), within SCHEMATHESIS_BUDGET_SECONDS (default 600 s). The count of cases run
is printed; fewer cases than asked (the budget ran out) fails the test.
"""

import logging
import os
import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Failures of other apps' endpoints found by this test and reported to their owners (see the
# integrations report); they do not fail the run, every other failure does. Remove an entry when
# its endpoint is fixed (the test prints the entries that no longer fail).
KNOWN_FAILURES: set[str] = set()

CASES = int(os.environ.get("SCHEMATHESIS_CASES", "1000"))
BUDGET_SECONDS = float(os.environ.get("SCHEMATHESIS_BUDGET_SECONDS", "600"))
FIRST_ROUND = 10  # examples per operation before any operation gets more


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


@pytest.fixture
def quiet(monkeypatch):
    """No throttling (one token sends thousands of requests) and no log line per 4xx."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def test_every_endpoint_with_a_token(wsgi_app, quiet, officer, capsys):
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

    operations = [result.ok() for result in schema.get_all_operations()]
    failures: dict[str, str] = {}
    cases = {"count": 0}
    started = time.monotonic()

    def out_of_time():
        return time.monotonic() - started > BUDGET_SECONDS

    def explore(operation, examples, round_no):
        @settings(
            max_examples=examples,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @seed(round_no)
        @given(case=operation.as_strategy())
        def run(case):
            if out_of_time():
                return
            cases["count"] += 1
            with transaction.atomic():
                try:
                    case.call_and_validate(headers=headers, checks=checks)
                finally:
                    transaction.set_rollback(True)

        label = f"{operation.method.upper()} {operation.path}"
        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect all, then report them all
            failures.setdefault(label, _describe(exc))

    reached = set()
    round_no = 0
    while cases["count"] < CASES and not out_of_time():
        round_no += 1
        before = cases["count"]
        left = CASES - cases["count"]
        examples = FIRST_ROUND if round_no == 1 else max(5, -(-left // len(operations)))
        for operation in operations:
            if cases["count"] >= CASES or out_of_time():
                break
            explore(operation, examples, round_no)
            reached.add(f"{operation.method.upper()} {operation.path}")
        if cases["count"] == before:
            break  # nothing more to generate
    elapsed = time.monotonic() - started
    skipped = [
        f"{op.method.upper()} {op.path}"
        for op in operations
        if f"{op.method.upper()} {op.path}" not in reached
    ]

    with capsys.disabled():
        print(
            f"\nschemathesis: {cases['count']} cases over {len(reached)} of {len(operations)} "
            f"operations in {round_no} rounds, {elapsed:.0f} s; {len(failures)} failing, "
            f"{len(skipped)} not reached"
        )
        for line in skipped:
            print("  not reached:", line)
        for label, text in failures.items():
            print("  known:" if label in KNOWN_FAILURES else "  NEW:", label, "—", text[:600])
        for label in sorted(KNOWN_FAILURES - set(failures)):
            print("  no longer failing (remove from KNOWN_FAILURES):", label)
    new = [f"{label}: {text}" for label, text in failures.items() if label not in KNOWN_FAILURES]
    assert not new, "\n".join(new)
    assert not skipped, f"not reached within {BUDGET_SECONDS:.0f} s: {skipped}"
    assert cases["count"] >= CASES, f"{cases['count']} cases of {CASES} in {BUDGET_SECONDS:.0f} s"
