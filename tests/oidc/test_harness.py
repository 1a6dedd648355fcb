"""The OpenID provider harness does what the OIDC login tests rely on, against the real
provider: discovery, the code flow with PKCE, the device flow, codes that expire."""

import base64
import hashlib
import secrets
import shutil
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from tests.oidc import fixtures, harness
from tests.oidc.fixtures import (
    ALICE_SUB,
    DEFAULT_REDIRECT_URIS,
    DEVICE,
    DEVICE_CODE_GRANT,
    PUBLIC,
    WARECACHE,
    WARECACHE_BASIC,
    WARECACHE_SHORT_CODE,
)
from tests.oidc.harness import ProviderFlowError, ProviderUser

# The fixtures as this module's own: one provider for its tests.
oidc_provider = fixtures.oidc_provider
oidc_user = fixtures.oidc_user

REDIRECT_URI = DEFAULT_REDIRECT_URIS[0]


def authorization_url(provider, client, verifier=None, scope="openid email profile groups"):
    params = {
        "client_id": client.client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "the-state",
        "nonce": "the-nonce",
    }
    if verifier:
        digest = hashlib.sha256(verifier.encode()).digest()
        params["code_challenge"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        params["code_challenge_method"] = "S256"
    return f"{provider.discovery['authorization_endpoint']}?{urlencode(params)}"


def code_from(redirect: str) -> str:
    query = parse_qs(urlsplit(redirect).query)
    assert query["state"] == ["the-state"], redirect
    return query["code"][0]


def redeem(provider, client, code, verifier):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    auth = None
    if client.auth_method == "client_secret_basic":
        auth = (client.client_id, client.client_secret)
    else:
        data["client_id"] = client.client_id
        if client.client_secret:
            data["client_secret"] = client.client_secret
    return requests.post(provider.discovery["token_endpoint"], data=data, auth=auth, timeout=10)


def verified_id_token(provider, token: str, audience: str) -> dict:
    key = jwt.PyJWKClient(provider.discovery["jwks_uri"]).get_signing_key_from_jwt(token)
    return jwt.decode(
        token, key.key, algorithms=["RS256"], audience=audience, issuer=provider.issuer
    )


def poll_device_token(provider, device_code):
    data = {
        "grant_type": DEVICE_CODE_GRANT,
        "device_code": device_code,
        "client_id": DEVICE.client_id,
    }
    return requests.post(provider.discovery["token_endpoint"], data=data, timeout=10)


def device_authorization(provider):
    answer = requests.post(
        provider.discovery["device_authorization_endpoint"],
        data={"client_id": DEVICE.client_id, "scope": "openid email groups"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_discovery_names_the_loopback_issuer_with_its_real_port(oidc_provider):
    issuer = urlsplit(oidc_provider.issuer)
    assert (issuer.scheme, issuer.hostname) == ("http", "127.0.0.1")
    assert issuer.port
    assert oidc_provider.discovery["issuer"] == oidc_provider.issuer
    assert oidc_provider.discovery["code_challenge_methods_supported"] == ["S256"]
    assert "groups" in oidc_provider.discovery["scopes_supported"]
    assert "groups" in oidc_provider.discovery["claims_supported"]
    assert oidc_provider.discovery["device_authorization_endpoint"].startswith(oidc_provider.issuer)


@pytest.mark.parametrize("client", [WARECACHE, WARECACHE_BASIC, PUBLIC], ids=lambda c: c.client_id)
def test_code_flow_with_pkce_gives_an_id_token_with_the_account_claims(
    oidc_provider, oidc_user, client
):
    verifier = secrets.token_urlsafe(48)
    redirect = oidc_user.authorize(authorization_url(oidc_provider, client, verifier), "alice")

    assert redirect.startswith(REDIRECT_URI)
    answer = redeem(oidc_provider, client, code_from(redirect), verifier)
    assert answer.status_code == 200, answer.text
    claims = verified_id_token(oidc_provider, answer.json()["id_token"], client.client_id)
    assert claims["sub"] == ALICE_SUB
    assert claims["nonce"] == "the-nonce"
    assert (claims["email"], claims["email_verified"]) == ("alice@example.com", True)
    assert claims["groups"] == ["wc-clerks"]


def test_a_code_redeemed_twice_is_invalid_grant(oidc_provider, oidc_user):
    verifier = secrets.token_urlsafe(48)
    code = code_from(
        oidc_user.authorize(authorization_url(oidc_provider, WARECACHE, verifier), "bob")
    )

    assert redeem(oidc_provider, WARECACHE, code, verifier).status_code == 200
    again = redeem(oidc_provider, WARECACHE, code, verifier)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def test_a_code_of_the_short_code_client_is_invalid_after_two_seconds(oidc_provider, oidc_user):
    verifier = secrets.token_urlsafe(48)
    short = code_from(
        oidc_user.authorize(
            authorization_url(oidc_provider, WARECACHE_SHORT_CODE, verifier), "alice"
        )
    )
    usual = code_from(
        oidc_user.authorize(authorization_url(oidc_provider, WARECACHE, verifier), "alice")
    )

    time.sleep(2)
    late = redeem(oidc_provider, WARECACHE_SHORT_CODE, short, verifier)
    assert (late.status_code, late.json()["error"]) == (400, "invalid_grant")
    assert redeem(oidc_provider, WARECACHE, usual, verifier).status_code == 200


def test_an_authorization_request_without_pkce_is_refused(oidc_provider, oidc_user):
    redirect = oidc_user.authorize(authorization_url(oidc_provider, WARECACHE), "alice")

    query = parse_qs(urlsplit(redirect).query)
    assert query["error"] == ["invalid_request"]
    assert "PKCE" in query["error_description"][0]


def test_cancelling_at_the_consent_page_is_access_denied(oidc_provider, oidc_user):
    url = authorization_url(oidc_provider, WARECACHE, secrets.token_urlsafe(48))
    redirect = oidc_user.authorize(url, "carol", approve=False)

    assert parse_qs(urlsplit(redirect).query)["error"] == ["access_denied"]


def test_an_unknown_login_is_refused_on_the_login_page(oidc_provider, oidc_user):
    url = authorization_url(oidc_provider, WARECACHE, secrets.token_urlsafe(48))
    with pytest.raises(ProviderFlowError, match='unknown login "mallory"') as refused:
        oidc_user.authorize(url, "mallory")
    assert refused.value.status == 401


def test_device_flow_is_pending_until_the_person_approves(oidc_provider):
    grant = device_authorization(oidc_provider)
    assert poll_device_token(oidc_provider, grant["device_code"]).json()["error"] == (
        "authorization_pending"
    )

    page = ProviderUser().approve_device(grant["verification_uri"], grant["user_code"], "alice")

    assert "success" in page
    answer = poll_device_token(oidc_provider, grant["device_code"])
    assert answer.status_code == 200, answer.text
    claims = verified_id_token(oidc_provider, answer.json()["id_token"], DEVICE.client_id)
    assert (claims["sub"], claims["groups"]) == (ALICE_SUB, ["wc-clerks"])


def test_device_flow_aborted_by_the_person_is_access_denied(oidc_provider):
    grant = device_authorization(oidc_provider)

    page = ProviderUser().approve_device(
        grant["verification_uri"], grant["user_code"], "alice", approve=False
    )

    assert "aborted" in page
    assert poll_device_token(oidc_provider, grant["device_code"]).json()["error"] == (
        "access_denied"
    )


def test_a_forged_id_token_verifies_against_the_published_keys(oidc_provider):
    forged = oidc_provider.sign_id_token({"sub": ALICE_SUB, "aud": "another-client"})

    claims = verified_id_token(oidc_provider, forged, "another-client")
    assert (claims["iss"], claims["sub"]) == (oidc_provider.issuer, ALICE_SUB)


def test_without_node_the_reason_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)

    assert harness.provider_available() == (
        False,
        f"Node is not installed (apt-get install nodejs npm), then {harness.INSTALL_HINT}",
    )


def test_without_the_npm_packages_the_reason_names_the_install_command(monkeypatch, tmp_path):
    shutil.copy(harness.PROVIDER_DIR / "package.json", tmp_path / "package.json")
    monkeypatch.setattr(harness, "PROVIDER_DIR", tmp_path)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/node")
    monkeypatch.setattr(harness, "_node_version", lambda node: "v22.12.0")

    assert harness.provider_available() == (
        False,
        f"the OpenID provider's npm packages are not installed: {harness.INSTALL_HINT}",
    )


def test_a_node_older_than_the_engines_minimum_is_refused(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/node")
    monkeypatch.setattr(harness, "_node_version", lambda node: "v18.20.4")

    available, reason = harness.provider_available()

    assert not available
    assert reason.startswith("Node v18.20.4 is too old for oidc-provider")
