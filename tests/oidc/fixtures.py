"""pytest fixtures for tests against the real OpenID provider (see tests/oidc/harness.py).

Import the fixtures you use into your conftest.py or test module (each stands alone)::

    from tests.oidc.fixtures import oidc_provider, oidc_user  # noqa: F401
    from tests.oidc.fixtures import WARECACHE, ALICE_SUB

Fixtures:

``oidc_provider`` (session)
    One provider with the standard clients and accounts below, the device flow on, and
    :data:`DEFAULT_REDIRECT_URIS`. Skips the test, with the reason and the command that fixes
    it, when Node or the provider's npm packages are missing.
``oidc_provider_factory`` (session)
    ``oidc_provider_factory(redirect_uris=..., accounts=..., extra_clients=..., ttl=...,
    device_flow=True, conform_id_token_claims=False)`` starts another provider on its own port (e.g. for a ``live_server``'s
    callback URL, known only at run time) and stops it at the end of the session.
``oidc_user`` (function)
    A fresh :class:`~tests.oidc.harness.ProviderUser`: no provider session cookies yet.

Standard clients (:class:`Client`: ``client_id``, ``client_secret``, ``auth_method``); each
must use PKCE S256:

* :data:`WARECACHE`, ``warecache``: confidential, ``client_secret_post`` (what django-allauth
  sends when discovery lists it); authorization code, refresh token and device code grants.
* :data:`WARECACHE_BASIC`, ``warecache-basic``: the same with ``client_secret_basic``
  (oidc-provider holds a client to the one method it registered).
* :data:`WARECACHE_SHORT_CODE`, ``warecache-short-code``: like ``warecache``, but its
  authorization codes expire after 1 second.
* :data:`PUBLIC`, ``warecache-public``: public (no secret), authorization code only.
* :data:`DEVICE`, ``warecache-cli``: public, device code grant only (no redirect URIs).

Accounts, by login name (what :class:`ProviderUser` types into the login form); the ``sub``
differs from the login. Scopes ``openid email profile groups`` release all their claims, in the
ID token and at userinfo:

* ``alice``: sub ``sub-alice``, alice@example.com verified, groups ``["wc-clerks"]``
* ``bob``: sub ``sub-bob``, bob@example.com NOT verified, no groups
* ``carol``: sub ``sub-carol``, carol@elsewhere.example verified (another domain), no groups
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

import pytest

from tests.oidc.harness import OidcProvider, ProviderUser, provider_available

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

DEFAULT_REDIRECT_URIS = (
    "http://testserver/accounts/oidc/corp/login/callback/",
    "http://127.0.0.1/accounts/oidc/corp/login/callback/",
    "http://localhost/accounts/oidc/corp/login/callback/",
)


class Client(NamedTuple):
    client_id: str
    client_secret: str | None
    auth_method: str


WARECACHE = Client("warecache", "warecache-test-secret", "client_secret_post")
WARECACHE_BASIC = Client("warecache-basic", "warecache-basic-test-secret", "client_secret_basic")
WARECACHE_SHORT_CODE = Client(
    "warecache-short-code", "warecache-short-code-test-secret", "client_secret_post"
)
PUBLIC = Client("warecache-public", None, "none")
DEVICE = Client("warecache-cli", None, "none")

ALICE_SUB, BOB_SUB, CAROL_SUB = "sub-alice", "sub-bob", "sub-carol"

ACCOUNTS = {
    "alice": {
        "sub": ALICE_SUB,
        "email": "alice@example.com",
        "email_verified": True,
        "groups": ["wc-clerks"],
        "name": "Alice Archer",
        "preferred_username": "alice",
    },
    "bob": {
        "sub": BOB_SUB,
        "email": "bob@example.com",
        "email_verified": False,
        "groups": [],
        "name": "Bob Baker",
        "preferred_username": "bob",
    },
    "carol": {
        "sub": CAROL_SUB,
        "email": "carol@elsewhere.example",
        "email_verified": True,
        "groups": [],
        "name": "Carol Cooper",
        "preferred_username": "carol",
    },
}

# Codes of WARECACHE_SHORT_CODE live 1 s; everything else keeps oidc-provider's lifetimes.
SHORT_CODE_TTL = {"AuthorizationCode": {"clients": {WARECACHE_SHORT_CODE.client_id: 1}}}


def _client(client: Client, redirect_uris, grant_types) -> dict:
    metadata = {
        "client_id": client.client_id,
        "token_endpoint_auth_method": client.auth_method,
        "grant_types": list(grant_types),
        "response_types": ["code"] if redirect_uris else [],
        "redirect_uris": list(redirect_uris),
    }
    if client.client_secret:
        metadata["client_secret"] = client.client_secret
    return metadata


def standard_clients(redirect_uris=DEFAULT_REDIRECT_URIS, *, device_flow=True) -> list[dict]:
    """The standard clients' oidc-provider metadata, with these redirect URIs; without the
    device grant (and the device-only client) when the provider has no device flow."""
    device = (DEVICE_CODE_GRANT,) if device_flow else ()
    confidential = ("authorization_code", "refresh_token", *device)
    return [
        _client(WARECACHE, redirect_uris, confidential),
        _client(WARECACHE_BASIC, redirect_uris, confidential),
        _client(WARECACHE_SHORT_CODE, redirect_uris, ("authorization_code",)),
        _client(PUBLIC, redirect_uris, ("authorization_code",)),
        *([_client(DEVICE, (), device)] if device_flow else []),
    ]


def start_standard_provider(
    redirect_uris=DEFAULT_REDIRECT_URIS,
    *,
    accounts: dict | None = None,
    extra_clients: Sequence[dict] = (),
    ttl: dict | None = None,
    device_flow: bool = True,
    conform_id_token_claims: bool = False,
) -> OidcProvider:
    """A started provider with the standard clients (plus ``extra_clients``) and accounts
    (``accounts`` replaces them); ``ttl`` adds to :data:`SHORT_CODE_TTL`;
    ``conform_id_token_claims=True`` keeps scope claims out of the ID token (userinfo only).
    Stop it yourself."""
    return OidcProvider().start(
        [*standard_clients(redirect_uris, device_flow=device_flow), *extra_clients],
        ACCOUNTS if accounts is None else accounts,
        device_flow=device_flow,
        ttl={**SHORT_CODE_TTL, **(ttl or {})},
        conform_id_token_claims=conform_id_token_claims,
    )


def skip_unless_provider_available() -> None:
    available, reason = provider_available()
    if not available:
        pytest.skip(f"no OpenID provider for the OIDC tests: {reason}")


@pytest.fixture(scope="session")
def oidc_provider_factory() -> Iterator[Callable[..., OidcProvider]]:
    started: list[OidcProvider] = []

    def start(redirect_uris=DEFAULT_REDIRECT_URIS, **options) -> OidcProvider:
        skip_unless_provider_available()
        started.append(start_standard_provider(redirect_uris, **options))
        return started[-1]

    yield start
    for provider in started:
        provider.stop()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    skip_unless_provider_available()
    with start_standard_provider() as provider:
        yield provider


@pytest.fixture
def oidc_user() -> Iterator[ProviderUser]:
    user = ProviderUser()
    yield user
    user.session.close()
