"""Fast, isolated settings for the test suite; the database and broker still come from the
environment so that the same suite runs on SQLite and on PostgreSQL + Redis."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from .oidc_env import providers_from_env
from .settings import *  # noqa: F403
from .settings import DATABASES, VAR_DIR

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so worker subprocesses and concurrent threads share the database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.sqlite3")
    }

WORKER_PING_TIMEOUT = 0.3

# One OpenID provider, "corp", whose issuer does not answer (port 9, discard): pages and
# endpoints that need no provider answer work, the rest say it is unavailable. Tests of real
# sign-ins point it at the loopback provider of tests/oidc.
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": providers_from_env(
            {
                "OIDC_PROVIDERS": "corp",
                "OIDC_CORP_ISSUER": "http://127.0.0.1:9",
                "OIDC_CORP_CLIENT_ID": "warecache",
                "OIDC_CORP_CLIENT_SECRET": "test-secret",
                "OIDC_CORP_NAME": "Corp SSO",
            }
        ),
    }
}
OIDC_HTTP_TIMEOUT = 2.0
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
