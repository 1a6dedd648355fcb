import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import ApiToken
from config.core.models import ChangelogEntry
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def test_token_secret_is_shown_once_and_only_its_hash_is_stored(as_viewer, viewer):
    created = as_viewer.post("/api/v1/tokens", {"label": "ci"}, format="json")
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("wc_")

    listed = as_viewer.get("/api/v1/tokens")
    assert listed.status_code == 200
    assert secret not in listed.content.decode()
    assert {t["label"] for t in listed.json()} == {"ci", "fixture-vera"}

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        stored = repr(cursor.fetchall())
    assert secret not in stored
    assert secret[3:] not in stored

    assert bearer_client(secret).get("/api/v1/tokens").status_code == 200


def test_duplicate_label_is_409(as_viewer):
    assert as_viewer.post("/api/v1/tokens", {"label": "ci"}, format="json").status_code == 201
    response = as_viewer.post("/api/v1/tokens", {"label": "ci"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


def test_revoked_token_is_401_and_its_label_can_be_reused(as_viewer):
    secret = as_viewer.post("/api/v1/tokens", {"label": "ci"}, format="json").json()["token"]
    assert as_viewer.delete("/api/v1/tokens/ci").status_code == 204
    assert bearer_client(secret).get("/api/v1/tokens").status_code == 401
    assert as_viewer.post("/api/v1/tokens", {"label": "ci"}, format="json").status_code == 201


def test_revoking_an_unknown_label_is_404(as_viewer):
    response = as_viewer.delete("/api/v1/tokens/nope")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_expired_token_is_401(as_viewer):
    soon = timezone.now() + timezone.timedelta(seconds=30)
    secret = as_viewer.post(
        "/api/v1/tokens", {"label": "short", "expires_at": soon.isoformat()}, format="json"
    ).json()["token"]
    ApiToken.objects.filter(label="short").update(expires_at=timezone.now())
    response = bearer_client(secret).get("/api/v1/tokens")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_expiry_in_the_past_is_400(as_viewer):
    response = as_viewer.post(
        "/api/v1/tokens", {"label": "old", "expires_at": "2001-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert "expires_at" in response.json()["errors"]


def test_admin_manages_another_users_tokens_and_others_cannot(as_admin, as_clerk, viewer):
    made = as_admin.post("/api/v1/tokens?user=vera", {"label": "robot"}, format="json")
    assert made.status_code == 201
    assert made.json()["user"] == "vera"
    assert as_clerk.get("/api/v1/tokens?user=vera").status_code == 403
    assert as_admin.delete("/api/v1/tokens/robot?user=vera").status_code == 204


def test_token_writes_are_in_the_changelog_without_secrets(as_viewer):
    secret = as_viewer.post("/api/v1/tokens", {"label": "ci"}, format="json").json()["token"]
    as_viewer.delete("/api/v1/tokens/ci")
    entries = ChangelogEntry.objects.filter(entity_type="api_token", entity_key="vera/ci")
    assert [e.action for e in entries.order_by("id")] == ["create", "delete"]
    assert all(e.actor_token == "fixture-vera" for e in entries)
    assert secret not in repr([e.changes for e in entries])
