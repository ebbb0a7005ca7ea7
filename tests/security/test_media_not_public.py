"""Nothing under MEDIA_ROOT is reachable by URL alone, DEBUG on or off; the file view answers
only for registered fields of records the user may see."""

import importlib

import pytest
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def stored_report(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "reporting" / "reports" / "2026").mkdir(parents=True)
    (tmp_path / "reporting" / "reports" / "2026" / "SJAQ-2026-0001-initial-cac-v1.pdf").write_bytes(
        PDF
    )
    return "reporting/reports/2026/SJAQ-2026-0001-initial-cac-v1.pdf"


def _reload_urls():
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.parametrize("debug", [True, False])
def test_media_urls_answer_404(settings, client, officer, stored_report, debug):
    settings.DEBUG = debug
    _reload_urls()
    try:
        assert client.get(f"/media/{stored_report}").status_code == 404
        client.force_login(officer)
        assert client.get(f"/media/{stored_report}").status_code == 404
    finally:
        settings.DEBUG = False
        _reload_urls()


@pytest.mark.parametrize(
    "path",
    [
        "/files/accounts.user/1/password/",
        "/files/incidents.evidence/1/file/",
        "/files/nonsense/1/file/",
        "/files/governance.cooperationagreement/999999/document/",
    ],
)
def test_unregistered_or_missing_files_are_404(client, officer, path):
    client.force_login(officer)
    assert client.get(path).status_code == 404
