"""Django settings. Values from the environment are read and checked in config/env.py."""

from datetime import timedelta

from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from . import env

BASE_DIR = env.BASE_DIR
DEBUG = env.DEBUG
SECRET_KEY = env.SECRET_KEY
ALLOWED_HOSTS = env.ALLOWED_HOSTS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "core",
    "arrears",
    "assignments",
    "notices",
    "scripts_faq",
    "dashboard",
    "finance",
    "imports",
    "demo",
    "outreach",
    "audit",
    "axes",
    "auditlog",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.matrix.MatrixMiddleware",
    "core.sessions.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.error_pages.ErrorPagesMiddleware",
    # Who did it and from where, on every audit-trail entry written during the request.
    "audit.middleware.AuditMiddleware",
    # Last: turns a locked-out login into the login page with the lockout message (config.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.DATABASE}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every password set through a form (an imported employee's first password set by a manager, a password change):
# at least 10 characters, not like the login name or the person's name, not all digits, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: a locked-out login name or address is refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=env.LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] if env.LOGIN_LOCKOUT_BY_ADDRESS else ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
# Behind the proxy the client's address is the first of X-Forwarded-For (the proxy overwrites the header).
AXES_IPWARE_PROXY_COUNT = 1 if env.BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if env.BEHIND_PROXY else ("REMOTE_ADDR",)

# Signed out after SESSION_IDLE_HOURS without a request; requests push the expiry forward (core.sessions), so a
# collector's phone stays signed in through the working day.
SESSION_COOKIE_AGE = int(env.SESSION_IDLE_HOURS * 3600)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.LANGUAGE_CODE
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.MEDIA_ROOT

SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = env.SECURE_COOKIES

# HTTPS behind a TLS-terminating proxy (README, "Production"): every value from the environment.
BEHIND_PROXY = env.BEHIND_PROXY
if env.BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS
SECURE_SSL_REDIRECT = env.SSL_REDIRECT
SECURE_HSTS_SECONDS = env.HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.HSTS_INCLUDE_SUBDOMAINS
SECURE_HSTS_PRELOAD = env.HSTS_PRELOAD
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from this site's static files (no inline script, no eval); the
# templates' own <style> blocks are allowed. The web server (deploy/nginx.conf) sends nothing that widens it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Request size: bodies Django holds in memory (forms), files apart; files over FILE_UPLOAD_MAX_MEMORY_SIZE go to a
# temporary file. Each upload form checks its own limit and the file's content (core.uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env.DATA_UPLOAD_MAX_MB * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# The audit trail (django-auditlog; what is recorded: config/audited.py). Kept indefinitely; README, "Security and
# audit", says how to prune it.
AUDITLOG_DISABLE_REMOTE_ADDR = False

# No date before this is accepted where people type dates (core.dates).
LEDGER_EARLIEST_DATE = env.LEDGER_EARLIEST_DATE

# A statement is matched against the payments dated within this many days of its lines (finance.selectors).
STATEMENT_MATCH_DAYS = env.STATEMENT_MATCH_DAYS

# The late-fee pages warn when a policy's annualised 违约金 rate is above this (a ratio: 0.24 = 24%).
LATE_FEE_WARN_ANNUAL_RATE = env.LATE_FEE_WARN_ANNUAL_RATE

# SMS (短信催缴) and the owner's page (扫码查账): see outreach/ and the README's settings table.
SMS_BACKEND = env.SMS_BACKEND
SMS_SIGN_NAME = env.SMS_SIGN_NAME
ALIYUN_ACCESS_KEY_ID = env.ALIYUN_ACCESS_KEY_ID
ALIYUN_ACCESS_KEY_SECRET = env.ALIYUN_ACCESS_KEY_SECRET
ALIYUN_SMS_ENDPOINT = env.ALIYUN_SMS_ENDPOINT
TENCENT_SECRET_ID = env.TENCENT_SECRET_ID
TENCENT_SECRET_KEY = env.TENCENT_SECRET_KEY
TENCENT_SMS_SDK_APP_ID = env.TENCENT_SMS_SDK_APP_ID
TENCENT_SMS_REGION = env.TENCENT_SMS_REGION
SMS_RATE_PER_SECOND = env.SMS_RATE_PER_SECOND
SMS_MAX_ATTEMPTS = env.SMS_MAX_ATTEMPTS
PUBLIC_BASE_URL = env.PUBLIC_BASE_URL
OWNER_LINK_DAYS = env.OWNER_LINK_DAYS

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# Celery: with no broker the tasks run in-process, so a bare machine needs nothing else.
CELERY_BROKER_URL = env.CELERY_BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not env.CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.CELERY_RESULT_BACKEND
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers a job not acknowledged within this many seconds (a worker killed mid-job); every acks_late job
# stops well before it (notices.tasks), so a running job is never handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.CELERY_VISIBILITY_TIMEOUT}
NOTICE_CHUNK_SIZE = env.NOTICE_CHUNK_SIZE
NOTICE_JOB_STALE_MINUTES = env.NOTICE_JOB_STALE_MINUTES
CELERY_BEAT_SCHEDULE: dict = {
    # The daily split at 06:00 local time (CELERY_TIMEZONE), before the collectors open their lists.
    "split-today": {"task": "assignments.split_today", "schedule": crontab(hour=6, minute=0)},
    # The dashboard's snapshots (收费看板), every hour at :05.
    "dashboard-refresh": {"task": "dashboard.refresh_snapshots", "schedule": crontab(minute=5)},
    # SMS batches whose time has come (queued overnight to 08:00, or waiting to retry), every minute.
    "sms-dispatch": {"task": "outreach.dispatch_due", "schedule": crontab()},
    # The owner's reminder the day before a promised date, at 09:00.
    "sms-promise-reminders": {"task": "outreach.promise_reminders", "schedule": crontab(hour=9, minute=0)},
    # Delivery reports and replies (退订) from the SMS vendor, every ten minutes.
    "sms-reports": {"task": "outreach.pull_reports", "schedule": crontab(minute="*/10")},
}

# A change the dashboard shows (a payment verified, a contact recorded) refreshes its community's snapshot at most once
# per this many seconds (dashboard.services.snapshot_refresh_soon).
DASHBOARD_REFRESH_SECONDS = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
    # WeasyPrint reports each rendering step at INFO: one line per step per letter; pikepdf announces itself.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "pikepdf": {"level": "WARNING"}},
}
