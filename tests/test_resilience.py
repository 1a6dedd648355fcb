"""The server keeps working when its cache is missing (no cache table) or down (Redis): logins
never answer 500, failed logins are still limited, the health check says so, and `migrate`
creates the cache table a database-cache install needs."""

import logging
import socket

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from accounts import throttle
from tests.conftest import make_user
from tests.inventory.stock_helpers import location, part

pytestmark = pytest.mark.django_db

LOGIN = "/auth/login"
PASSWORD = "correct horse 42"
DB_CACHE = "django.core.cache.backends.db.DatabaseCache"
THREE_PER_USERNAME = override_settings(
    LOGIN_THROTTLE={"window_seconds": 300, "per_username": 3, "per_address": 100}
)


@pytest.fixture(autouse=True)
def _no_outage_left_over():
    throttle.reset()
    yield
    throttle.reset()


@pytest.fixture
def closed_port():
    """A loopback port that refuses connections: bound, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture(params=["missing-cache-table", "redis-down"])
def broken_cache(request, settings, closed_port):
    """The cache of an install that never ran createcachetable, or of one whose Redis is down."""
    if request.param == "missing-cache-table":
        settings.CACHES = {"default": {"BACKEND": DB_CACHE, "LOCATION": "warecache_no_such_table"}}
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        }
    return request.param


def api_login(client, password, username="vera"):
    return client.post(LOGIN, {"username": username, "password": password}, format="json")


def ui_login(client, password, username="vera"):
    return client.post(reverse("login"), {"username": username, "password": password})


def assert_health_reports_degraded_throttling(anon):
    response = anon.get("/server/health_check")
    assert response.status_code == 200  # only the database and the broker decide the status
    body = response.json()
    assert body["status"] == "ok"
    report = body["login_throttle"]
    assert report["degraded"] is True
    assert report["store"] == "memory"
    assert report["error"]  # the exception's class, e.g. OperationalError or ConnectionError
    assert "memory" in report["reason"]


# The API ------------------------------------------------------------------------------------


@THREE_PER_USERNAME
def test_api_login_works_and_still_throttles_without_a_cache(anon, viewer, broken_cache):
    assert api_login(anon, PASSWORD).status_code == 200
    for _ in range(3):
        assert api_login(anon, "wrong").status_code == 401
    blocked = api_login(anon, PASSWORD)
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "throttled"
    assert 0 < int(blocked["Retry-After"]) <= 300
    # The limit is per username, as with the cache.
    make_user("walt")
    assert api_login(anon, PASSWORD, username="walt").status_code == 200
    assert_health_reports_degraded_throttling(anon)


def test_the_outage_is_logged_once_as_a_warning(anon, viewer, broken_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.throttle"):
        for _ in range(3):
            api_login(anon, "wrong")
    warnings = [r for r in caplog.records if r.name == "accounts.throttle"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "memory" in warnings[0].getMessage()


def test_health_check_reports_the_degradation_before_any_login(anon, broken_cache):
    assert_health_reports_degraded_throttling(anon)


def test_health_check_reports_throttling_in_the_cache_when_it_answers(anon):
    report = anon.get("/server/health_check").json()["login_throttle"]
    assert report == {
        "degraded": False,
        "store": "cache",
        "backend": type(caches["default"]).__name__,
    }


@THREE_PER_USERNAME
def test_failures_counted_during_an_outage_still_count_after_it(
    anon, viewer, settings, closed_port, monkeypatch
):
    monkeypatch.setattr(throttle, "CACHE_RETRY_SECONDS", 0)  # ask the cache on every login
    working = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": DB_CACHE, "LOCATION": "warecache_no_such_table"}}
    for _ in range(3):
        assert api_login(anon, "wrong").status_code == 401
    settings.CACHES = working
    assert api_login(anon, PASSWORD).status_code == 429
    assert anon.get("/server/health_check").json()["login_throttle"]["degraded"] is False


# The UI ---------------------------------------------------------------------------------------


@THREE_PER_USERNAME
def test_ui_login_works_and_still_throttles_without_a_cache(client, viewer, broken_cache, anon):
    assert ui_login(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(3):
        response = ui_login(client, "wrong")
        assert response.status_code == 200
        assert "enter a correct username and password" in response.content.decode()
    blocked = ui_login(client, PASSWORD)
    assert blocked.status_code == 200
    assert "Too many failed logins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    assert_health_reports_degraded_throttling(anon)


# The rest of the server ---------------------------------------------------------------------


def test_reads_stock_writes_and_the_health_check_work_while_redis_is_down(
    as_clerk, settings, closed_port
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    location("A1")
    resistor = part("RES-1")
    added = as_clerk.post(
        "/api/v1/stock/add", {"ipn": "RES-1", "location": "A1", "quantity": "5"}, format="json"
    )
    assert added.status_code == 201, added.json()
    assert as_clerk.get("/api/v1/stock").status_code == 200
    assert as_clerk.get(f"/api/v1/parts/{resistor.part_type.slug}").status_code == 200
    health = as_clerk.get("/server/health_check")
    assert health.status_code == 200
    assert health.json()["login_throttle"]["degraded"] is True


# migrate ------------------------------------------------------------------------------------


def test_migrate_creates_the_database_cache_table_and_may_run_again(settings):
    settings.CACHES = {"default": {"BACKEND": DB_CACHE, "LOCATION": "warecache_fresh_cache"}}
    assert "warecache_fresh_cache" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0, interactive=False)
    assert "warecache_fresh_cache" in connection.introspection.table_names()
    call_command("migrate", verbosity=0, interactive=False)
    cache.set("answer", 42)
    assert cache.get("answer") == 42
