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
