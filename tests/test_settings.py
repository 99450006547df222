"""Settings read from the environment fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    clean.update(env)
    code = (
        "import config.settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def test_defaults_with_debug_are_sqlite_and_eager_tasks():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "Asia/Shanghai"]


def test_postgres_and_broker_from_the_environment():
    result = load_settings(
        DJANGO_SECRET_KEY="x",
        DATABASE_URL="postgres://u@127.0.0.1:5432/db",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "Asia/Shanghai"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "DJANGO_SECRET_KEY is required"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be"),
        ({"DJANGO_DEBUG": "1", "DATABASE_URL": "nosuch://x"}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "http://x"}, "CELERY_BROKER_URL"),
        ({"DJANGO_DEBUG": "1", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"DJANGO_DEBUG": "1", "LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE"),
    ],
)
def test_bad_values_stop_start_up(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND must be"),
        ({"SMS_BACKEND": "aliyun"}, "SMS_BACKEND=aliyun needs SMS_SIGN_NAME, ALIYUN_ACCESS_KEY_ID"),
        (
            {"SMS_BACKEND": "tencent", "SMS_SIGN_NAME": "和园物业", "TENCENT_SECRET_ID": "id"},
            "needs TENCENT_SECRET_KEY, TENCENT_SMS_SDK_APP_ID",
        ),
        ({"SMS_RATE_PER_SECOND": "fast"}, "SMS_RATE_PER_SECOND must be a number"),
        ({"SMS_RATE_PER_SECOND": "-1"}, "SMS_RATE_PER_SECOND must be a number from 0 to 1000"),
        ({"SMS_MAX_ATTEMPTS": "2.5"}, "SMS_MAX_ATTEMPTS must be a whole number"),
        ({"OWNER_LINK_DAYS": "0"}, "OWNER_LINK_DAYS must be a whole number from 1"),
        ({"PUBLIC_BASE_URL": "wuye.example.com"}, "PUBLIC_BASE_URL must start with http"),
    ],
)
def test_bad_sms_and_owner_page_settings_stop_start_up(env, message):
    result = load_settings(DJANGO_DEBUG="1", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_vendor_credentials_come_from_the_environment():
    code = "import config.settings as s; print(s.SMS_BACKEND, s.ALIYUN_ACCESS_KEY_ID, s.SMS_RATE_PER_SECOND)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMS_", "ALIYUN_"))}
    env.update(
        DJANGO_DEBUG="1",
        SMS_BACKEND="aliyun",
        SMS_SIGN_NAME="和园物业",
        ALIYUN_ACCESS_KEY_ID="LTAI-test",
        ALIYUN_ACCESS_KEY_SECRET="secret",
        SMS_RATE_PER_SECOND="20",
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["aliyun", "LTAI-test", "20"]
