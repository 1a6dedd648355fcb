"""Every request has an id, returned in X-Request-ID; with DEBUG off every server error is logged
with its traceback and that id, to stderr of the production server."""

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from rest_framework.views import APIView

from config.request_id import RequestIdLogFilter

ROOT = Path(__file__).resolve().parent.parent


def broken_page(request):
    raise RuntimeError("the page broke")


class BrokenApiView(APIView):
    public_actions = ("get",)
    authentication_classes: list = []

    def get(self, request):
        raise RuntimeError("the API broke")


def fine_page(request):
    return HttpResponse("fine")


urlpatterns = [
    path("broken", broken_page),
    path("api/v1/broken", BrokenApiView.as_view()),
    path("fine", fine_page),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_generated_request_id_is_returned():
    first, second = Client().get("/fine"), Client().get("/fine")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@override_settings(ROOT_URLCONF=__name__)
def test_a_sane_incoming_request_id_is_kept():
    response = Client().get("/fine", HTTP_X_REQUEST_ID="lb-4f2a:7/9")
    assert response["X-Request-ID"] == "lb-4f2a:7/9"


@pytest.mark.parametrize("incoming", ["two words", "x" * 129, "forged\nlog line", '"quoted"'])
@override_settings(ROOT_URLCONF=__name__)
def test_an_unsafe_incoming_request_id_is_replaced(incoming):
    response = Client().get("/fine", HTTP_X_REQUEST_ID=incoming)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.parametrize(
    ("url", "message"), [("/broken", "the page broke"), ("/api/v1/broken", "the API broke")]
)
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_is_logged_with_its_traceback_and_request_id(caplog, url, message):
    # The filter LOGGING puts on the stderr handler, here on pytest's handler.
    caplog.handler.addFilter(RequestIdLogFilter())
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 500
    [record] = [
        r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR
    ]
    assert record.exc_info[0] is RuntimeError
    assert str(record.exc_info[1]) == message
    assert record.request_id == response["X-Request-ID"]


# The real server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, server: subprocess.Popen, seconds: float = 60.0) -> None:
    """Until the worker has loaded Django and answers (the port listens before that)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {server.communicate()[1]}")
        try:
            url = f"http://127.0.0.1:{port}/auth/methods"
            with urllib.request.urlopen(url, timeout=deadline - time.monotonic()):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("gunicorn did not answer")


def post_login(port: int, headers: dict) -> urllib.error.HTTPError:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/auth/login",
        data=json.dumps({"username": "vera", "password": "whatever"}).encode(),
        headers={"Content-Type": "application/json", **headers},
    )
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310 - our own loopback server
    return failed.value


def test_gunicorn_logs_a_server_error_with_traceback_and_request_id_to_stderr(tmp_path):
    """A real error of a real install: the production settings under gunicorn, on a database
    nobody migrated. Logging in then fails on the missing user table."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "LOG_LEVEL"}
    } | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "test-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "WARECACHE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_serving(port, server)
        generated = post_login(port, {})
        given = post_login(port, {"X-Request-ID": "e2e-request-42"})
    finally:
        server.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown
        stderr = server.communicate(timeout=10)[1]
    assert generated.code == given.code == 500
    assert given.headers["X-Request-ID"] == "e2e-request-42"
    for request_id in (generated.headers["X-Request-ID"], "e2e-request-42"):
        line = f"ERROR django.request [request_id={request_id}] Internal Server Error: /auth/login"
        assert line in stderr, stderr
        after = stderr.split(line, 1)[1]
        assert after.lstrip("\n").startswith("Traceback (most recent call last):")
        assert "no such table: accounts_user" in after.split("Internal Server Error", 1)[0]


@override_settings(DEBUG=True)
def test_an_api_error_rewritten_as_json_keeps_a_true_content_length(db):
    # With DEBUG on, Django answers an unknown API path with its HTML debug page, which the
    # error middleware rewrites in place: the length must be the new body's.
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    if response.has_header("Content-Length"):
        assert int(response["Content-Length"]) == len(response.content)
