import pytest
from django.test import override_settings

from accounts.models import User
from config.core.models import ChangelogEntry
from config.core.roles import Role
from tests.conftest import bearer_client, make_user

pytestmark = pytest.mark.django_db


def login(client, username, password="correct horse 42"):
    return client.post("/auth/login", {"username": username, "password": password}, format="json")


def test_admin_creates_a_user_who_can_then_log_in(as_admin, anon):
    response = as_admin.post(
        "/api/v1/users",
        {
            "username": "nina",
            "password": "a long passphrase 7",
            "role": "clerk",
            "email": "nina@example.com",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["role"] == "clerk"
    assert "password" not in response.json()
    assert login(anon, "nina", "a long passphrase 7").status_code == 200
    assert User.objects.get(username="nina").password.startswith("md5$")  # hashed, not plain


def test_weak_password_is_400_with_a_field_error(as_admin):
    response = as_admin.post(
        "/api/v1/users", {"username": "nina", "password": "123"}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_duplicate_username_is_409(as_admin, viewer):
    response = as_admin.post(
        "/api/v1/users", {"username": "Vera", "password": "a long passphrase 7"}, format="json"
    )
    assert response.status_code == 409


def test_unknown_role_is_400(as_admin):
    response = as_admin.post(
        "/api/v1/users",
        {"username": "x", "password": "a long passphrase 7", "role": "god"},
        format="json",
    )
    assert response.status_code == 400
    assert "role" in response.json()["errors"]


def test_user_reads_and_edits_their_own_profile_but_not_others(api, viewer, clerk):
    client = api(viewer)
    assert client.get("/api/v1/users/vera").status_code == 200
    edited = client.put("/api/v1/users/vera", {"email": "v@example.com"}, format="json")
    assert edited.status_code == 200
    assert edited.json()["email"] == "v@example.com"
    assert client.get("/api/v1/users/carl").status_code == 403
    assert (
        client.put("/api/v1/users/carl", {"email": "x@example.com"}, format="json").status_code
        == 403
    )


def test_only_an_admin_can_deactivate(api, viewer, as_admin):
    assert (
        api(viewer).put("/api/v1/users/vera", {"is_active": False}, format="json").status_code
        == 403
    )
    assert (
        as_admin.put("/api/v1/users/vera", {"is_active": False}, format="json").status_code == 200
    )
    viewer.refresh_from_db()
    assert viewer.is_active is False


def test_own_password_change_needs_the_old_password(api, viewer, anon):
    client = api(viewer)
    wrong = client.put(
        "/api/v1/users/vera/passwd", {"new_password": "another passphrase 9"}, format="json"
    )
    assert wrong.status_code == 400
    assert "old_password" in wrong.json()["errors"]
    right = client.put(
        "/api/v1/users/vera/passwd",
        {"old_password": "correct horse 42", "new_password": "another passphrase 9"},
        format="json",
    )
    assert right.status_code == 204
    assert login(anon, "vera", "another passphrase 9").status_code == 200


def test_admin_resets_a_password_without_the_old_one(as_admin, viewer, anon):
    response = as_admin.put(
        "/api/v1/users/vera/passwd", {"new_password": "reset passphrase 3"}, format="json"
    )
    assert response.status_code == 204
    assert login(anon, "vera", "reset passphrase 3").status_code == 200


def test_role_assignment_changes_what_the_user_may_do(as_admin, api, viewer):
    client = api(viewer)
    assert client.get("/api/v1/users").status_code == 403
    assert (
        as_admin.put("/api/v1/users/vera/role", {"role": "admin"}, format="json").status_code == 200
    )
    assert client.get("/api/v1/users").status_code == 200


def test_the_last_admin_cannot_be_demoted_deleted_or_deactivated(as_admin, admin):
    assert (
        as_admin.put("/api/v1/users/ada/role", {"role": "viewer"}, format="json").status_code == 409
    )
    assert as_admin.delete("/api/v1/users/ada").status_code == 409
    assert as_admin.put("/api/v1/users/ada", {"is_active": False}, format="json").status_code == 409
    make_user("root2", Role.ADMIN)
    assert (
        as_admin.put("/api/v1/users/ada/role", {"role": "viewer"}, format="json").status_code == 200
    )


def test_superuser_is_an_admin_whatever_its_role(db):
    root = make_user("root", Role.VIEWER, is_superuser=True, is_staff=True)
    from tests.conftest import token_for

    client = bearer_client(token_for(root))
    assert client.get("/api/v1/users").status_code == 200
    assert client.get("/api/v1/users/root").json()["role"] == "admin"


def test_deleting_a_user_removes_their_tokens(as_admin, api, viewer):
    client = api(viewer)
    assert as_admin.delete("/api/v1/users/vera").status_code == 204
    assert client.get("/api/v1/tokens").status_code == 401


def test_unknown_user_is_404(as_admin):
    response = as_admin.get("/api/v1/users/ghost")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_user_list_filters_by_role_and_searches(as_admin, viewer, clerk):
    assert [u["username"] for u in as_admin.get("/api/v1/users?role=clerk").json()["results"]] == [
        "carl"
    ]
    assert [u["username"] for u in as_admin.get("/api/v1/users?search=ver").json()["results"]] == [
        "vera"
    ]


def test_user_list_query_count_does_not_grow_with_rows(as_admin, django_assert_max_num_queries):
    for n in range(60):
        make_user(f"user{n}")
    with django_assert_max_num_queries(4):
        response = as_admin.get("/api/v1/users?page_size=100")
    assert response.json()["count"] == 61


def test_every_user_write_is_in_the_changelog_without_secrets(as_admin):
    as_admin.post(
        "/api/v1/users", {"username": "nina", "password": "a long passphrase 7"}, format="json"
    )
    as_admin.put("/api/v1/users/nina", {"email": "n@example.com"}, format="json")
    as_admin.put("/api/v1/users/nina/role", {"role": "clerk"}, format="json")
    as_admin.put("/api/v1/users/nina/passwd", {"new_password": "reset passphrase 3"}, format="json")
    as_admin.delete("/api/v1/users/nina")
    entries = list(
        ChangelogEntry.objects.filter(entity_type="user", entity_key="nina").order_by("id")
    )
    assert [e.action for e in entries] == ["create", "update", "update", "update", "delete"]
    assert entries[1].changes == {"email": ["", "n@example.com"]}
    assert entries[2].changes == {"role": ["viewer", "clerk"]}
    assert entries[3].changes == {"password": ["***", "***"]}
    assert all(e.actor_name == "ada" and e.actor_kind == "token" for e in entries)
    assert "passphrase" not in repr([e.changes for e in entries])


@override_settings(LOGIN_THROTTLE={"window_seconds": 300, "per_username": 3, "per_address": 30})
def test_guessing_the_current_password_is_throttled_like_a_login(api, viewer, anon):
    client = api(viewer)
    body = {"old_password": "a guess", "new_password": "another passphrase 9"}
    for _ in range(3):
        assert client.put("/api/v1/users/vera/passwd", body, format="json").status_code == 400
    throttled = client.put("/api/v1/users/vera/passwd", body, format="json")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    # The same counter as the login form: the guesses count against logging in too.
    assert login(anon, "vera", "correct horse 42").status_code == 429
