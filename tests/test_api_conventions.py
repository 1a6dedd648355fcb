import json
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/nothing-here", "/auth/nothing", "/server/nope"])
def test_unknown_api_paths_are_json_404(anon, url):
    response = anon.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_wrong_method_is_json_405(as_viewer):
    response = as_viewer.patch("/api/v1/tokens", {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_malformed_json_is_400_not_500(as_viewer):
    response = as_viewer.generic(
        "POST", "/api/v1/tokens", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def boom(request):
    raise RuntimeError("database password is hunter2")


urlpatterns = [path("api/v1/boom", boom)]
handler404 = "config.core.errors.handler404"
handler500 = "config.core.errors.handler500"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_unexpected_errors_are_a_json_500_that_leaks_nothing():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "The server failed to handle this request.",
        "code": "server_error",
    }
    assert b"hunter2" not in response.content


def test_health_check_is_public_and_reports_its_parts(anon):
    response = anon.get("/server/health_check")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["version"]
    assert body["uptime_seconds"] >= 0


def test_health_check_is_503_when_the_broker_is_down(anon, monkeypatch):
    from config.celery import app

    # Nothing listens on port 1 of loopback: the connection is refused at once.
    dead_broker = app.connection("redis://127.0.0.1:1/0")
    monkeypatch.setattr(app, "connection_for_write", lambda: dead_broker)
    response = anon.get("/server/health_check")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"]["ok"] is False


def test_openapi_schema_is_json_and_documents_bearer_auth(anon):
    response = anon.get("/apidoc/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    assert "bearerAuth" in schema["components"]["securitySchemes"]
    assert "/api/v1/users/{uname}/passwd" in schema["paths"]
    operation_ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_swagger_ui_is_served_offline(anon):
    response = anon.get("/apidoc/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn" not in response.content.lower()


def test_schema_validates_without_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
