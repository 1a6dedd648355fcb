"""The OpenID providers Warecache trusts, as configured (``config/oidc_env.py`` reads them from
the environment into django-allauth's ``SOCIALACCOUNT_PROVIDERS``), and what each one says
about itself at ``/.well-known/openid-configuration``."""

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import jwt
import requests
from django.conf import settings

from config.core.errors import NotFound, ServiceError
from config.core.roles import Role


class ProviderUnavailable(ServiceError):
    """The provider did not answer, or answered something that is not OpenID Connect."""

    status_code = 502
    default_code = "oidc_provider_unavailable"


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    # Warecache's policy for this provider (config/oidc_env.py documents each).
    roles_claim: str = ""
    roles: Mapping[str, Role] = field(default_factory=dict)
    email_domains: frozenset[str] = frozenset()
    create_users: bool = False
    device_flow: str = "auto"
    redirect_uris: tuple[str, ...] = ()
    # client_secret_basic or client_secret_post; empty: as the provider's discovery allows.
    token_auth_method: str = ""

    @property
    def is_public_client(self) -> bool:
        return not self.client_secret


def _from_app(app: dict) -> Provider:
    app_settings = app.get("settings", {})
    policy = app_settings.get("warecache", {})
    return Provider(
        id=app["provider_id"],
        name=app.get("name") or app["provider_id"],
        issuer=app_settings["server_url"].rstrip("/"),
        client_id=app["client_id"],
        client_secret=app.get("secret", ""),
        scopes=tuple(app_settings.get("scope") or ("openid", "email", "profile")),
        roles_claim=policy.get("roles_claim", ""),
        roles={value: Role(role) for value, role in policy.get("roles", {}).items()},
        email_domains=frozenset(policy.get("email_domains", ())),
        create_users=bool(policy.get("create_users", False)),
        device_flow=policy.get("device_flow", "auto"),
        redirect_uris=tuple(policy.get("redirect_uris", ())),
        token_auth_method=app_settings.get("token_auth_method", ""),
    )


def configured() -> list[Provider]:
    """Every configured provider, in the order OIDC_PROVIDERS lists them."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return [_from_app(app) for app in apps]


def get(provider_id: str) -> Provider:
    for provider in configured():
        if provider.id == provider_id:
            return provider
    raise NotFound(f"No OpenID provider named {provider_id!r} is configured.")


def http() -> requests.Session:
    """A session for talking to providers (kept short: every call passes a timeout)."""
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    return session


def fetch_json(method: str, url: str, **kwargs) -> requests.Response:
    """One request to a provider; a network failure is a clear 502, not a 500."""
    try:
        with http() as session:
            return session.request(method, url, timeout=settings.OIDC_HTTP_TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"The OpenID provider at {url} did not answer: {exc}.") from exc


_discovered: dict[str, tuple[float, dict]] = {}
_jwks_clients: dict[str, jwt.PyJWKClient] = {}
_lock = threading.Lock()


def discovery(provider: Provider) -> dict:
    """The provider's discovery document, fetched once per OIDC_DISCOVERY_TTL seconds."""
    now = time.monotonic()
    with _lock:
        cached = _discovered.get(provider.issuer)
    if cached and now - cached[0] < settings.OIDC_DISCOVERY_TTL:
        return cached[1]
    url = f"{provider.issuer}/.well-known/openid-configuration"
    response = fetch_json("GET", url)
    try:
        document = response.json() if response.ok else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} answered {response.status_code}, not a JSON document.")
    # OpenID Connect Discovery 1.0, 4.3: the issuer it states must be the one configured.
    if document.get("issuer", "").rstrip("/") != provider.issuer:
        raise ProviderUnavailable(
            f"{url} says its issuer is {document.get('issuer')!r}, not {provider.issuer!r}."
        )
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(document.get(key), str)
    ]
    if missing:
        raise ProviderUnavailable(f"{url} does not state {', '.join(missing)}.")
    with _lock:
        _discovered[provider.issuer] = (now, document)
    return document


def signing_keys(provider: Provider) -> jwt.PyJWKClient:
    """The provider's keys: PyJWT's client caches the set and fetches it again when a token
    names a key it does not hold, which is how a rotated key is picked up."""
    jwks_uri = discovery(provider)["jwks_uri"]
    with _lock:
        client = _jwks_clients.get(jwks_uri)
        if client is None:
            client = jwt.PyJWKClient(
                jwks_uri,
                cache_keys=False,
                lifespan=300,
                timeout=settings.OIDC_HTTP_TIMEOUT,
                # Tokens naming unknown keys fetch the set at most this often, so forged kids
                # cannot make Warecache hammer the provider.
                cooldown_duration=settings.OIDC_JWKS_REFRESH_COOLDOWN,
            )
            _jwks_clients[jwks_uri] = client
    return client


def device_flow_served_by(provider: Provider) -> str | None:
    """Who serves this provider's device flow: "provider" when it offers the device grant (or
    is configured to), "warecache" when Warecache serves it itself, None when it is off."""
    if provider.device_flow == "off":
        return None
    if provider.device_flow in ("provider", "warecache"):
        return provider.device_flow
    return "provider" if discovery(provider).get("device_authorization_endpoint") else "warecache"


def forget_discovery() -> None:
    """Drop what was fetched (tests, and after the configuration changes)."""
    with _lock:
        _discovered.clear()
        _jwks_clients.clear()
