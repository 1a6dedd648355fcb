"""Signing in through an OpenID provider in Debian's Chromium: the login page's button, the
provider's own pages (the loopback oidc-provider of tests/oidc), and back to Warecache."""

import pytest

from accounts.oidc import providers
from accounts.oidc import services as oidc
from config.core.actors import Actor
from config.oidc_env import providers_from_env
from tests.conftest import make_user
from tests.oidc.fixtures import ALICE_SUB, WARECACHE, oidc_provider_factory  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def corp(settings, live_server, oidc_provider_factory):  # noqa: F811
    provider = oidc_provider_factory(
        redirect_uris=[f"{live_server.url}/accounts/oidc/corp/login/callback/"]
    )
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": providers_from_env(
                {
                    "OIDC_PROVIDERS": "corp",
                    "OIDC_CORP_ISSUER": provider.issuer,
                    "OIDC_CORP_CLIENT_ID": WARECACHE.client_id,
                    "OIDC_CORP_CLIENT_SECRET": WARECACHE.client_secret,
                    "OIDC_CORP_NAME": "Corp SSO",
                }
            ),
        }
    }
    providers.forget_discovery()
    yield providers.get("corp")
    providers.forget_discovery()


def sign_in_at_provider(page, login: str) -> None:
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "anything")
    page.click("button[type=submit]")
    page.click("text=Continue")  # the provider's consent page


def test_sign_in_with_the_provider_from_the_login_page(page, live_server, transactional_db, corp):
    alice = make_user("alice-wc", "clerk")
    oidc.identity_link(actor=Actor.system("test"), user=alice, provider=corp, subject=ALICE_SUB)
    page.goto(f"{live_server.url}/login")
    page.click("text=Sign in with Corp SSO")
    sign_in_at_provider(page, "alice")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/account")
    assert "alice-wc" in page.content()
    assert "alice@example.com" in page.inner_text("#identities")


def test_link_an_identity_from_the_account_page(page, live_server, transactional_db, corp):
    make_user("bea", "viewer")
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "bea")
    page.fill("input[name=password]", "correct horse 42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/account")
    page.click("text=Link a Corp SSO account")
    sign_in_at_provider(page, "alice")
    page.wait_for_url(f"{live_server.url}/account/identities/confirm")
    page.click("text=Link it")
    page.wait_for_url(f"{live_server.url}/account")
    assert "Your Corp SSO account is linked." in page.content()
    assert "alice@example.com" in page.inner_text("#identities")
