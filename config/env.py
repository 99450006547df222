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
        DATABASE["OPTIONS"].setdefault("options", "-c work_mem=64MB -c jit=off -c cpu_index_tuple_cost=0.1")
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


def env_number(name: str, default: str, *, low: Decimal, high: Decimal, integer: bool = False) -> Decimal:
    """A decimal (or whole number) from the environment within [low, high]; anything else stops start-up."""
    raw = os.environ.get(name, default).strip()
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from exc
    if not value.is_finite() or not (low <= value <= high) or (integer and value != value.to_integral_value()):
        kind = "a whole number" if integer else "a number"
        raise ImproperlyConfigured(f"{name} must be {kind} from {low} to {high}, not {raw!r}")
    return value


# SMS (短信催缴): which sender, its credentials (only ever from the environment), how fast and how often to try.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console").strip().lower() or "console"
if SMS_BACKEND not in {"console", "aliyun", "tencent"}:
    raise ImproperlyConfigured(f"SMS_BACKEND must be console, aliyun or tencent, not {SMS_BACKEND!r}")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "").strip()
ALIYUN_ACCESS_KEY_ID = os.environ.get("ALIYUN_ACCESS_KEY_ID", "").strip()
ALIYUN_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_ACCESS_KEY_SECRET", "").strip()
ALIYUN_SMS_ENDPOINT = os.environ.get("ALIYUN_SMS_ENDPOINT", "").strip() or "dysmsapi.aliyuncs.com"
TENCENT_SECRET_ID = os.environ.get("TENCENT_SECRET_ID", "").strip()
TENCENT_SECRET_KEY = os.environ.get("TENCENT_SECRET_KEY", "").strip()
TENCENT_SMS_SDK_APP_ID = os.environ.get("TENCENT_SMS_SDK_APP_ID", "").strip()
TENCENT_SMS_REGION = os.environ.get("TENCENT_SMS_REGION", "").strip() or "ap-guangzhou"
_required = {
    "aliyun": ("SMS_SIGN_NAME", "ALIYUN_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_SECRET"),
    "tencent": ("SMS_SIGN_NAME", "TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID"),
}.get(SMS_BACKEND, ())
_missing = [name for name in _required if not globals()[name]]
if _missing:
    raise ImproperlyConfigured(f"SMS_BACKEND={SMS_BACKEND} needs {', '.join(_missing)}")
# Messages per second across every worker; 0 sends as fast as the backend takes them (the console backend).
SMS_RATE_PER_SECOND = env_number("SMS_RATE_PER_SECOND", "10", low=Decimal(0), high=Decimal(1000))
SMS_MAX_ATTEMPTS = int(env_number("SMS_MAX_ATTEMPTS", "3", low=Decimal(1), high=Decimal(10), integer=True))

# The owner's page (扫码查账): the address owners reach the site at (printed in the letter's QR code and the SMS)
# and how long a link stays valid.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
if not PUBLIC_BASE_URL and DEBUG:
    PUBLIC_BASE_URL = "http://127.0.0.1:8000"
if PUBLIC_BASE_URL and not PUBLIC_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL must start with http:// or https://, not {PUBLIC_BASE_URL!r}")
OWNER_LINK_DAYS = int(env_number("OWNER_LINK_DAYS", "60", low=Decimal(1), high=Decimal(3650), integer=True))

# Seconds Redis waits for a job's acknowledgement before handing it to another worker (a worker killed mid-job): longer
# than any job with acks_late runs (the letters' parts stop after 11 minutes), short enough that such a job comes back
# soon.
CELERY_VISIBILITY_TIMEOUT = int(
    env_number("CELERY_VISIBILITY_TIMEOUT", "1800", low=Decimal(900), high=Decimal(43200), integer=True)
)
# Letters laid out and written as one PDF (fonts embedded once) per part of a batch; bounds a worker's memory.
NOTICE_CHUNK_SIZE = int(env_number("NOTICE_CHUNK_SIZE", "100", low=Decimal(10), high=Decimal(500), integer=True))
# Minutes without news from a batch's job after which an operator may resume it (its worker taken to be dead).
NOTICE_JOB_STALE_MINUTES = int(
    env_number("NOTICE_JOB_STALE_MINUTES", "10", low=Decimal(1), high=Decimal(1440), integer=True)
)
# Statement matching (流水对账) looks at the payments dated within this many days of a statement's lines.
STATEMENT_MATCH_DAYS = int(env_number("STATEMENT_MATCH_DAYS", "3", low=Decimal(0), high=Decimal(31), integer=True))

# Behind a TLS-terminating reverse proxy (deploy/nginx.conf): trust its X-Forwarded-Proto for "is this HTTPS?" and
# its X-Forwarded-For for the client's address (login lockout, the audit trail). Never set it without such a proxy:
# a client could then claim any address.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
# The origins a browser posts forms from, e.g. https://wuye.example.com (needed for a login over HTTPS).
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS must list origins such as https://host, not {_origin!r}"
        )
SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=False)
HSTS_SECONDS = int(env_number("DJANGO_HSTS_SECONDS", "0", low=Decimal(0), high=Decimal(63072000), integer=True))
HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)

# Signed out after this many hours without a request (sliding: every request starts the period again).
SESSION_IDLE_HOURS = env_number("SESSION_IDLE_HOURS", "8", low=Decimal("0.25"), high=Decimal(720))
# Login lockout (django-axes): this many wrong passwords lock the login name, and the address, for the cool-off.
LOGIN_FAILURE_LIMIT = int(env_number("LOGIN_FAILURE_LIMIT", "5", low=Decimal(1), high=Decimal(100), integer=True))
LOGIN_COOLOFF_MINUTES = int(env_number("LOGIN_COOLOFF_MINUTES", "15", low=Decimal(1), high=Decimal(1440), integer=True))
# An office whose staff all reach the site from one address may turn the lockout by address off (the login name's
# stays).
LOGIN_LOCKOUT_BY_ADDRESS = env_bool("LOGIN_LOCKOUT_BY_ADDRESS", default=True)

# The largest request body Django reads into memory, files apart (a form of thousands of ticked payments fits).
DATA_UPLOAD_MAX_MB = env_number("DJANGO_DATA_UPLOAD_MAX_MB", "5", low=Decimal(1), high=Decimal(100))
