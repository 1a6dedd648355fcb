"""Signing in through a real OpenID provider: the API's code flow with PKCE, the browser's
(django-allauth), the linking policy, roles from claims, and each refusal the issue names."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from accounts.models import OidcIdentity
from accounts.oidc import client as oidc_client
from accounts.oidc import services as oidc
from config.core.actors import Actor
from config.core.models import ChangelogEntry
from config.core.roles import Role
from tests.conftest import bearer_client, make_user
from tests.oidc.fixtures import ALICE_SUB, BOB_SUB, CAROL_SUB, WARECACHE_SHORT_CODE
from tests.oidc.harness import generate_rsa_jwk

from .conftest import API_REDIRECT_URI

pytestmark = pytest.mark.django_db


def start(api: APIClient, provider: str = "corp") -> str:
    response = api.get(f"/auth/oidc/{provider}/login", {"redirect_uri": API_REDIRECT_URI})
    assert response.status_code == 302, response.content
    return response["Location"]


def code_and_state(redirect: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(redirect).query)
    return query["code"][0], query["state"][0]


def api_login(api, oidc_user, login: str = "alice"):
    code, state = code_and_state(oidc_user.authorize(start(api), login))
    return api.post("/auth/oidc/corp/callback", {"code": code, "state": state}, format="json")


def link(user, provider, subject):
    return oidc.identity_link(
        actor=Actor.system("test"), user=user, provider=provider, subject=subject
    )


# The API's authorization code flow ----------------------------------------------------------


def test_the_login_sends_the_user_to_the_provider_with_pkce_state_and_nonce(use_provider):
    use_provider()
    location = start(APIClient())
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(use_provider().issuer)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [API_REDIRECT_URI]
    assert query["scope"] == ["openid email profile groups"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32


def test_with_accept_json_the_login_answers_the_url_instead(use_provider):
    use_provider()
    response = APIClient().get(
        "/auth/oidc/corp/login",
        {"redirect_uri": API_REDIRECT_URI},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["authorization_url"].startswith(use_provider().issuer)
    assert body["expires_in"] == 600
    assert f"state={body['state']}" in body["authorization_url"]


def test_a_linked_identity_gets_a_warecache_jwt(use_provider, oidc_user):
    provider = use_provider()
    alice = make_user("alice-wc", Role.CLERK)
    link(alice, provider, ALICE_SUB)
    api = APIClient()
    response = api_login(api, oidc_user)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    me = bearer_client(body["access_token"]).get("/api/v1/users/alice-wc")
    assert me.status_code == 200 and me.json()["role"] == "clerk"
    identity = OidcIdentity.objects.get(subject=ALICE_SUB)
    assert identity.last_login_at is not None and identity.email == "alice@example.com"
    # An API login signs no session in unless asked.
    assert api.get("/account").status_code == 302


def test_session_true_also_signs_the_browser_session_in(use_provider, oidc_user, client):
    provider = use_provider()
    link(make_user("alice-wc"), provider, ALICE_SUB)
    code, state = code_and_state(oidc_user.authorize(start(client), "alice"))
    response = client.post(
        "/auth/oidc/corp/callback",
        {"code": code, "state": state, "session": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.get("/account").status_code == 200


def test_a_redirect_uri_that_is_not_configured_is_refused(use_provider):
    use_provider()
    response = APIClient().get(
        "/auth/oidc/corp/login", {"redirect_uri": "https://evil.example/steal"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"redirect_uri": ["Not an allowed redirect URI."]}


def test_an_unknown_provider_is_a_404(use_provider):
    use_provider()
    response = APIClient().get("/auth/oidc/nope/login", {"redirect_uri": API_REDIRECT_URI})
    assert response.status_code == 404
    # Whatever else is wrong: which provider is asked for is answered first.
    assert APIClient().get("/auth/oidc/nope/login", {"redirect_uri": ""}).status_code == 404


# Refusals -------------------------------------------------------------------------------------


def test_a_tampered_state_is_refused_and_the_real_one_still_works(use_provider, oidc_user):
    provider = use_provider()
    link(make_user("alice-wc"), provider, ALICE_SUB)
    api = APIClient()
    code, state = code_and_state(oidc_user.authorize(start(api), "alice"))
    tampered = api.post(
        "/auth/oidc/corp/callback", {"code": code, "state": state[:-2] + "xx"}, format="json"
    )
    assert tampered.status_code == 400
    assert tampered.json()["code"] == "state_mismatch"
    good = api.post("/auth/oidc/corp/callback", {"code": code, "state": state}, format="json")
    assert good.status_code == 200


def test_a_state_from_another_session_is_refused(use_provider, oidc_user):
    provider = use_provider()
    link(make_user("alice-wc"), provider, ALICE_SUB)
    code, state = code_and_state(oidc_user.authorize(start(APIClient()), "alice"))
    other_session = APIClient()
    response = other_session.post(
        "/auth/oidc/corp/callback", {"code": code, "state": state}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "state_mismatch"


def test_a_replayed_code_is_refused(use_provider, oidc_user):
    provider = use_provider()
    link(make_user("alice-wc"), provider, ALICE_SUB)
    api = APIClient()
    code, state = code_and_state(oidc_user.authorize(start(api), "alice"))
    assert (
        api.post("/auth/oidc/corp/callback", {"code": code, "state": state}, format="json")
    ).status_code == 200
    # The same code again, under a state this session really started: the provider refuses.
    _, fresh_state = code_and_state(oidc_user.authorize(start(api), "alice"))
    replay = api.post(
        "/auth/oidc/corp/callback", {"code": code, "state": fresh_state}, format="json"
    )
    assert replay.status_code == 400
    assert replay.json()["code"] == "invalid_grant"
    assert "provider refused" in replay.json()["detail"]


def test_an_expired_code_is_refused(use_provider, oidc_user):
    provider = use_provider(client=WARECACHE_SHORT_CODE)
    link(make_user("alice-wc"), provider, ALICE_SUB)
    api = APIClient()
    code, state = code_and_state(oidc_user.authorize(start(api), "alice"))
    time.sleep(2.1)  # the provider's 1-second code lifetime, counted in whole seconds
    response = api.post("/auth/oidc/corp/callback", {"code": code, "state": state}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_grant"


def test_a_wrong_nonce_is_refused(use_provider, oidc_user, client):
    provider = use_provider()
    link(make_user("alice-wc"), provider, ALICE_SUB)
    code, state = code_and_state(oidc_user.authorize(start(client), "alice"))
    session = client.session
    session[oidc.PENDING_LOGINS][state]["nonce"] = "not-the-nonce-the-provider-saw"
    session.save()
    response = client.post(
        "/auth/oidc/corp/callback", {"code": code, "state": state}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The ID token's nonce is not the one this login sent.",
        "code": "id_token_invalid",
    }


@pytest.mark.parametrize(
    ("forge", "detail"),
    [
        ("other_audience", "The ID token was issued to another client."),
        ("other_key", "not valid"),
        ("unknown_kid", "not signed by a key the provider publishes"),
        ("expired", "The ID token has expired."),
        ("other_issuer", "not valid"),
    ],
)
def test_a_forged_id_token_is_refused(use_provider, oidc_provider, forge, detail):
    provider = use_provider()
    claims = {"sub": ALICE_SUB, "aud": provider.client_id, "nonce": "n"}
    key, kid = None, None
    other_key = generate_rsa_jwk("attacker")[1]
    if forge == "other_audience":
        claims["aud"] = "another-client"
    elif forge == "other_key":
        key, kid = other_key, oidc_provider.kid  # claims the provider's key id
    elif forge == "unknown_kid":
        key, kid = other_key, "attacker"
    elif forge == "expired":
        claims |= {"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}
    elif forge == "other_issuer":
        claims["iss"] = "https://evil.example"
    token = oidc_provider.sign_id_token(claims, key=key, kid=kid)
    with pytest.raises(oidc_client.OidcRefused) as refused:
        oidc_client.validate_id_token(provider, token, nonce="n")
    assert refused.value.code == "id_token_invalid"
    assert detail in refused.value.detail
    # The provider's own key, the right audience and nonce: accepted (the test is not vacuous).
    good = oidc_provider.sign_id_token({"sub": ALICE_SUB, "aud": provider.client_id, "nonce": "n"})
    assert oidc_client.validate_id_token(provider, good, nonce="n")["sub"] == ALICE_SUB


def test_a_provider_that_does_not_answer_is_a_502(use_provider, oidc_provider):
    use_provider()
    from tests.oidc.fixtures import WARECACHE

    class Gone:
        issuer = "http://127.0.0.1:9"

    use_provider(provider=Gone, client=WARECACHE)
    response = APIClient().get("/auth/oidc/corp/login", {"redirect_uri": API_REDIRECT_URI})
    assert response.status_code == 502
    assert response.json()["code"] == "oidc_provider_unavailable"


# The linking policy -----------------------------------------------------------------------


def test_an_unlinked_identity_is_refused_by_default_even_with_a_matching_account(
    use_provider, oidc_user
):
    use_provider()
    # Same username and same email as the provider's account: neither links by default.
    make_user("alice", email="alice@example.com")
    response = api_login(APIClient(), oidc_user)
    assert response.status_code == 403
    assert response.json()["code"] == "identity_not_linked"
    assert "alice@example.com" in response.json()["detail"]
    assert not OidcIdentity.objects.exists()


def test_a_verified_email_from_a_configured_domain_links_the_account(use_provider, oidc_user):
    use_provider(email_domains="example.com")
    alice = make_user("a.archer", email="Alice@Example.com")
    response = api_login(APIClient(), oidc_user)
    assert response.status_code == 200
    identity = OidcIdentity.objects.get()
    assert (identity.user, identity.subject) == (alice, ALICE_SUB)
    entry = ChangelogEntry.objects.get(entity_type="identity")
    assert entry.actor_name == "oidc:corp" and entry.action == "create"


def test_an_unverified_email_never_links(use_provider, oidc_user):
    use_provider(email_domains="example.com", create_users="true")
    make_user("bob", email="bob@example.com")
    response = api_login(APIClient(), oidc_user, "bob")
    assert response.status_code == 403
    assert response.json()["code"] == "identity_not_linked"
    assert not OidcIdentity.objects.filter(subject=BOB_SUB).exists()


def test_an_email_from_another_domain_does_not_link(use_provider, oidc_user):
    use_provider(email_domains="example.com", create_users="true")
    make_user("carol", email="carol@elsewhere.example")
    response = api_login(APIClient(), oidc_user, "carol")
    assert response.status_code == 403
    assert not OidcIdentity.objects.filter(subject=CAROL_SUB).exists()


def test_two_accounts_with_the_email_are_for_an_admin_to_choose(use_provider, oidc_user):
    use_provider(email_domains="example.com", create_users="true")
    make_user("alice1", email="alice@example.com")
    make_user("alice2", email="alice@example.com")
    response = api_login(APIClient(), oidc_user)
    assert response.status_code == 403
    assert not OidcIdentity.objects.exists()


def test_create_users_makes_a_viewer_without_a_password(use_provider, oidc_user):
    use_provider(email_domains="example.com", create_users="true")
    make_user("alice")  # the username is taken by someone else: the new account gets another
    response = api_login(APIClient(), oidc_user)
    assert response.status_code == 200
    identity = OidcIdentity.objects.select_related("user").get()
    user = identity.user
    assert user.username == "alice-2" and user.email == "alice@example.com"
    assert user.role == Role.VIEWER and not user.has_usable_password()


def test_a_disabled_account_is_refused(use_provider, oidc_user):
    provider = use_provider()
    link(make_user("alice-wc", is_active=False), provider, ALICE_SUB)
    response = api_login(APIClient(), oidc_user)
    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"


def test_roles_follow_the_claims_at_every_login(use_provider, oidc_user):
    provider = use_provider(roles_claim="groups", roles="wc-clerks=clerk wc-admins=admin")
    alice = make_user("alice-wc", Role.VIEWER)
    link(alice, provider, ALICE_SUB)
    assert api_login(APIClient(), oidc_user).status_code == 200
    alice.refresh_from_db()
    assert alice.role == Role.CLERK
    # The mapping changes (her group no longer maps): the next login takes the role back.
    use_provider(roles_claim="groups", roles="wc-admins=admin")
    assert api_login(APIClient(), oidc_user).status_code == 200
    alice.refresh_from_db()
    assert alice.role == Role.VIEWER
    actors = set(
        ChangelogEntry.objects.filter(entity_key="alice-wc", action="update").values_list(
            "actor_name", flat=True
        )
    )
    assert actors == {"oidc:corp"}


def test_without_a_role_mapping_roles_are_left_alone(use_provider, oidc_user):
    provider = use_provider()
    alice = make_user("alice-wc", Role.MANAGER)
    link(alice, provider, ALICE_SUB)
    assert api_login(APIClient(), oidc_user).status_code == 200
    alice.refresh_from_db()
    assert alice.role == Role.MANAGER


# The browser (django-allauth) -------------------------------------------------------------


def browser_sign_in(client, oidc_user, login="alice", process="login", next_url=""):
    start = client.post("/accounts/oidc/corp/login/", {"process": process, "next": next_url})
    assert start.status_code == 302, start.content
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    back = urlsplit(oidc_user.authorize(start["Location"], login))
    return client.get(f"{back.path}?{back.query}")


def test_the_browser_signs_in_through_the_provider(use_provider, oidc_user, client):
    provider = use_provider()
    link(make_user("alice-wc"), provider, ALICE_SUB)
    response = browser_sign_in(client, oidc_user, next_url="/changelog")
    assert response.status_code == 302 and response["Location"] == "/changelog"
    page = client.get("/account")
    assert page.status_code == 200 and b"alice-wc" in page.content
    assert client.session[oidc.SESSION_PROVIDER] == "corp"


def test_the_browser_is_told_when_the_identity_is_not_linked(use_provider, oidc_user, client):
    use_provider()
    response = browser_sign_in(client, oidc_user)
    assert response.status_code == 403
    assert b"not linked to a Warecache account" in response.content
    assert client.get("/account").status_code == 302  # not signed in


def test_the_browser_refuses_a_next_url_on_another_site(use_provider, oidc_user, client):
    provider = use_provider()
    link(make_user("alice-wc"), provider, ALICE_SUB)
    response = browser_sign_in(client, oidc_user, next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_signed_in_user_links_an_identity_by_confirming(use_provider, oidc_user, client):
    use_provider()
    me = make_user("alice-wc")
    client.force_login(me)
    response = browser_sign_in(client, oidc_user, process="connect", next_url="/account")
    assert response.status_code == 302 and response["Location"] == "/account/identities/confirm"
    page = client.get("/account/identities/confirm")
    assert b"alice@example.com" in page.content and b"Link it" in page.content
    assert not OidcIdentity.objects.exists()  # nothing until confirmed
    client.post("/account/identities/confirm", {"confirm": "1"})
    assert OidcIdentity.objects.get().user == me
    account = client.get("/account").content.decode()
    assert "alice@example.com" in account and "Sign-in methods" in account


def test_cancelling_the_confirmation_links_nothing(use_provider, oidc_user, client):
    use_provider()
    client.force_login(make_user("alice-wc"))
    browser_sign_in(client, oidc_user, process="connect")
    client.post("/account/identities/confirm", {"cancel": "1"})
    assert not OidcIdentity.objects.exists()


def test_the_login_page_offers_each_provider(use_provider, client):
    use_provider()
    page = client.get("/login").content.decode()
    assert "Sign in with Corp SSO" in page
    assert 'action="/accounts/oidc/corp/login/"' in page


def test_a_callback_without_a_login_in_progress_is_a_page_not_an_error(use_provider, client):
    use_provider()
    response = client.get("/accounts/oidc/corp/login/callback/?code=x&state=y")
    assert response.status_code == 400
    assert b"could not be completed" in response.content


def test_auth_methods_lists_the_provider_and_its_device_flow(use_provider):
    use_provider()
    body = APIClient().get("/auth/methods").json()
    assert body["oidc"][0]["device_flow"] == "provider"  # the loopback provider has the grant
    assert body["oidc"][0]["login_url"] == "/accounts/oidc/corp/login/"


def test_a_rotated_signing_key_is_fetched_when_a_token_names_it(use_provider, oidc_user, settings):
    """The provider restarts with a new key on the same address: the cached key set does not
    hold its kid, so Warecache fetches the set again instead of refusing the login (once the
    refetch cooldown, shortened here, has passed)."""
    settings.OIDC_JWKS_REFRESH_COOLDOWN = 0.5
    from tests.oidc.fixtures import ACCOUNTS, SHORT_CODE_TTL, standard_clients
    from tests.oidc.harness import OidcProvider

    def start_provider(kid, port=0):
        return OidcProvider(kid=kid, port=port).start(
            standard_clients(), ACCOUNTS, ttl=SHORT_CODE_TTL
        )

    first = start_provider("key-2026-01")
    try:
        provider = use_provider(provider=first)
        link(make_user("alice-wc"), provider, ALICE_SUB)
        assert api_login(APIClient(), oidc_user).status_code == 200
        port = first.issuer.rsplit(":", 1)[1]
    finally:
        first.stop()
    second = start_provider("key-2026-02", port=int(port))
    try:
        assert second.issuer == first.issuer
        time.sleep(0.6)
        fresh_user = type(oidc_user)()
        response = api_login(APIClient(), fresh_user)
        assert response.status_code == 200, response.content
    finally:
        second.stop()


def test_one_address_starts_a_limited_number_of_logins(use_provider):
    """Each start may make a session row: a flood from one address is refused (429)."""
    use_provider()
    for _ in range(oidc.LOGIN_STARTS_PER_ADDRESS):
        assert start(APIClient()).startswith("http")
    refused = APIClient().get("/auth/oidc/corp/login", {"redirect_uri": API_REDIRECT_URI})
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
