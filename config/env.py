"""Every setting that comes from the environment is read here, and a bad value stops start-up."""

import os
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required unless DJANGO_DEBUG=1")
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

_default_sqlite = BASE_DIR / "var" / "db.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    try:
        DATABASE = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
    except Exception as exc:  # dj_database_url raises several kinds on a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if not DATABASE.get("ENGINE"):
        raise ImproperlyConfigured(f"DATABASE_URL has an unknown scheme: {DATABASE_URL!r}")
    if DATABASE["ENGINE"] == "django.db.backends.postgresql":
        # The ledger's set-based reads (arrears.ledger_sql) hash a million groups: give a hash room to stay in memory,
        # and leave JIT off (compiling such a statement costs seconds and saves nothing on it).
        DATABASE.setdefault("OPTIONS", {})
        DATABASE["OPTIONS"].setdefault("options", "-c work_mem=64MB -c jit=off")
else:
    _default_sqlite.parent.mkdir(exist_ok=True)
    DATABASE = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_default_sqlite),
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "memory://")):
    raise ImproperlyConfigured(f"CELERY_BROKER_URL has an unknown scheme: {CELERY_BROKER_URL!r}")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or None

TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}") from exc

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
if LANGUAGE_CODE not in {"zh-hans", "en"}:
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be zh-hans or en, not {LANGUAGE_CODE!r}")

SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)

# Generated letters and uploads; a worker must share it with the web server (the tests point both at a tmp dir).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "").strip() or BASE_DIR / "var" / "media")

# The earliest date the product accepts anywhere a date is typed (core.dates): no charge of a ledger predates it.
_earliest_raw = os.environ.get("LEDGER_EARLIEST_DATE", "2000-01-01").strip()
try:
    LEDGER_EARLIEST_DATE = date.fromisoformat(_earliest_raw)
except ValueError as exc:
    raise ImproperlyConfigured(f"LEDGER_EARLIEST_DATE must be a date YYYY-MM-DD, not {_earliest_raw!r}") from exc
if not date(1900, 1, 1) <= LEDGER_EARLIEST_DATE <= date(2100, 1, 1):
    raise ImproperlyConfigured(f"LEDGER_EARLIEST_DATE must lie between 1900 and 2100, not {_earliest_raw!r}")

# Annualised 违约金 rate above which the late-fee pages warn that courts often cut it (DOMAIN.md "Late fee").
# Up to 3.65: the highest daily rate a policy may hold (0.01) times 365.
_warn_raw = os.environ.get("LATE_FEE_WARN_ANNUAL_RATE", "0.24").strip()
try:
    LATE_FEE_WARN_ANNUAL_RATE = Decimal(_warn_raw)
except InvalidOperation as exc:
    raise ImproperlyConfigured(f"LATE_FEE_WARN_ANNUAL_RATE must be a decimal such as 0.24, not {_warn_raw!r}") from exc
if not (LATE_FEE_WARN_ANNUAL_RATE.is_finite() and Decimal("0") < LATE_FEE_WARN_ANNUAL_RATE <= Decimal("3.65")):
    raise ImproperlyConfigured(f"LATE_FEE_WARN_ANNUAL_RATE must be above 0 and at most 3.65, not {_warn_raw!r}")
