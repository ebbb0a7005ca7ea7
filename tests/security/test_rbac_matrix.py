"""RBAC matrix: every URL pattern in the URLconf (pages, API, admin), GET as every persona.

Each named route has an explicit expected status per persona in MATRIX (tests/security/
rbac_matrix.py); admin routes are decided per registered model in ADMIN_MODELS (which views each
firm-wide role may open) plus explicit entries for the admin's own pages. A route that is in the
URLconf but not in the matrix fails the test, so every new URL forces a decision; an entry whose
route disappeared fails too. Path parameters are real objects of the demo firm (seed_demo) or a
primary key that exists nowhere.

Regenerate a draft after adding URLs (then review every changed line by hand):
    RBAC_DISCOVER=/tmp/rbac.json pytest tests/security/test_rbac_matrix.py -k matrix
"""

import json
import os

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from .rbac import ARGS, MISSING, PERSONAS, build_dataset, routes_by_name
from .rbac_matrix import ADMIN_MODELS, MATRIX, NOT_GETTABLE

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
