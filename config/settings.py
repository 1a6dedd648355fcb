"""Warecache settings, configured only through environment variables (see README)."""

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.oidc_env import providers_from_env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WARECACHE_VAR_DIR", BASE_DIR / "var"))
VERSION = "0.1.0"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer") from exc


def env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number") from exc


def _development_secret_key() -> str:
    # Generated once per checkout so that nothing secret is ever committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "django_celery_results",
    # The browser's OpenID Connect login (accounts.oidc wires it to Warecache's accounts).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "config.core",
    "accounts",
    "inventory",
    "production",
    "sensors",
]

MIDDLEWARE = [
    # First, so that every log line of a request, errors of other middleware included, has its id.
    "config.request_id.RequestIdMiddleware",
    "config.nul_paths.NulPathMiddleware",
    # Next, so that every error under the API's paths, whoever answered it, is in its shape.
    "config.core.errors.ApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = False

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'warecache.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers queue
    # up (for `timeout` seconds) instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # A 64 MB page cache per connection (SQLite's default is 2 MB): a bin's contents or a
        # parts page read from memory, not the OS, on every request after the first.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT = env_float("REDIS_TIMEOUT", 1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs must not hang logins: they fall back to counting failures in
            # memory (accounts/throttle.py) after this many seconds.
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    # A shared cache (not per-process memory) so that login throttling holds across workers.
    # `migrate` creates its table (accounts.apps).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "warecache_cache",
        }
    }

AUTH_USER_MODEL = "accounts.User"
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

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerAuthentication",
        "accounts.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.core.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "config.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["config.core.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "config.core.schema.AutoSchema",
    "DEFAULT_METADATA_CLASS": "config.core.metadata.ApiMetadata",
    "EXCEPTION_HANDLER": "config.core.errors.api_exception_handler",
    # JSON only: `?format=` is no renderer switch (on part lists it asks for a download).
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

# Request bodies: 2.5 MB (Django's default, stated here because the API documents it; a batch
# of 1,000 keys is ~50 kB). Larger bodies are a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env_int("JWT_LIFETIME_SECONDS", 900)),
    "SIGNING_KEY": os.environ.get("JWT_SIGNING_KEY") or SECRET_KEY,
    "ALGORITHM": "HS256",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Warecache API",
    "DESCRIPTION": (
        "Parts, stock ledger, smart containers, BOMs, projects and production. "
        "Authenticate with `Authorization: Bearer <token>`, where the token is a JWT from "
        "`POST /auth/login` or an API token (prefix `wc_`) from `/api/v1/tokens`.\n\n"
        'Every error is `{"detail", "code", "errors"?}`. Decimals (quantities, prices, '
        'totals) are strings without padding zeros: `"4000"`, `"0.25"`. Lists are pages '
        "(`?page=`, `?page_size=`); a query parameter a list does not document is a 400. "
        "Request bodies over 2.5 MB are a 413."
    ),
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/(api/v1|auth|server)",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.core.schema.document_common_refusals",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.models.Role",
        "StockStatusEnum": "inventory.stock.models.StockStatus",
        "HealthStatusEnum": [("ok", "ok"), ("degraded", "degraded")],
        "ChangelogActionEnum": "config.core.models.ChangelogEntry.Action",
        "DeviceFlowServedByEnum": [("provider", "provider"), ("warecache", "warecache")],
    },
}

# Warecache's own knobs.
LOGIN_THROTTLE = {
    "window_seconds": env_int("LOGIN_THROTTLE_WINDOW", 300),
    "per_username": env_int("LOGIN_THROTTLE_PER_USERNAME", 5),
    "per_address": env_int("LOGIN_THROTTLE_PER_ADDRESS", 30),
}
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)

# OpenID Connect: providers from OIDC_* variables (config/oidc_env.py has the list). One
# configuration for the browser login (django-allauth, PKCE) and the API and device flows.
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": providers_from_env(os.environ)}
}
SOCIALACCOUNT_ADAPTER = "accounts.oidc.adapter.SocialAccountAdapter"
# Warecache keeps its own identity links (accounts.OidcIdentity, issuer + subject) and never
# stores the provider's tokens.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_ONLY = True
ACCOUNT_EMAIL_VERIFICATION = "none"
# How long an OIDC discovery document is trusted before it is fetched again (the JWKS is
# fetched again when a token names a key it does not hold: key rotation).
OIDC_DISCOVERY_TTL = env_int("OIDC_DISCOVERY_TTL", 3600)
OIDC_HTTP_TIMEOUT = env_float("OIDC_HTTP_TIMEOUT", 10.0)
# A token naming a key the cached set lacks fetches the set again, at most this often.
OIDC_JWKS_REFRESH_COOLDOWN = env_float("OIDC_JWKS_REFRESH_COOLDOWN", 5.0)
# Warecache's own device flow (RFC 8628), for providers without the device grant.
OIDC_DEVICE_CODE_LIFETIME = timedelta(seconds=env_int("OIDC_DEVICE_CODE_LIFETIME", 600))
OIDC_DEVICE_POLL_INTERVAL = env_int("OIDC_DEVICE_POLL_INTERVAL", 5)
OIDC_DEVICE_CODE_ATTEMPTS = env_int("OIDC_DEVICE_CODE_ATTEMPTS", 5)


def _retention_days() -> int | None:
    # Unset or empty: the changelog is kept forever.
    value = os.environ.get("CHANGELOG_RETENTION_DAYS", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ImproperlyConfigured("CHANGELOG_RETENTION_DAYS must be a whole number of days >= 1")
    return int(value)


CHANGELOG_RETENTION_DAYS = _retention_days()

# Celery: a broker that needs no server unless CELERY_BROKER_URL says otherwise.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "control", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # Applies CHANGELOG_RETENTION_DAYS; does nothing when the changelog is kept forever.
    "changelog-prune": {"task": "core.changelog_prune", "schedule": timedelta(days=1)},
    # Idempotency keys are kept a day (clients and tasks retry within minutes).
    "idempotency-prune": {"task": "core.idempotency_prune", "schedule": timedelta(hours=1)},
    # Device sign-ins Warecache served, a day past their expiry (their user codes are unique).
    "device-authorization-prune": {
        "task": "accounts.device_authorization_prune",
        "schedule": timedelta(hours=1),
    },
}
CELERY_TIMEZONE = "UTC"
WORKER_PING_TIMEOUT = float(os.environ.get("WORKER_PING_TIMEOUT", "1.0"))

# Deployment hardening; `manage.py check --deploy` is clean with DEBUG off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^server/health_check$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_id.RequestIdLogFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s [request_id=%(request_id)s] %(message)s"
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Every server error (500) with its traceback, whatever DEBUG and LOG_LEVEL say; with
        # LOG_LEVEL at INFO or WARNING, 4xx answers too. Not propagated: root would repeat it.
        "django.request": {
            "handlers": ["stderr"],
            "level": min(logging.getLevelNamesMapping()[LOG_LEVEL], logging.ERROR),
            "propagate": False,
        },
        "django.db.backends": {"level": "INFO"},
    },
}
