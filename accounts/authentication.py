"""One authenticator for `Authorization: Bearer …`: API tokens carry the `wc_` prefix,
anything else is treated as a JWT. Two separate authenticators would each reject the
other's tokens with 401 (DRF stops at the first that raises)."""

import hmac

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from .models import API_TOKEN_PREFIX, ApiToken, hash_api_token


class BearerAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def __init__(self) -> None:
        self._jwt = JWTAuthentication()

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must be `Bearer <token>`.", code="bad_authorization"
            )
        try:
            raw = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(
                "The token contains invalid characters.", code="bad_authorization"
            ) from exc
        if raw.startswith(API_TOKEN_PREFIX):
            return self._authenticate_api_token(raw)
        return self._authenticate_jwt(raw)

    def authenticate_header(self, request) -> str:
        return self.keyword

    def _authenticate_api_token(self, raw: str):
        digest = hash_api_token(raw)
        try:
            # token_hash is unique: get() asks for no ordering (first() would sort by the
            # model's, on every authenticated request).
            token = ApiToken.objects.select_related("user").get(token_hash=digest, revoked_at=None)
        except ApiToken.DoesNotExist:
            token = None
        # compare_digest keeps the final check constant-time even though the lookup is by hash.
        if token is None or not hmac.compare_digest(token.token_hash, digest):
            raise exceptions.AuthenticationFailed("Invalid API token.", code="invalid_token")
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                "This API token has expired.", code="token_expired"
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.", code="user_inactive")
        _touch_token(token)
        return token.user, token

    def _authenticate_jwt(self, raw: str):
        try:
            validated = self._jwt.get_validated_token(raw.encode())
            user = self._jwt.get_user(validated)
        except (InvalidToken, TokenError, exceptions.AuthenticationFailed) as exc:
            raise exceptions.AuthenticationFailed(
                "The access token is invalid or has expired.", code="invalid_token"
            ) from exc
        if not user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.", code="user_inactive")
        return user, validated


def _touch_token(token: ApiToken) -> None:
    # Write last_used_at at most once per interval so that reads stay write-free.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= settings.API_TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def client_address(request) -> str:
    """The address failed logins are counted against. Behind a proxy, configure it to set
    REMOTE_ADDR (e.g. gunicorn's --forwarded-allow-ips) rather than trusting a header here."""
    return request.META.get("REMOTE_ADDR", "unknown")


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """The browser UI's session, with DRF's CSRF enforcement."""


class BearerAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = BearerAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A JWT from `POST /auth/login`, or an API token (`wc_…`) "
            "from `POST /api/v1/tokens`.",
        }


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = CsrfSessionAuthentication
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
