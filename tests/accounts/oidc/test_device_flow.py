"""The device flow (RFC 8628) against a real OpenID provider on loopback: served by the
provider, and served by Warecache itself with the approval on Warecache's /device page; each
clear refusal the issue names, and the authorization of the page."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import tasks
from accounts.models import DeviceAuthorization
from accounts.oidc import device as flow
from accounts.oidc import providers
from accounts.oidc import services as oidc
from config.core.actors import Actor
from config.core.models import ChangelogEntry, EntityType
from config.core.roles import Role
from config.oidc_env import providers_from_env
from tests.conftest import bearer_client, make_user
from tests.oidc.fixtures import (  # noqa: F401 - fixtures
    ALICE_SUB,
    CAROL_SUB,
    WARECACHE_BASIC,
    oidc_provider,
)
from tests.oidc.harness import ProviderUser

pytestmark = pytest.mark.django_db

START = "/auth/oidc/corp/device"
TOKEN = "/auth/oidc/corp/device/token"
SHOWN_CODE = re.compile(r"^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\Z")


@pytest.fixture
def corp(use_provider):
    """``corp(device_flow=...)``: settings_test's provider "corp" is the loopback provider,
    Warecache its confidential client registered for HTTP Basic, which TOKEN_AUTH_METHOD
    names (the API and browser tests use the default, the secret in the body)."""

    def configure(**variables):
        return use_provider(
            client=WARECACHE_BASIC, token_auth_method="client_secret_basic", **variables
        )

    return configure


@pytest.fixture
def alice(db):
    """A Warecache account whose "corp" identity is linked (the provider's alice)."""
    return make_user("alice.w", Role.VIEWER)


def link(user, provider, subject=ALICE_SUB):
    oidc.identity_link(actor=Actor.system("test"), user=user, provider=provider, subject=subject)


def start() -> dict:
    response = APIClient().post(START)
    assert response.status_code == 200, response.content
    return response.json()


def poll(device_code: str):
    return APIClient().post(TOKEN, {"device_code": device_code}, format="json")


def refusal(response) -> str:
    assert response.status_code == 400, response.content
    return response.json()["code"]


def signed_in_through(user, provider_id: str = "corp") -> Client:
    """A browser session of ``user`` that signed in through ``provider_id``, as the browser
    login (oidc.adapter) leaves it."""
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session[oidc.SESSION_PROVIDER] = provider_id
    session.save()
    return browser


def page(browser: Client, user_code: str):
    return browser.get("/device", {"user_code": user_code})


def decide(browser: Client, user_code: str, button: str = "approve"):
    return browser.post("/device", {"user_code": user_code, button: "1"})


def whoami(token: dict, username: str) -> int:
    return bearer_client(token["access_token"]).get(f"/api/v1/users/{username}").status_code


# Served by the provider ---------------------------------------------------------------------


def test_device_flow_through_the_provider_ends_in_a_jwt_for_the_linked_user(corp, alice):
    link(alice, corp())
    grant = start()
    assert grant["served_by"] == "provider"
    assert grant["verification_uri"].startswith(corp().issuer)
    assert grant["verification_uri_qr_svg"].startswith("<svg")
    assert (grant["expires_in"], grant["interval"]) == (600, 5)
    assert refusal(poll(grant["device_code"])) == "authorization_pending"

    page_text = ProviderUser().approve_device(
        grant["verification_uri"], grant["user_code"], "alice"
    )

    assert "success" in page_text
    answer = poll(grant["device_code"])
    assert answer.status_code == 200, answer.content
    assert answer.json()["token_type"] == "Bearer"
    assert whoami(answer.json(), alice.username) == 200


def test_an_unlinked_identity_approving_at_the_provider_gets_identity_not_linked(corp, alice):
    link(alice, corp())
    grant = start()
    ProviderUser().approve_device(grant["verification_uri"], grant["user_code"], "carol")

    answer = poll(grant["device_code"])

    assert answer.status_code == 403
    assert answer.json()["code"] == "identity_not_linked"


def test_aborting_at_the_provider_is_access_denied(corp, alice):
    link(alice, corp())
    grant = start()
    ProviderUser().approve_device(
        grant["verification_uri"], grant["user_code"], "alice", approve=False
    )

    assert refusal(poll(grant["device_code"])) == "access_denied"


def test_a_device_code_the_provider_does_not_know_is_invalid_grant(corp):
    corp()
    assert refusal(poll("not-a-device-code")) == "invalid_grant"


def test_a_provider_without_the_device_grant_is_served_by_warecache(
    settings, oidc_provider_factory
):
    without = oidc_provider_factory(device_flow=False)
    assert "device_authorization_endpoint" not in without.discovery
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": providers_from_env(
                {
                    "OIDC_PROVIDERS": "corp",
                    "OIDC_CORP_ISSUER": without.issuer,
                    "OIDC_CORP_CLIENT_ID": WARECACHE_BASIC.client_id,
                    "OIDC_CORP_CLIENT_SECRET": WARECACHE_BASIC.client_secret,
                }
            ),  # DEVICE_FLOW=auto
        }
    }
    providers.forget_discovery()
    try:
        assert start()["served_by"] == "warecache"
    finally:
        providers.forget_discovery()


# Served by Warecache --------------------------------------------------------------------------


def test_device_flow_served_by_warecache_end_to_end_with_the_browser_login(corp, alice):
    provider = corp(device_flow="warecache")
    link(alice, provider)
    grant = start()
    assert grant["served_by"] == "warecache"
    assert SHOWN_CODE.match(grant["user_code"])
    assert grant["verification_uri"] == "http://testserver/device"
    assert grant["verification_uri_complete"] == (
        f"http://testserver/device?user_code={grant['user_code']}"
    )
    assert (grant["expires_in"], grant["interval"]) == (600, 5)
    stored = DeviceAuthorization.objects.get()
    assert grant["device_code"] not in (stored.device_code_hash, stored.user_code)

    # The person opens the page, is sent to log in, and signs in through the provider.
    browser = Client()
    complete = urlsplit(grant["verification_uri_complete"])
    sent = browser.get(f"{complete.path}?{complete.query}")
    assert sent.status_code == 302 and sent["Location"].startswith("/login?next=")
    assert b"Sign in with Corp SSO" in browser.get(sent["Location"]).content
    to_provider = browser.post(
        "/accounts/oidc/corp/login/",
        {"process": "login", "next": f"{complete.path}?{complete.query}"},
    )
    assert to_provider.status_code == 302
    back = ProviderUser().authorize(to_provider["Location"], "alice")
    callback = urlsplit(back)
    signed_in = browser.get(f"{callback.path}?{callback.query}")
    assert signed_in.status_code == 302
    assert signed_in["Location"] == f"{complete.path}?{complete.query}"

    shown = browser.get(signed_in["Location"])
    assert shown.status_code == 200
    assert b"Corp SSO" in shown.content and b'name="approve"' in shown.content
    approved = decide(browser, grant["user_code"])
    assert approved.status_code == 302

    answer = poll(grant["device_code"])
    assert answer.status_code == 200, answer.content
    assert whoami(answer.json(), alice.username) == 200
    # Single use: the second poll gets no second token.
    assert refusal(poll(grant["device_code"])) == "invalid_grant"
    entry = ChangelogEntry.objects.get(entity_type=EntityType.DEVICE_AUTHORIZATION)
    assert entry.changes == {"status": ["pending", "approved"]}
    assert entry.actor_name == alice.username


def test_authorization_pending_until_someone_approves(corp):
    corp(device_flow="warecache")
    assert refusal(poll(start()["device_code"])) == "authorization_pending"


def test_a_form_encoded_poll_as_rfc_8628_clients_send_it_is_understood(corp):
    corp(device_flow="warecache")
    code = start()["device_code"]
    response = APIClient().generic(
        "POST", TOKEN, f"device_code={code}", "application/x-www-form-urlencoded"
    )
    assert refusal(response) == "authorization_pending"


def test_polling_faster_than_the_interval_is_slow_down_and_adds_five_seconds(corp):
    corp(device_flow="warecache")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        code = start()["device_code"]
        assert refusal(poll(code)) == "authorization_pending"
        clock.shift(2)
        too_soon = poll(code)
        assert (refusal(too_soon), too_soon.json()["interval"]) == ("slow_down", 10)
        clock.shift(10)
        assert refusal(poll(code)) == "authorization_pending"
        clock.shift(6)
        assert poll(code).json() | {"detail": ""} == {
            "detail": "",
            "code": "slow_down",
            "interval": 15,
        }
    assert DeviceAuthorization.objects.get().interval == 15


def test_a_device_code_expires_after_600_seconds(corp, alice):
    link(alice, corp(device_flow="warecache"))
    grant = start()
    with time_machine.travel(timezone.now() + timedelta(seconds=601)):
        assert refusal(poll(grant["device_code"])) == "expired_token"
        # Nor can it be approved any more.
        assert page(signed_in_through(alice), grant["user_code"]).status_code == 422


def test_a_denied_device_hears_access_denied(corp, alice):
    link(alice, corp(device_flow="warecache"))
    grant = start()

    assert decide(signed_in_through(alice), grant["user_code"], "deny").status_code == 302

    assert refusal(poll(grant["device_code"])) == "access_denied"
    entry = ChangelogEntry.objects.get(entity_type=EntityType.DEVICE_AUTHORIZATION)
    assert entry.changes == {"status": ["pending", "denied"]}


def test_an_unknown_device_code_is_invalid_grant(corp):
    corp(device_flow="warecache")
    start()
    assert refusal(poll("a-code-nobody-was-given")) == "invalid_grant"


def test_the_user_code_is_read_without_case_spaces_or_dash(corp, alice):
    link(alice, corp(device_flow="warecache"))
    grant = start()
    typed = " " + grant["user_code"].lower().replace("-", " ") + " "

    assert decide(signed_in_through(alice), typed).status_code == 302

    assert DeviceAuthorization.objects.get().status == DeviceAuthorization.Status.APPROVED


def test_a_user_code_guessed_too_often_is_refused_even_when_the_right_one_follows(
    corp, alice, settings
):
    link(alice, corp(device_flow="warecache"))
    grant = start()
    browser = signed_in_through(alice)
    for _ in range(settings.OIDC_DEVICE_CODE_ATTEMPTS):
        assert page(browser, "BBBB-BBBB").status_code == 422

    refused = page(browser, grant["user_code"])
    assert refused.status_code == 429
    assert b"Too many wrong codes" in refused.content
    assert decide(browser, grant["user_code"]).status_code == 429
    # Counted per client address too: another account from the same address is refused.
    other = make_user("bystander", Role.VIEWER)
    link(other, corp(device_flow="warecache"), subject=CAROL_SUB)
    assert page(signed_in_through(other), grant["user_code"]).status_code == 429
    assert refusal(poll(grant["device_code"])) == "authorization_pending"


def test_the_page_refuses_approval_from_a_session_not_signed_in_through_the_provider(corp, alice):
    link(alice, corp(device_flow="warecache"))
    grant = start()
    browser = Client()
    browser.force_login(alice)  # with a password, not through the provider

    shown = page(browser, grant["user_code"])
    assert shown.status_code == 200
    content = shown.content.decode()
    assert 'action="/accounts/oidc/corp/login/"' in content
    assert f'name="next" value="/device?user_code={grant["user_code"]}"' in content
    assert 'name="approve"' not in content

    refused = decide(browser, grant["user_code"])
    assert refused.status_code == 403
    assert b"Sign in through Corp SSO first" in refused.content
    assert refusal(poll(grant["device_code"])) == "authorization_pending"


def test_a_session_signed_in_through_another_provider_cannot_approve(corp, alice):
    link(alice, corp(device_flow="warecache"))
    grant = start()

    assert decide(signed_in_through(alice, "lab"), grant["user_code"]).status_code == 403
    assert DeviceAuthorization.objects.get().status == DeviceAuthorization.Status.PENDING


def test_a_decided_code_cannot_be_decided_again(corp, alice):
    link(alice, corp(device_flow="warecache"))
    grant = start()
    browser = signed_in_through(alice)
    assert decide(browser, grant["user_code"], "deny").status_code == 302

    # No longer waiting: the code is unknown to the page, and the device still hears denied.
    assert decide(browser, grant["user_code"]).status_code == 422
    assert refusal(poll(grant["device_code"])) == "access_denied"


def test_the_device_flow_off_is_a_clear_404(corp):
    corp(device_flow="off")
    response = APIClient().post(START)
    assert response.status_code == 404
    assert response.json()["code"] == "device_flow_off"


def test_an_unknown_provider_is_404():
    response = APIClient().post("/auth/oidc/nowhere/device")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_expired_rows_are_pruned_a_day_after_they_expire(corp):
    corp(device_flow="warecache")
    start()
    assert flow.device_authorization_prune() == 0
    later = timezone.now() + flow.KEEP_EXPIRED_FOR + timedelta(seconds=601)
    assert flow.device_authorization_prune(now=later) == 1
    assert not DeviceAuthorization.objects.exists()


def test_the_prune_job_is_scheduled_hourly_and_runs_in_the_worker(settings, corp):
    entry = settings.CELERY_BEAT_SCHEDULE["device-authorization-prune"]
    assert (entry["task"], entry["schedule"]) == (
        "accounts.device_authorization_prune",
        timedelta(hours=1),
    )
    assert tasks.device_authorization_prune.acks_late is True
    corp(device_flow="warecache")
    start()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert tasks.device_authorization_prune.delay().get() == 1
        assert tasks.device_authorization_prune.delay().get() == 0


def test_one_address_starting_too_many_warecache_sign_ins_is_throttled(corp, monkeypatch):
    corp(device_flow="warecache")
    monkeypatch.setattr(flow, "STARTS_PER_ADDRESS", 2)
    start()
    start()

    response = APIClient().post(START)

    assert (response.status_code, response.json()["code"]) == (429, "throttled")
    assert DeviceAuthorization.objects.count() == 2


@pytest.mark.parametrize(
    "typed",
    [
        "",
        " ",
        "\x00",
        "BCDF\x00GHJK",
        "x" * 10_000,
        "٣٣٣٣-٣٣٣٣",
        "ßßßß-ßßßß",
        "bcdf\u2010ghjk",
        "<b>",
    ],
)
def test_hostile_user_codes_are_refused_in_place(corp, alice, typed):
    link(alice, corp(device_flow="warecache"))
    start()
    browser = signed_in_through(alice)

    assert page(browser, typed).status_code == 422
    assert decide(browser, typed).status_code == 422
    assert DeviceAuthorization.objects.get().status == DeviceAuthorization.Status.PENDING
