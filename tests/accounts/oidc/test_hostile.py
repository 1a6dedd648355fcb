"""The OpenID endpoints the hostile suite (tests/hostile) leaves out, because every call of
theirs reaches a provider: attacked here with its values against the loopback provider. No
500, and a refusal changes nothing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.hostile.checks import EXAMPLES, Watch, judge
from tests.hostile.values import encode, hostile_json, hostile_texts

from .conftest import API_REDIRECT_URI

pytestmark = pytest.mark.django_db

CALLBACK_FIELDS = ("code", "state", "session")


@EXAMPLES
@given(data=st.data())
def test_hostile_callback_bodies(use_provider, data):
    use_provider()
    api = APIClient()
    started = api.get(
        "/auth/oidc/corp/login",
        {"redirect_uri": API_REDIRECT_URI},
        HTTP_ACCEPT="application/json",
    )
    body = {"code": "a-code", "state": started.json()["state"], "session": False}
    field = data.draw(st.sampled_from([*CALLBACK_FIELDS, "<body>"]))
    if field == "<body>":
        sent = data.draw(hostile_json, label="body")
    else:
        sent = {**body, field: data.draw(hostile_json, label=field)}
    with Watch() as watch:
        response = api.generic("POST", "/auth/oidc/corp/callback", encode(sent), "application/json")
    judge(response, watch, f"callback {field}")
    assert response.status_code in (400, 403), response.content


@EXAMPLES
@given(redirect_uri=hostile_texts, provider=hostile_texts)
def test_hostile_login_parameters(use_provider, redirect_uri, provider):
    use_provider()
    with Watch() as watch:
        by_uri = APIClient().get("/auth/oidc/corp/login", {"redirect_uri": redirect_uri})
        by_provider = APIClient().get(
            f"/auth/oidc/{provider.replace('/', '%2F')}/login", {"redirect_uri": API_REDIRECT_URI}
        )
    judge(by_uri, watch, f"login redirect_uri={redirect_uri[:80]!r}")
    judge(by_provider, watch, f"login provider={provider[:80]!r}")
    assert by_uri.status_code == 400
