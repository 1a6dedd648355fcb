"""Every UI page checks the caller's role the way the API does: anonymous visitors are sent to
log in, a role below the page's gets 403 (the matrix in tests/matrix/ui.py, built against the
URL resolver, so a new page without rows fails here)."""

import pytest

from config.core.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


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
