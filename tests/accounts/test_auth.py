import pytest
from django.test import override_settings

from accounts.models import ApiToken
from tests.conftest import bearer_client, jwt_for, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/auth/login"


def test_login_returns_a_bearer_jwt_that_authenticates(anon, viewer):
    response = anon.post(LOGIN, {"username": "vera", "password": "correct horse 42"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    me = bearer_client(body["access_token"]).get("/api/v1/users/vera")
    assert me.status_code == 200
    assert me.json()["username"] == "vera"


def test_wrong_password_is_401_in_the_error_shape(anon, viewer):
    response = anon.post(LOGIN, {"username": "vera", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "The username or password is wrong, or the account is disabled.",
        "code": "invalid_credentials",
    }


def test_inactive_user_cannot_log_in(anon, outsider):
    response = anon.post(LOGIN, {"username": "olaf", "password": "correct horse 42"}, format="json")
    assert response.status_code == 401


def test_spaces_around_a_password_are_part_of_it_at_the_api_as_on_the_pages(anon, client):
    """A password set on the account page keeps its spaces (the form does not strip them): the
    API's login, user and password endpoints must not trim them either."""
    make_user("sol", "viewer", password="  spaced out 42  ")
    exact = {"username": "sol", "password": "  spaced out 42  "}
    assert anon.post(LOGIN, exact, format="json").status_code == 200
    trimmed = {"username": "sol", "password": "spaced out 42"}
    assert anon.post(LOGIN, trimmed, format="json").status_code == 401
    assert client.login(username="sol", password="  spaced out 42  ")


def test_a_password_of_spaces_is_a_wrong_password_and_a_blank_username_is_400(anon, viewer):
    spaces = anon.post(LOGIN, {"username": "vera", "password": "\x1c "}, format="json")
    assert spaces.status_code == 401
    blank = anon.post(LOGIN, {"username": "\x1c", "password": "x"}, format="json")
    assert blank.status_code == 400
    assert "username" in blank.json()["errors"]


def test_login_without_fields_is_400_with_field_errors(anon):
    response = anon.post(LOGIN, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


@override_settings(LOGIN_THROTTLE={"window_seconds": 300, "per_username": 3, "per_address": 100})
def test_failed_logins_are_throttled_per_username(anon, viewer):
    for _ in range(3):
        assert (
            anon.post(LOGIN, {"username": "vera", "password": "x"}, format="json").status_code
            == 401
        )
    blocked = anon.post(LOGIN, {"username": "vera", "password": "correct horse 42"}, format="json")
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "throttled"
    assert 0 < int(blocked["Retry-After"]) <= 300
    # Another account from the same address is not blocked by vera's failures.
    make_user("walt")
    other = anon.post(LOGIN, {"username": "walt", "password": "correct horse 42"}, format="json")
    assert other.status_code == 200


@override_settings(LOGIN_THROTTLE={"window_seconds": 300, "per_username": 100, "per_address": 4})
def test_failed_logins_are_throttled_per_client_address(anon, viewer):
    for name in ("a", "b", "c", "d"):
        anon.post(LOGIN, {"username": name, "password": "x"}, format="json")
    blocked = anon.post(LOGIN, {"username": "vera", "password": "correct horse 42"}, format="json")
    assert blocked.status_code == 429
    assert "Retry-After" in blocked


def test_expired_jwt_is_401(viewer):
    response = bearer_client(jwt_for(viewer, expired=True)).get("/api/v1/status/workers")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_tampered_jwt_is_401(viewer):
    token = jwt_for(viewer)
    response = bearer_client(token[:-3] + "abc").get("/api/v1/status/workers")
    assert response.status_code == 401


def test_jwt_of_a_deactivated_user_is_401(viewer):
    token = jwt_for(viewer)
    viewer.is_active = False
    viewer.save()
    assert bearer_client(token).get("/api/v1/status/workers").status_code == 401


def test_no_credentials_is_401(anon):
    response = anon.get("/api/v1/status/workers")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_auth_methods_is_public(anon):
    response = anon.get("/auth/methods")
    assert response.status_code == 200
    # settings_test's one provider, whose issuer does not answer: listed all the same, with
    # its device flow unknown (null) rather than the whole answer failing.
    assert response.json() == {
        "password": True,
        "oidc": [
            {
                "id": "corp",
                "name": "Corp SSO",
                "issuer": "http://127.0.0.1:9",
                "login_url": "/accounts/oidc/corp/login/",
                "api_login_url": "/auth/oidc/corp/login",
                "device_flow": None,
            }
        ],
    }


def test_api_token_last_used_is_recorded_without_a_write_per_request(
    api, viewer, django_assert_num_queries
):
    client = api(viewer)
    client.get("/api/v1/status/workers")
    token = ApiToken.objects.get(user=viewer)
    first_use = token.last_used_at
    assert first_use is not None
    # Within the touch interval a request reads the token (1 query) and writes nothing.
    with django_assert_num_queries(2):  # token lookup + periodic jobs
        client.get("/api/v1/status/workers")
    token.refresh_from_db()
    assert token.last_used_at == first_use
