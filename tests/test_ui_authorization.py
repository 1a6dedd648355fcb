"""Every UI page checks the caller's role the way the API does: anonymous visitors are sent to
log in, a role below the page's gets 403 (the matrix in tests/matrix/ui.py, built against the
URL resolver, so a new page without rows fails here)."""

import re

import pytest
from django.test import Client

from config.core.roles import Role
from tests.conftest import make_user
from tests.matrix import ui
from tests.routes import routes

pytestmark = pytest.mark.django_db

# Served by other means: the API and the server's endpoints (tests/test_authorization_matrix.py),
# the staff admin (Django's own permissions), the API docs (public).
NOT_UI = ("api/", "auth/", "server/", "admin/", "apidoc/")


def ui_routes() -> dict[str, object]:
    """Every UI route of the resolver, as Django writes it, with its view."""
    return {route: view for route, view in routes() if not route.startswith(NOT_UI)}


def url_of(route: str) -> str:
    values = {**ui.PATH_VALUES, **ui.ROUTE_VALUES.get(route, {})}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)


def test_every_ui_route_has_rows_in_the_matrix():
    routes = set(ui_routes()) - ui.PUBLIC_ROUTES
    missing = sorted(routes - set(ui.ROWS))
    stale = sorted(set(ui.ROWS) - routes)
    assert not missing, f"UI routes without authorization rows in tests/matrix/ui.py: {missing}"
    assert not stale, f"rows for UI routes that no longer exist: {stale}"


def test_every_ui_view_declares_its_role():
    undeclared = sorted(
        route
        for route, view in ui_routes().items()
        if route not in ui.PUBLIC_ROUTES
        and getattr(view, "required_role", None) is None
        and not getattr(view, "public", False)
    )
    assert not undeclared, f"UI views without @role_required or @public_page: {undeclared}"


CASES = [
    (route, method, actor, expected)
    for route, methods in sorted(ui.ROWS.items())
    for method, row in sorted(methods.items())
    for actor, expected in row.items()
]


@pytest.fixture
def ui_callers(db):
    ui.setup()
    clients = {"anonymous": Client()}
    for role in ui.ROLES:
        client = Client()
        client.force_login(make_user(f"ui-{role}", role))
        clients[role] = client
    return clients


@pytest.mark.parametrize(("route", "method", "actor", "expected"), CASES, ids=str)
def test_ui_authorization(ui_callers, route, method, actor, expected):
    response = ui_callers[actor].generic(method, url_of(route))
    assert response.status_code == expected, (
        f"{actor} {method} {url_of(route)}: expected {expected}, got {response.status_code}"
    )
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith("/login?next=")


def test_an_expired_session_on_an_htmx_request_sends_the_whole_page_to_log_in(client):
    response = client.post("/stock/pick", {"scan": "RES-1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login?next=/stock/pick"


def test_a_plain_request_without_a_session_is_redirected_to_log_in(client):
    response = client.get("/stock/low")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/stock/low"


def test_a_role_below_the_page_gets_403(client):
    client.force_login(make_user("vic", Role.VIEWER))
    assert client.get("/stock/low").status_code == 200
    assert client.post("/stock/pick", {"scan": "RES-1"}).status_code == 403
