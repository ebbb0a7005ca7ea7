"""Browser journeys: Debian's Chromium driven by Playwright against a real server process.

The server is started the way the README starts the product (`manage.py runserver --noreload`,
here with the test settings and `--insecure` so the admin's static files are served without
DEBUG) on a free port, against the pytest test database. The journeys commit their rows
(`transaction=True`) so the server sees them; `serialized_rollback=True` restores what the data
migrations seeded (grading criteria, reporting rules, deadline kinds) after each flush.

Never downloads a browser: Playwright is only the driver of /usr/bin/chromium, installed by
scripts/test with apt-get (scripts/_setup.sh: ensure_chromium)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.deadlines.processes import free_port, wait_for_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # the browser's own widgets (file and date inputs) in Chinese too
]
ROOT = Path(settings.BASE_DIR)
# Screenshots: of every failure (pytest hook below) and of each journey's last page.
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", ROOT / "var" / "browser-screenshots"))
TIMEOUT_MS = 20_000

journey = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _chromium_or_skip():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} is missing and could not be installed (scripts/test installs Debian's "
            "chromium with apt-get when run as root)"
        )
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")


class LiveServer:
    """`manage.py runserver --noreload` in its own process on the test database."""

    def __init__(self, *, database_name: str, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_name = database_name
        self.workdir = workdir
        self.log_path = workdir / "server.log"
        self.process = None

    def start(self):
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{self.database_name}",
                # No worker in these journeys: messages are enqueued to an in-memory broker
                # and stay in the outbox (the database), as during a broker outage.
                "CELERY_BROKER_URL": "memory://",
                "CELERY_RESULT_BACKEND": "cache+memory://",
                "VAR_DIR": str(self.workdir / "var"),
                "MEDIA_ROOT": str(self.workdir / "media"),
                "SITE_NAME": "示例证券股份有限公司",
                "PYTHONUNBUFFERED": "1",
            }
        )
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
                "--insecure",
                "--skip-checks",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            wait_for_port(self.port, timeout=60)
        except RuntimeError:
            self.stop()
            raise RuntimeError("runserver did not start:\n" + self.log_tail())

    def log_tail(self, n=4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


@pytest.fixture(scope="module", autouse=True)
def _post_migrate_after_journeys(django_db_blocker):
    """A serialized-rollback test's flush skips post_migrate (content types, permissions, role
    groups), which the next transactional test of the suite expects to find: emit it once the
    journeys are done, as a plain transactional test's flush would have."""
    yield
    from django.core.management.sql import emit_post_migrate_signal

    with django_db_blocker.unblock():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    # The journeys' services enqueued tasks from this process on the default broker: drop the
    # producer pool bound to it (app.close() alone keeps it), so a later test that points the
    # app at its own Redis really publishes there.
    from config.celery_app import app

    app.close()
    app.amqp._producer_pool = None


@pytest.fixture(scope="session")
def live_app(django_db_setup, django_db_blocker, tmp_path_factory):
    """The product served by its own process on the pytest test database."""
    _chromium_or_skip()
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("browser journeys need PostgreSQL (the server process shares the test DB)")
        name = connection.settings_dict["NAME"]
    server = LiveServer(database_name=name, workdir=tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium(live_app):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's ORM refuses to
    # run beside one unless told that the calls stay synchronous (they do: one thread, no await).
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections

    serialized = getattr(connections["default"], "_test_serialized_contents", None)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
            base_url=live_app.url,
        )
        context.set_default_timeout(TIMEOUT_MS)
        # With that loop running, Django's thread-critical connection storage switches to a
        # context variable: the ORM gets a new connection object, which lacks the migrated
        # contents serialized at set-up. Hand them over so serialized_rollback still restores
        # the seeded rows after each journey's flush.
        from django.db import connections

        if serialized is not None:
            connections["default"]._test_serialized_contents = serialized
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)
            if unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe


@pytest.fixture
def page(request, chromium, live_app):
    """A fresh tab, signed out; a screenshot lands in SCREENSHOTS when the test fails."""
    chromium.clear_cookies()
    tab = chromium.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"FAILED-{request.node.name}-{time.strftime('%Y%m%d-%H%M%S')}.png"
        try:
            tab.screenshot(path=str(path), full_page=True)
            print(f"\nscreenshot of the failure: {path}\nserver log:\n{live_app.log_tail(2000)}")
        except Exception as exc:  # pragma: no cover - the page may be gone
            print(f"\nno screenshot ({exc})")
    tab.close()


def shoot(page, name: str) -> Path:
    """The journey's last page, kept for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str | None = None):
    """Sign in through the login page (as a person would), replacing any earlier session."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    assert "登录" in page.title()
    page.fill("#id_username", username)
    page.fill("#id_password", password or "pw-" + username)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
