"""Warecache against a real OpenID provider on loopback (tests/oidc: npm oidc-provider under
the machine's Node). ``use_provider`` points settings_test's provider "corp" at it."""

import pytest

from accounts.oidc import providers
from config.oidc_env import providers_from_env
from tests.oidc.fixtures import (  # noqa: F401 - fixtures
    WARECACHE,
    oidc_provider,
    oidc_provider_factory,
    oidc_user,
)

API_REDIRECT_URI = "http://127.0.0.1/accounts/oidc/corp/login/callback/"


@pytest.fixture
def use_provider(settings, oidc_provider):  # noqa: F811
    """``use_provider(provider=oidc_provider, client=WARECACHE, **variables)``: "corp" is that
    provider, with OIDC_CORP_<NAME> set from ``variables`` (``email_domains="example.com"``)."""

    def configure(provider=oidc_provider, client=WARECACHE, **variables):
        env = {
            "OIDC_PROVIDERS": "corp",
            "OIDC_CORP_ISSUER": provider.issuer,
            "OIDC_CORP_CLIENT_ID": client.client_id,
            "OIDC_CORP_CLIENT_SECRET": client.client_secret or "",
            "OIDC_CORP_NAME": "Corp SSO",
            "OIDC_CORP_SCOPES": "openid email profile groups",
            "OIDC_CORP_REDIRECT_URIS": API_REDIRECT_URI,
        } | {f"OIDC_CORP_{name.upper()}": str(value) for name, value in variables.items()}
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": providers_from_env(env)}
        }
        providers.forget_discovery()
        return providers.get("corp")

    yield configure
    providers.forget_discovery()
