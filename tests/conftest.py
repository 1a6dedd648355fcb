"""Named actors and authenticated API clients, shared by every test."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts import services
from accounts.models import User
from config.core.actors import Actor
from config.core.roles import Role
from tests import openapi_validation

ROLES = ("viewer", "clerk", "manager", "admin")


def make_user(
    username: str, role: str = "viewer", password: str = "correct horse 42", **extra
) -> User:
    user = User(username=username, role=role, **extra)
    user.set_password(password)
    user.save()
    return user


def bearer_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def token_for(user: User, label: str = "tests") -> str:
    _token, secret = services.api_token_create(actor=Actor.system("tests"), user=user, label=label)
    return secret


def jwt_for(user: User, *, expired: bool = False) -> str:
    token = AccessToken.for_user(user)
    if expired:
        token.set_exp(from_time=timezone.now() - timezone.timedelta(hours=1))
    return str(token)


@pytest.fixture(autouse=True, scope="session")
def _api_answers_match_the_schema():
    """Checks every API answer of the suite against the served OpenAPI schema (see
    tests/openapi_validation.py); pytest_runtest_call fails the test that got a bad one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "request", openapi_validation.checking_request)
        yield


def pytest_runtest_setup(item):
    openapi_validation.failures.clear()  # what a fixture's setup received counts for its test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if openapi_validation.failures:
        found = "\n  ".join(openapi_validation.failures)
        openapi_validation.failures.clear()
        pytest.fail(f"API answers that the OpenAPI schema does not describe:\n  {found}")
    return result


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Throttle counters live in the shared cache (Redis on the PostgreSQL run): start clean."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        cache.clear()


@pytest.fixture
def viewer(db):
    return make_user("vera", Role.VIEWER)


@pytest.fixture
def clerk(db):
    return make_user("carl", Role.CLERK)


@pytest.fixture
def manager(db):
    return make_user("mona", Role.MANAGER)


@pytest.fixture
def admin(db):
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def outsider(db):
    """An account that exists but was disabled."""
    return make_user("olaf", Role.VIEWER, is_active=False)


@pytest.fixture
def anon():
    return APIClient()


# The same named actors in the browser UI: a Django test client signed in as each.


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def viewer_browser(client, viewer):
    return _signed_in(client, viewer)


@pytest.fixture
def clerk_browser(client, clerk):
    return _signed_in(client, clerk)


@pytest.fixture
def manager_browser(client, manager):
    return _signed_in(client, manager)


@pytest.fixture
def admin_browser(client, admin):
    return _signed_in(client, admin)


@pytest.fixture
def api(db):
    """``api(user)``: an APIClient that authenticates as ``user`` with a real API token."""

    def client_for(user: User) -> APIClient:
        return bearer_client(token_for(user, label=f"fixture-{user.username}"))

    return client_for


@pytest.fixture
def as_admin(api, admin):
    return api(admin)


@pytest.fixture
def as_manager(api, manager):
    return api(manager)


@pytest.fixture
def as_clerk(api, clerk):
    return api(clerk)


@pytest.fixture
def as_viewer(api, viewer):
    return api(viewer)
