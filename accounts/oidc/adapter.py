"""django-allauth runs the browser's OpenID Connect login (authorization code with PKCE, its
state bound to the session, the ID token checked); this adapter hands the result to Warecache:
the identity is resolved by ``services.sign_in`` (Warecache's own links, never allauth's
social accounts), and a signed-in person linking an identity confirms it on a Warecache page.
Every outcome is a response of ours, so none of allauth's own pages is ever shown."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from config.core.errors import ServiceError

from . import providers, services

SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
# An identity a signed-in person asked to link, waiting for their confirmation.
PENDING_LINK = "oidc_pending_link"


def claims_of(sociallogin) -> dict:
    """The ID token's claims, with what the userinfo endpoint added (groups, email_verified
    on some providers); the userinfo cannot change who the token is about."""
    data = sociallogin.account.extra_data or {}
    id_token = data.get("id_token") or {}
    userinfo = data.get("userinfo") or {}
    if userinfo.get("sub") not in (None, id_token.get("sub")):
        userinfo = {}
    return {**userinfo, **id_token} if id_token else userinfo


def _next_url(request, sociallogin, default: str) -> str:
    wanted = (sociallogin.state or {}).get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else default


def refusal(request, provider_name: str, detail: str, status: int):
    return render(
        request,
        "accounts/oidc_refused.html",
        {"provider_name": provider_name, "detail": detail},
        status=status,
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Accounts come from services.sign_in's policy, never from allauth's signup form.
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        provider = providers.get(sociallogin.account.provider)
        claims = claims_of(sociallogin)
        if not claims.get("sub"):
            raise ImmediateHttpResponse(
                refusal(request, provider.name, "The provider did not say who you are.", 400)
            )
        process = (sociallogin.state or {}).get("process")
        if process == "connect" and request.user.is_authenticated:
            request.session[PENDING_LINK] = {
                "provider": provider.id,
                "subject": claims["sub"],
                "email": claims.get("email") if isinstance(claims.get("email"), str) else "",
            }
            raise ImmediateHttpResponse(redirect("account-identity-confirm"))
        try:
            user = services.sign_in(provider=provider, claims=claims)
        except ServiceError as exc:
            raise ImmediateHttpResponse(
                refusal(request, provider.name, exc.detail, exc.status_code)
            ) from exc
        login(request, user, backend=SESSION_BACKEND)
        request.session[services.SESSION_PROVIDER] = provider.id
        raise ImmediateHttpResponse(redirect(_next_url(request, sociallogin, "home")))

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        detail = {
            "cancelled": "You cancelled the sign-in at the provider.",
            "denied": "The provider did not allow the sign-in.",
        }.get(
            str(error),
            "The sign-in could not be completed (it may have expired or been "
            "started in another browser). Start again.",
        )
        name = getattr(provider, "name", "") or "The provider"
        raise ImmediateHttpResponse(refusal(request, name, detail, 400))
