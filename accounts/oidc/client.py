"""Warecache as an OpenID Connect client for its API and device flows: the authorization
request, the token endpoint and ID token validation. (The browser UI's login goes through
django-allauth, with the same provider configuration.)"""

import base64
import hashlib
import secrets
from urllib.parse import urlencode

import jwt

from config.core.errors import ServiceError

from .providers import Provider, ProviderUnavailable, discovery, fetch_json, signing_keys

# Seconds of clock difference tolerated between Warecache and the provider.
CLOCK_SKEW = 60
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]


class OidcRefused(ServiceError):
    """The provider or the ID token said no: a bad code, a forged or stale token."""

    status_code = 400
    default_code = "oidc_refused"


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    provider: Provider, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
) -> str:
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.scopes),
        "state": state,
        "nonce": nonce,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    endpoint = discovery(provider)["authorization_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def _client_auth(provider: Provider, endpoint_methods_key: str, data: dict) -> dict:
    """Authenticate the client as django-allauth does for the browser login, so one client
    registration serves both: the configured TOKEN_AUTH_METHOD, else the secret in the body
    when the provider accepts that, else HTTP Basic. A public client sends only its id."""
    if provider.is_public_client:
        data["client_id"] = provider.client_id
        return {}
    method = provider.token_auth_method
    if not method:
        supported = discovery(provider).get(endpoint_methods_key) or ["client_secret_basic"]
        post = "client_secret_post" in supported
        method = "client_secret_post" if post else "client_secret_basic"
    if method == "client_secret_basic":
        return {"auth": (provider.client_id, provider.client_secret)}
    data["client_id"] = provider.client_id
    data["client_secret"] = provider.client_secret
    return {}


def provider_post(provider: Provider, endpoint: str, data: dict) -> dict:
    """POST a form to one of the provider's endpoints and return its JSON answer. An OAuth
    error answer becomes :class:`OidcRefused` with the provider's error code."""
    data = dict(data)
    auth = _client_auth(provider, "token_endpoint_auth_methods_supported", data)
    response = fetch_json("POST", endpoint, data=data, **auth)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ProviderUnavailable(f"{endpoint} answered {response.status_code}, not JSON.")
    if response.ok and "error" not in body:
        return body
    error = str(body.get("error") or "server_error")
    description = str(body.get("error_description") or "").strip()
    raise OidcRefused(
        f"The provider refused: {error}{f' ({description})' if description else ''}.",
        code=error if error.replace("_", "").isalpha() else "oidc_refused",
    )


def exchange_code(provider: Provider, *, code: str, redirect_uri: str, code_verifier: str) -> dict:
    """Redeem an authorization code; an expired or already used one is refused."""
    return provider_post(
        provider,
        discovery(provider)["token_endpoint"],
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        },
    )


def validate_id_token(provider: Provider, id_token: object, *, nonce: str | None = None) -> dict:
    """The claims of an ID token, after checking (OpenID Connect Core 3.1.3.7) its signature
    against the provider's published keys, its issuer, that it was issued to this client, its
    expiry and, for the code flow, the nonce this login sent."""
    if not isinstance(id_token, str) or not id_token:
        raise OidcRefused("The provider sent no ID token.", code="id_token_missing")
    try:
        key = signing_keys(provider).get_signing_key_from_jwt(id_token)
    except jwt.PyJWKClientConnectionError as exc:
        raise ProviderUnavailable(f"The provider's keys could not be fetched: {exc}.") from exc
    except (jwt.PyJWKClientError, jwt.DecodeError) as exc:
        raise OidcRefused(
            f"The ID token is not signed by a key the provider publishes: {exc}.",
            code="id_token_invalid",
        ) from exc
    try:
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=ID_TOKEN_ALGORITHMS,
            audience=provider.client_id,
            issuer=discovery(provider)["issuer"],
            leeway=CLOCK_SKEW,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.InvalidAudienceError as exc:
        raise OidcRefused(
            "The ID token was issued to another client.", code="id_token_invalid"
        ) from exc
    except jwt.ExpiredSignatureError as exc:
        raise OidcRefused("The ID token has expired.", code="id_token_invalid") from exc
    except jwt.InvalidTokenError as exc:
        raise OidcRefused(f"The ID token is not valid: {exc}.", code="id_token_invalid") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise OidcRefused(
            "The ID token names several audiences but not this client as its party.",
            code="id_token_invalid",
        )
    if nonce is not None and not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OidcRefused(
            "The ID token's nonce is not the one this login sent.", code="id_token_invalid"
        )
    if not isinstance(claims["sub"], str) or not claims["sub"] or len(claims["sub"]) > 255:
        raise OidcRefused("The ID token's subject is not usable.", code="id_token_invalid")
    return claims
