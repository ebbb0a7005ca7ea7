"""Settings shared by every environment. Values come from the environment (django-environ);
a malformed value is an error at start-up, never a silent default."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django-unfold themes the admin (issue 18): its templates come before Django's.
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "django_celery_results",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # design system (docs/design.md)
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tables2",
    # ground floor
    "core",
    "security",
    "accounts",
    "audit",
    "deadlines",
    "notifications",
    # domain apps
    "governance",
    "incidents",
    "reporting",
    "training",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.middleware.TwoFactorMiddleware",
    "csp.middleware.CSPMiddleware",
    # the admin theme's scripts (django-unfold, Alpine.js) need 'unsafe-eval' on /admin/ only
    "accounts.admin_theme.admin_csp",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.InputGuardMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.navigation",
                "core.context_processors.language_select",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing
    # with "database is locked"; WAL lets pages read while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses locked-out credentials before the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleBackend",
]
# Directory sign-in (LDAP / Active Directory) when LDAP_SERVER_URI is set: replaces the backends
# above with axes, the directory and break-glass local accounts (docs/directory-sign-in.md).
if env.str("LDAP_SERVER_URI", default=""):
    import os

    from config.directory import ldap_settings

    vars().update(ldap_settings(os.environ))
# OpenID Connect sign-in (mozilla-django-oidc) when OIDC_RP_CLIENT_ID is set: the provider's backend
# after axes, local passwords for break-glass administrators (docs/directory-sign-in.md).
if env.str("OIDC_RP_CLIENT_ID", default=""):
    import os

    from accounts.oidc_config import oidc_settings

    vars().update(oidc_settings(os.environ, AUTHENTICATION_BACKENDS))
# Sessions: Django's cached_db store (read from the cache, written through to the database).
# The cache is Redis (django-redis) when CACHE_URL is set, otherwise this process's memory.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# core.prepared: the incident page's lists and the unread count are compiled once per process;
# False evaluates the same querysets through the ORM each time (docs/performance.md).
PREPARED_QUERIES = env.bool("PREPARED_QUERIES", default=True)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The project's catalogues win over every library's (django-celery-beat says "分钟" for the
# meeting's "Minutes" and "任务名" for "Name"): LOCALE_PATHS load before any app's catalogue, so
# each project app's catalogue is listed here, whatever the order of INSTALLED_APPS.
PROJECT_APPS = [
    "core",
    "security",
    "accounts",
    "audit",
    "deadlines",
    "notifications",
    "governance",
    "incidents",
    "reporting",
    "training",
    "integrations",
]
LOCALE_PATHS = [BASE_DIR / "locale"] + [
    BASE_DIR / app / "locale" for app in PROJECT_APPS if (BASE_DIR / app / "locale").is_dir()
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end packages fetched with npm by the setup (scripts/_setup.sh: ensure_assets) into
# node_modules/ (outside git); only their dist folders are served, under static/vendor/.
ASSETS_DIR = Path(env.str("ASSETS_DIR", default=str(BASE_DIR / "node_modules")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", ASSETS_DIR / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", ASSETS_DIR / "bootstrap-icons" / "font"),
    ("vendor/echarts", ASSETS_DIR / "echarts" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail: EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@example.com")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Celery: Redis when CELERY_BROKER_URL is set, otherwise kombu's filesystem transport, which
# needs no server and still runs a real worker and beat in separate processes.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# A page hands work to the broker after its commit; with the broker down that hand-over gives up
# within a second (one quick retry, 1 s connect timeout) instead of blocking the request for
# seconds: the outbox row is already committed and the sweep hands it over later.
BROKER_FAIL_FAST = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": 1,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, **BROKER_FAIL_FAST}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# The deadline sweep keeps a worker process busy for most of every minute: it has a queue of
# its own, served by its own worker (scripts/run, README), so nothing else waits behind it.
CELERY_TASK_ROUTES = {"deadlines.sweep": {"queue": "sweep"}}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "integrations.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "integrations.authentication.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="3000/hour"),
        "alerts": env.str("API_THROTTLE_ALERTS", default="600/minute"),
    },
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    # core.inputs.JSONParser: NaN, a NUL character or nesting too deep is a 400.
    "DEFAULT_PARSER_CLASSES": [
        "core.inputs.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Incident response & governance API",
    "VERSION": "1.0.0",
    # Schema quality is tested on its own (tests/); `check --deploy` is about deployment.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # The API's map is for signed-in users and token holders only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One name per choice set shared by several fields (`spectacular --fail-on-warn` passes).
    "ENUM_NAME_OVERRIDES": {
        "GradeEnum": "incidents.models.common.Grade",
        "IncidentCategoryEnum": "incidents.models.common.IncidentCategory",
        "IncidentStatusEnum": "incidents.models.cases.Incident.Status",
        "DataLevelEnum": "governance.models.common.DataLevel",
        "SharingTierEnum": "governance.models.common.SharingTier",
        "PartyRoleEnum": "governance.models.agreements.CooperationAgreement.PartyRole",
        "CounterpartyKindEnum": "governance.models.agreements.Counterparty.Kind",
    },
}

# Forms render with crispy-forms' Bootstrap 5 pack, tables with django-tables2's Bootstrap 5
# template (docs/design.md).
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
FORM_RENDERER = "core.rendering.FormRenderer"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
# Error pages in Chinese inside the layout (core/error_views.py; config/urls.py handler403 etc.).
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"

AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_STORE_JSON_CHANGES = True
# auditlog's own migrations create its (swapped-out) LogEntry table with an FK to users, which
# makes TRUNCATE of accounts_user fail in transactional tests; audit.AuditEntry replaces it.
MIGRATION_MODULES = {"auditlog": None}

SITE_NAME = env.str("SITE_NAME", default="")

# LOG_FORMAT=json writes one JSON object per line (python-json-logger); production's default.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise environ.ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
# Prometheus scrape at /metrics (core.metrics): from these networks, or with this bearer token.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Security hardening (docs/security.md) ---------------------------------------------------
# Login lockout (django-axes): 5 failures for one username from one IP lock that pair for 30 min.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.views.lockout"
AXES_VERBOSE = False
# Two-factor (django-otp TOTP) for these roles; off unless the environment (or production) says.
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=[])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="IR-Governance")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # auditors view every model: never show TOTP secrets
# Content security policy (django-csp): scripts only from our origin or with the page's nonce.
# The API docs pages load Swagger UI/ReDoc from their CDN with an inline bootstrap script.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/", "/api/redoc/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Strict would sign users out when they follow a mailed link
CSRF_COOKIE_HTTPONLY = True  # no script reads the CSRF cookie; forms carry the token
CSRF_COOKIE_SAMESITE = "Lax"
# Uploads (core.uploads): largest accepted file.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=20) * 1024 * 1024
# Archive checks (core.uploads): unpacked bytes, members, ratio to the upload's size, seconds.
UPLOAD_ARCHIVE_MAX_BYTES = env.int("UPLOAD_ARCHIVE_MAX_MB", default=200) * 1024 * 1024
UPLOAD_ARCHIVE_MAX_MEMBERS = env.int("UPLOAD_ARCHIVE_MAX_MEMBERS", default=2000)
UPLOAD_ARCHIVE_MAX_RATIO = env.int("UPLOAD_ARCHIVE_MAX_RATIO", default=100)
UPLOAD_CHECK_SECONDS = env.float("UPLOAD_CHECK_SECONDS", default=5.0)
# Outbound webhooks (core.net): intranet robot hosts (names or CIDR networks) that may be private.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
# Stored files (security.files): "" streams them from Django; "x-sendfile" (Apache mod_xsendfile) or
# "x-accel-redirect" (nginx, internal location FILES_ACCEL_PREFIX aliasing MEDIA_ROOT) hands the
# bytes to the web server after the permission check.
FILES_SENDFILE = env.str("FILES_SENDFILE", default="")
FILES_ACCEL_PREFIX = env.str("FILES_ACCEL_PREFIX", default="/protected-media/")

# --- Admin theme (django-unfold, issue 18) ------------------------------------------------------
UNFOLD = {
    "SITE_TITLE": _("Incident & governance admin"),
    "SITE_HEADER": _("Data-security incident & governance administration"),
    "SITE_URL": "/",
    "SITE_SYMBOL": "shield",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
    "SHOW_BACK_BUTTON": True,
    "BORDER_RADIUS": "6px",
    "SIDEBAR": {"show_search": True, "show_all_applications": True},
}
