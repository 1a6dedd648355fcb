"""OpenID Connect providers, read from the environment into django-allauth's settings.

The browser login (django-allauth's ``openid_connect`` provider) and Warecache's own API flows
(``accounts.oidc``) read this one configuration: ``SOCIALACCOUNT_PROVIDERS["openid_connect"]``.
Warecache's own knobs (linking policy, role mapping, device flow) ride in each app's
``settings["warecache"]``, which allauth ignores.

    OIDC_PROVIDERS=corp,lab                  ids, lowercase letters, digits and '-'
    OIDC_CORP_ISSUER=https://id.example.com  discovered at <issuer>/.well-known/openid-configuration
    OIDC_CORP_CLIENT_ID=warecache
    OIDC_CORP_CLIENT_SECRET=…                empty for a public client
    OIDC_CORP_NAME=Example SSO               the login button's label (default: the id)
    OIDC_CORP_SCOPES=openid email profile    (the default)
    OIDC_CORP_ROLES_CLAIM=groups             a claim whose values map to roles …
    OIDC_CORP_ROLES=wc-admins=admin,wc-clerks=clerk   … re-applied at every login
    OIDC_CORP_EMAIL_DOMAINS=example.com      link by a *verified* email from these domains
    OIDC_CORP_CREATE_USERS=false             create an account for such an email if none has it
    OIDC_CORP_DEVICE_FLOW=auto               auto | provider | warecache | off
    OIDC_CORP_REDIRECT_URIS=http://127.0.0.1:8765/cb   redirect URIs API clients may use
    OIDC_CORP_TOKEN_AUTH_METHOD=              client_secret_basic | client_secret_post
                                             (empty: the body when the provider allows it)
"""

import re
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}\Z")
ROLES = ("viewer", "clerk", "manager", "admin")
DEVICE_FLOW_MODES = ("auto", "provider", "warecache", "off")
TOKEN_AUTH_METHODS = ("", "client_secret_basic", "client_secret_post")
TRUE, FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def _words(value: str) -> list[str]:
    return [word for word in re.split(r"[\s,]+", value.strip()) if word]


def _role_map(name: str, value: str) -> dict[str, str]:
    mapping = {}
    for pair in _words(value):
        claim_value, sep, role = pair.rpartition("=")
        if not sep or not claim_value or role not in ROLES:
            raise ImproperlyConfigured(
                f"{name}: {pair!r} is not claim-value=role with a role of {', '.join(ROLES)}."
            )
        mapping[claim_value] = role
    return mapping


def _provider(provider_id: str, environ: Mapping[str, str]) -> dict:
    prefix = f"OIDC_{provider_id.upper().replace('-', '_')}_"

    def get(key: str, default: str = "") -> str:
        return environ.get(prefix + key, default).strip()

    issuer = get("ISSUER").rstrip("/")
    client_id = get("CLIENT_ID")
    if not issuer.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{prefix}ISSUER must be the provider's https:// URL.")
    if not client_id:
        raise ImproperlyConfigured(f"{prefix}CLIENT_ID is required.")
    create_users = get("CREATE_USERS").lower()
    if create_users not in TRUE | FALSE:
        raise ImproperlyConfigured(f"{prefix}CREATE_USERS must be true or false.")
    device_flow = get("DEVICE_FLOW", "auto").lower()
    if device_flow not in DEVICE_FLOW_MODES:
        raise ImproperlyConfigured(
            f"{prefix}DEVICE_FLOW must be one of {', '.join(DEVICE_FLOW_MODES)}."
        )
    token_auth_method = get("TOKEN_AUTH_METHOD")
    if token_auth_method not in TOKEN_AUTH_METHODS:
        raise ImproperlyConfigured(
            f"{prefix}TOKEN_AUTH_METHOD must be client_secret_basic or client_secret_post."
        )
    roles_claim = get("ROLES_CLAIM")
    role_map = _role_map(prefix + "ROLES", get("ROLES"))
    if bool(roles_claim) != bool(role_map):
        raise ImproperlyConfigured(f"{prefix}ROLES_CLAIM and {prefix}ROLES go together.")
    return {
        "provider_id": provider_id,
        "name": get("NAME") or provider_id,
        "client_id": client_id,
        "secret": get("CLIENT_SECRET"),
        "settings": {
            "server_url": issuer,
            "scope": _words(get("SCOPES", "openid email profile")),
            "oauth_pkce_enabled": True,
            # allauth reads this one too: both flows authenticate the same way.
            **({"token_auth_method": token_auth_method} if token_auth_method else {}),
            "warecache": {
                "roles_claim": roles_claim,
                "roles": role_map,
                "email_domains": [domain.lower() for domain in _words(get("EMAIL_DOMAINS"))],
                "create_users": create_users in TRUE,
                "device_flow": device_flow,
                "redirect_uris": _words(get("REDIRECT_URIS")),
            },
        },
    }


def providers_from_env(environ: Mapping[str, str]) -> list[dict]:
    """django-allauth ``APPS`` entries for the providers ``OIDC_PROVIDERS`` names."""
    apps = []
    for provider_id in _words(environ.get("OIDC_PROVIDERS", "")):
        if not PROVIDER_ID.match(provider_id):
            raise ImproperlyConfigured(
                f"OIDC_PROVIDERS: {provider_id!r} is not an id (lowercase letters, digits, '-')."
            )
        apps.append(_provider(provider_id, environ))
    return apps
