"""Settings for the test suite: the same as production's, with a fixed key and a fast hasher."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("PUBLIC_BASE_URL", "https://wuye.example.com")
# The tests never reach a vendor and never wait on the rate limit unless a test sets one.
os.environ["SMS_BACKEND"] = "console"
os.environ.setdefault("SMS_RATE_PER_SECOND", "0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client's login() and force_login() authenticate without a request, which django-axes refuses; the
# lockout's own tests turn it on (tests/test_login_security.py).
AXES_ENABLED = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# On SQLite the test database is a file, not memory: the live server of the browser tests then talks to the
# database over its own connection, as a real server does. One file per run, removed when the run ends.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
