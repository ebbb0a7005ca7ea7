"""RBAC matrix: every URL pattern in the URLconf (pages, API, admin), GET as every persona, and
every write (test_write_matrix) as every persona.

Each named route has an explicit expected status per persona in MATRIX (tests/security/
rbac_matrix.py); admin routes are decided per registered model in ADMIN_MODELS (which views each
firm-wide role may open) plus explicit entries for the admin's own pages. A route that is in the
URLconf but not in the matrix fails the test, so every new URL forces a decision; an entry whose
route disappeared fails too. Path parameters are real objects of the demo firm (seed_demo) or a
primary key that exists nowhere.

Writes (rbac_writes.py states the vocabulary and the policy): API routes are sent POST, PUT,
PATCH and DELETE; pages and the admin POST (their only write method), once per hidden `action` or
URL action segment of a page that dispatches on one; the admin's add/change/delete forms and every
changelist action. Each request runs in a savepoint that is rolled back, so the matrix does not
depend on its order. A route missing from WRITES, an admin action missing from ADMIN_ACTIONS, or a
method a route turns out to accept for somebody though nobody decided it, fails. On failure the
test prints a table: route, method, persona, expected, got.

Regenerate a draft after adding URLs (then review every changed line by hand):
    RBAC_DISCOVER=/tmp/rbac.json pytest tests/security/test_rbac_matrix.py -k matrix
    RBAC_DISCOVER_WRITES=/tmp/rbac-writes.json pytest tests/security/test_rbac_matrix.py -k write
"""

import json
import os
import time

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from .rbac import ARGS, MISSING, PERSONAS, build_dataset, routes_by_name
from .rbac_matrix import ADMIN_MODELS, MATRIX, NOT_GETTABLE
from .rbac_writes import (
    ADMIN_ACTIONS,
    ADMIN_SITE,
    ALLOWED,
    API_METHODS,
    API_VIEWS,
    BODIES,
    LOGIN_REDIRECT_IS_SUCCESS,
    NA,
    READ_ONLY,
    REFUSED,
    VARIANT_ARGS,
    WRITE_ARGS,
    WRITE_PERSONAS,
    WRITES,
    add_write_objects,
    allow,
)
from .rbac_writes_run import Sender, admin_side_effects_stubbed, matches, refusals_recorded

pytestmark = pytest.mark.django_db

ADMIN_STANDARD = ("changelist", "add", "change", "history", "delete")
OUTSIDE_ADMIN = ("anonymous", "outsider", "staff", "handler")  # not allowed into the admin


@pytest.fixture
def dataset(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    return build_dataset()


def _admin_routes():
    """admin route name -> (model label, view) for the standard ModelAdmin views."""
    out = {}
    for model in admin.site._registry:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        for view in ADMIN_STANDARD:
            out[f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"] = (label, view)
    return out


def _admin_expected(label, view, exists):
    caps = ADMIN_MODELS[label]
    expected = dict.fromkeys(OUTSIDE_ADMIN, 302)
    for persona in ("officer", "auditor", "admin"):
        can = caps[persona]
        if view in ("changelist", "change", "history"):
            ok = "v" in can or "c" in can
        elif view == "add":
            ok = "a" in can
        else:
            ok = "d" in can
        expected[persona] = 200 if ok else 403
        if not exists and (view == "history" or (ok and view in ("change", "delete"))):
            expected[persona] = 302  # the admin redirects to its index: "does not exist"
    return expected


def _url(name, route, d):
    kwargs = ARGS[name](d) if route.kwargs - {"format"} else None
    return reverse(name, kwargs=kwargs)


def _get(client, persona, url, d):
    client.raise_request_exception = False  # a 500 is a status to record, not a crash
    client.logout()
    if persona != "anonymous":
        client.force_login(d.personas[persona])
    cache.clear()  # API throttles count per client address
    return client.get(url).status_code


def test_every_route_is_in_the_matrix():
    routes, unnamed = routes_by_name()
    admin_routes = _admin_routes()
    unknown_models = sorted(
        f"{m._meta.app_label}.{m._meta.model_name}"
        for m in admin.site._registry
        if f"{m._meta.app_label}.{m._meta.model_name}" not in ADMIN_MODELS
    )
    assert not unknown_models, f"admin models without a decision in ADMIN_MODELS: {unknown_models}"
    missing = sorted(
        n for n in routes if n not in MATRIX and n not in admin_routes and n not in NOT_GETTABLE
    )
    assert not missing, f"URL names without an entry in the RBAC matrix: {missing}"
    stale = sorted(n for n in [*MATRIX, *NOT_GETTABLE] if n not in routes)
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"
    stale_models = sorted(set(ADMIN_MODELS) - {v[0] for v in admin_routes.values()})
    assert not stale_models, f"ADMIN_MODELS entries no longer registered: {stale_models}"
    # The admin's object-less catch-all is the only unnamed route.
    assert [r.pattern for r in unnamed if not r.pattern.startswith("admin/")] == []
    needs_args = sorted(
        n
        for n, r in routes.items()
        if r.kwargs - {"format"} and n not in admin_routes and n not in ARGS
    )
    assert not needs_args, f"routes with parameters but no ARGS entry: {needs_args}"


def test_matrix(client, dataset):
    d = dataset
    routes, _unnamed = routes_by_name()
    admin_routes = _admin_routes()
    discovered, wrong = {}, []
    for name, route in sorted(routes.items()):
        if name in NOT_GETTABLE:
            continue
        if name in admin_routes:
            label, view = admin_routes[name]
            kwargs = None
            exists = True
            if view in ("change", "history", "delete"):
                model = next(
                    m
                    for m in admin.site._registry
                    if f"{m._meta.app_label}.{m._meta.model_name}" == label
                )
                obj = model._base_manager.order_by("pk").first()
                exists = obj is not None
                kwargs = {"object_id": obj.pk if exists else MISSING}
            url = reverse(name, kwargs=kwargs)
            expected = _admin_expected(label, view, exists) if label in ADMIN_MODELS else {}
        else:
            try:
                url = _url(name, route, d)
            except (NoReverseMatch, KeyError) as exc:
                wrong.append(f"{name}: cannot build URL ({exc})")
                continue
            expected = MATRIX.get(name, {})
        actual = {p: _get(client, p, url, d) for p in PERSONAS}
        discovered[name] = actual
        if actual != expected:
            diff = {
                p: f"{expected.get(p)}→{actual[p]}"
                for p in PERSONAS
                if expected.get(p) != actual[p]
            }
            wrong.append(f"{name} {url}: expected→actual {diff}")
    if os.environ.get("RBAC_DISCOVER"):
        with open(os.environ["RBAC_DISCOVER"], "w") as fh:
            json.dump(discovered, fh, indent=1, ensure_ascii=False)
    assert not wrong, "RBAC matrix mismatches:\n" + "\n".join(wrong)


def test_no_object_leaks_between_teams_and_people(client, dataset):
    """A handler of another team cannot open this team's incident (page or API); staff never see
    another person's training assignment or concern."""
    d = dataset
    other = d.other_handler
    client.force_login(other)
    for url in (
        reverse("incidents:detail", kwargs={"pk": d.incident.pk}),
        reverse("incidents:api-incident-detail", kwargs={"pk": d.incident.pk}),
        reverse("incidents:edit", kwargs={"pk": d.incident.pk}),
        reverse("incidents:evidence-download", kwargs={"evidence_pk": d.evidence.pk}),
        reverse("incidents:api-evidence-download", kwargs={"pk": d.evidence.pk}),
        reverse("reporting:report-detail", kwargs={"pk": d.version.report_id}),
        reverse("reporting:api-report-detail", kwargs={"pk": d.version.report_id}),
    ):
        assert client.get(url).status_code in (403, 404), url
    listing = client.get(reverse("incidents:api-incident-list")).json()
    refs = {row["reference"] for row in listing["results"]}
    assert d.incident.reference not in refs

    staff2 = d.users["staff2"]
    from incidents.models import Concern
    from training.models import TrainingAssignment

    theirs = TrainingAssignment.objects.filter(user=staff2).first()
    client.force_login(d.users["staff"])
    if theirs is not None:
        for url in (
            reverse("training:assignment", kwargs={"pk": theirs.pk}),
            reverse("training:certificate", kwargs={"pk": theirs.pk}),
            reverse("training:api-assignment-detail", kwargs={"pk": theirs.pk}),
        ):
            assert client.get(url).status_code in (403, 404), url
        mine = client.get(reverse("training:api-assignment-list")).json()
        rows = mine["results"] if isinstance(mine, dict) else mine
        assert {r["id"] for r in rows} <= set(
            TrainingAssignment.objects.filter(user=d.users["staff"]).values_list("pk", flat=True)
        )
    concern = Concern.objects.exclude(reporter=d.users["staff"]).first()
    if concern is None:
        from incidents import services as incident_services

        concern = incident_services.concern_submit(
            reporter=staff2, summary="可疑邮件", details="收到仿冒邮件。"
        )
    for url in (
        reverse("incidents:concern-detail", kwargs={"pk": concern.pk}),
        reverse("incidents:api-concern-detail", kwargs={"pk": concern.pk}),
    ):
        assert client.get(url).status_code in (403, 404), url
    listing = client.get(reverse("incidents:api-concern-list")).json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert concern.pk not in {r["id"] for r in rows}


# Lists everyone signed in may read (firm-wide reference data), even without a role.
SHARED_LISTS = {
    "governance:api-contact-role-list",  # the contact directory (who to call)
    "training:api-plan-list",  # approved training plans
}


def test_outsider_gets_empty_api_lists(client, dataset):
    """A signed-in user without any role gets 200 from list endpoints, but never a row."""
    routes, _unnamed = routes_by_name()
    client.force_login(dataset.personas["outsider"])
    leaked = {}
    for name, route in sorted(routes.items()):
        if (
            ":api-" not in name
            or not name.endswith("-list")
            or route.kwargs - {"format"}
            or name in SHARED_LISTS
        ):
            continue
        cache.clear()
        response = client.get(reverse(name))
        if response.status_code != 200:
            continue
        body = response.json()
        rows = body.get("results", body) if isinstance(body, dict) else body
        if rows:
            leaked[name] = len(rows)
    assert not leaked, f"an outsider sees rows: {leaked}"


# --- writes -----------------------------------------------------------------------------------

ADMIN_WRITE_VIEWS = {"add": "a", "change": "c", "delete": "d"}


def _is_api(name: str) -> bool:
    return ":api-" in name or name.startswith("audit-api:") or name in API_VIEWS


def _admin_model(label):
    return next(
        m for m in admin.site._registry if f"{m._meta.app_label}.{m._meta.model_name}" == label
    )


def _admin_actions(label) -> list[str]:
    """Every action the ModelAdmin declares (site-wide ones included), for anybody."""
    model = _admin_model(label)
    model_admin = admin.site._registry[model]
    if model_admin.actions is None:
        return []  # the admin offers no action at all
    names = [name for _func, name, _desc in model_admin._get_base_actions()]
    return sorted(set(names))


def _action_offered(name: str, action: str, user) -> bool:
    """What the admin's change list offers this user (the choices its action form accepts)."""
    label, _view = _admin_routes()[name]
    request = RequestFactory().post(reverse(name))
    request.user = user
    return action in admin.site._registry[_admin_model(label)].get_actions(request)


def _admin_decision(label: str, letter: str) -> dict:
    caps = ADMIN_MODELS[label]
    return {
        p: (ALLOWED if p in ADMIN_SITE and letter in caps.get(p, "") else REFUSED)
        for p in WRITE_PERSONAS
    }


def _action_decision(label: str, action: str) -> dict | None:
    if action == "delete_selected":
        return _admin_decision(label, "d")
    who = ADMIN_ACTIONS.get(label, {}).get(action)
    return None if who is None else allow(*who)


def _write_requests(d):
    """(row label, route name, method, url, body, api?, admin action?, expected or None)."""
    routes, _unnamed = routes_by_name()
    admin_routes = _admin_routes()
    for name, route in sorted(routes.items()):
        if name in admin_routes:
            label, view = admin_routes[name]
            if view in ("history",):
                continue
            model = _admin_model(label)
            obj = model._base_manager.order_by("pk").first()
            if view == "changelist":
                if obj is None:
                    continue
                for action in _admin_actions(label):
                    body = {"action": action, "_selected_action": [str(obj.pk)], "post": "yes"}
                    expected = _action_decision(label, action)
                    yield (
                        f"{name} action={action}",
                        name,
                        "POST",
                        reverse(name),
                        body,
                        False,
                        True,
                        expected,
                    )
                continue
            kwargs = None
            if view in ("change", "delete"):
                if obj is None:
                    continue  # nothing to change: the admin answers "does not exist"
                kwargs = {"object_id": obj.pk}
            body = {"post": "yes"} if view == "delete" else {}
            expected = _admin_decision(label, ADMIN_WRITE_VIEWS[view])
            yield (name, name, "POST", reverse(name, kwargs=kwargs), body, False, False, expected)
            continue
        decided = WRITES.get(name)
        api = _is_api(name)
        if decided is READ_ONLY and not api:
            continue  # a page without writes answers a POST as a GET (the GET matrix decides)
        if name in WRITE_ARGS:
            url = reverse(name, kwargs=WRITE_ARGS[name](d))
        else:
            url = _url(name, route, d)
        methods = API_METHODS if api else ("POST",)
        for method in methods:
            keys = [k for k in (decided or {}) if k.split(" ", 1)[0] == method]
            if not keys:
                keys = [method]
            for key in keys:
                expected = (decided or {}).get(key, dict.fromkeys(WRITE_PERSONAS, NA))
                if decided is None:
                    expected = None
                body_fn = BODIES.get((name, key))
                if (name, key) in VARIANT_ARGS:
                    url = reverse(name, kwargs=VARIANT_ARGS[(name, key)](d))
                yield (
                    f"{name} {key}" if key != method else name,
                    name,
                    method,
                    url,
                    body_fn,
                    api,
                    False,
                    expected,
                )


def test_every_write_is_decided():
    """Every route has a write decision (READ_ONLY when it offers none), every admin model its
    add/change/delete letters and every admin action its roles; nothing stale."""
    routes, _unnamed = routes_by_name()
    admin_routes = _admin_routes()
    missing = sorted(n for n in routes if n not in admin_routes and n not in WRITES)
    assert not missing, f"routes without a write decision in rbac_writes.WRITES: {missing}"
    stale = sorted(n for n in WRITES if n not in routes)
    assert not stale, f"write decisions for routes that no longer exist: {stale}"
    stale_bodies = sorted(k for k in BODIES if k[0] not in WRITES or k[1] not in WRITES[k[0]])
    assert not stale_bodies, f"bodies for undecided writes: {stale_bodies}"
    undecided = sorted(
        f"{label} action={a}"
        for label in ADMIN_MODELS
        for a in _admin_actions(label)
        if _action_decision(label, a) is None
    )
    assert not undecided, f"admin actions without a decision in ADMIN_ACTIONS: {undecided}"
    for label, caps in ADMIN_MODELS.items():
        assert not set(caps.get("auditor", "")) - {"v"}, f"{label}: auditors never write"


@pytest.fixture
def write_dataset(dataset):
    return add_write_objects(dataset)


def test_write_matrix(client, write_dataset):
    """Every write (API: POST/PUT/PATCH/DELETE; pages and admin: POST; admin actions) as every
    persona, each request rolled back; prints a table of every mismatch."""
    d = write_dataset
    personas = {"anonymous": None, **d.personas, "other_handler": d.other_handler}
    sender = Sender(client, personas)
    mismatches, discovered = [], {}
    wall, cpu, sent = time.perf_counter(), time.process_time(), 0
    with refusals_recorded(), admin_side_effects_stubbed():
        for label, name, method, url, body_fn, api, action, expected in _write_requests(d):
            got, notes = {}, {}
            started = time.perf_counter()
            for persona in WRITE_PERSONAS:
                body = body_fn(d) if callable(body_fn) else body_fn
                if action and persona in ADMIN_SITE:
                    # An action the admin does not offer cannot run (its form refuses it); only
                    # an offered one is posted (rendering the change list again is the slowest
                    # answer of the admin).
                    if not _action_offered(name, body["action"], personas[persona]):
                        got[persona], notes[persona] = REFUSED, "not offered"
                        continue
                got[persona], notes[persona] = sender.send(
                    persona,
                    method,
                    url,
                    body,
                    api,
                    action=action,
                    login_is_success=name in LOGIN_REDIRECT_IS_SUCCESS,
                )
            discovered[f"{label} {method}"] = {
                **got,
                "ms": round((time.perf_counter() - started) * 1000),
            }
            sent += len(got)
            for persona in WRITE_PERSONAS:
                want = expected.get(persona) if expected else "undecided"
                if expected is None or not matches(want, got[persona]):
                    mismatches.append((label, method, persona, want, got[persona], notes[persona]))
    if os.environ.get("RBAC_DISCOVER_WRITES"):
        with open(os.environ["RBAC_DISCOVER_WRITES"], "w") as fh:
            json.dump(discovered, fh, indent=1, ensure_ascii=False)
    summary = (
        f"write matrix: {len(discovered)} route x method rows, {sent} answers in "
        f"{time.perf_counter() - wall:.0f} s ({time.process_time() - cpu:.0f} s CPU)"
    )
    print(summary)
    shown = _secrets_shown(client, d)
    for name, persona in shown:
        mismatches.append((name, "GET", persona, "no secret", "shown", "the signing secret"))
    if mismatches:
        widths = [max(len(str(r[i])) for r in mismatches) for i in range(6)]
        head = ("route", "method", "persona", "expected", "got", "answer")
        widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
        lines += [
            "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in mismatches
        ]
        table = "\n".join(lines)
        pytest.fail(f"{summary}\n{len(mismatches)} mismatches:\n{table}", pytrace=False)


def _secret_pages(d):
    """(route, url, secret) for every page that could show a signing secret after creation."""
    subscription, source = d.subscription, d.alert_source
    endpoint = subscription.endpoint
    pages = [
        ("admin:integrations_alertsource_change", source.pk, source.secret),
        ("admin:integrations_webhooksubscription_change", subscription.pk, subscription.secret),
        ("admin:notifications_webhookendpoint_change", endpoint.pk, endpoint.secret),
        ("integrations:webhook-detail", subscription.pk, subscription.secret),
        ("integrations:api-webhook-detail", subscription.pk, subscription.secret),
    ]
    return [(name, reverse(name, args=[pk]), secret) for name, pk, secret in pages]


def _secrets_shown(client, d) -> list[tuple[str, str]]:
    """Secrets are shown to nobody after creation (issue 14): not to the auditor, not to the
    officer who owns the subscription, not to the administrator."""
    shown = []
    for persona in ("officer", "auditor", "admin"):
        client.cookies.clear()
        client.force_login(d.personas[persona])
        for name, url, secret in _secret_pages(d):
            cache.clear()
            response = client.get(url)
            if secret and secret in response.content.decode(errors="replace"):
                shown.append((name, persona))
    return shown
