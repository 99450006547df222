import pytest

from tests.browser_support import browser  # noqa: F401  (the browser tests' Chromium, one per module)
from tests.factories import UserFactory


@pytest.fixture
def user_with_role(db):
    """Make a user holding the given role names: ``user_with_role("finance")``."""

    def make(*roles: str, username: str | None = None):
        kwargs = {"roles": list(roles)}
        if username:
            kwargs["username"] = username
        return UserFactory(**kwargs)

    return make


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Every test starts in the default language, whatever a previous request switched to."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded and rendered files under this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def jobs_run_at_once(monkeypatch):
    """As without a broker, whatever this run has: the upload's and the confirmation's jobs run in the request."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
