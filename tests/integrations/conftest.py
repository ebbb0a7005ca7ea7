import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _isolate(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    cache.clear()  # throttle history
    yield
    cache.clear()


@pytest.fixture
def api(client):
    """api(token=None) -> a test client sending `Authorization: Bearer <token>`."""

    def _client(raw=None):
        if raw:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        else:
            client.defaults.pop("HTTP_AUTHORIZATION", None)
        return client

    return _client
