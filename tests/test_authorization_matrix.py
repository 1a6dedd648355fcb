"""Every endpoint x every kind of caller → the expected status (rows in tests/matrix.py)."""

import re

import pytest
from rest_framework.test import APIClient

from accounts import services
from config.core.actors import Actor
from config.core.roles import Role
from tests.conftest import bearer_client, jwt_for, make_user, token_for
from tests.matrix import ACTORS, MATRIX, PATH_VALUES, setup_all
from tests.routes import api_methods, routes

API_PREFIXES = ("/api/", "/auth/", "/server/")


def api_endpoints() -> set[tuple[str, str]]:
    found = set()
    for route, callback in routes():
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        if path.startswith(API_PREFIXES):
            found.update((method, path) for method in api_methods(callback))
    return found


def test_every_api_endpoint_has_a_row_in_the_matrix():
    endpoints = api_endpoints()
    missing = sorted(endpoints - set(MATRIX))
    stale = sorted(set(MATRIX) - endpoints)
    assert not missing, f"endpoints without an authorization row in tests/matrix.py: {missing}"
    assert not stale, f"rows for endpoints that no longer exist: {stale}"


@pytest.fixture
def callers(db):
    clients = {"anonymous": APIClient()}
    for role in ("viewer", "clerk", "manager", "admin"):
        user = make_user(f"m-{role}", role)
        token_for(user, label="matrix")  # the row DELETE /tokens/{label} revokes
        clients[role] = bearer_client(token_for(user))
    make_user("m-other-admin", Role.ADMIN)  # so deleting/demoting "target" never hits last-admin
    expired_owner = make_user("m-expired", Role.ADMIN)
    clients["expired_jwt"] = bearer_client(jwt_for(expired_owner, expired=True))
    revoked_owner = make_user("m-revoked", Role.ADMIN)
    secret = token_for(revoked_owner, label="gone")
    services.api_token_revoke(actor=Actor.system("tests"), user=revoked_owner, label="gone")
    clients["revoked_token"] = bearer_client(secret)
    setup_all()
    return clients


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=lambda v: str(v))
def test_authorization(callers, method, path, actor):
    expected = MATRIX[(method, path)][actor]
    url = path.format(**PATH_VALUES)
    response = callers[actor].generic(method, url, data="{}", content_type="application/json")
    assert response.status_code == expected, (
        f"{actor} {method} {url}: expected {expected}, got {response.status_code} "
        f"{response.content[:300]!r}"
    )
    if response.status_code >= 400:
        assert set(response.json()) >= {"detail", "code"}
