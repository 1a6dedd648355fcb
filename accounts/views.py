"""The clerk UI for one's own account: profile, password, linked identities and API tokens. Thin views over
``services`` and ``queries``; every page also works without JavaScript. (The home page is
inventory's dashboard.)"""

import requests
from allauth.socialaccount.providers.openid_connect import views as allauth_oidc
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.core.actors import Actor
from config.core.errors import ServiceError
from config.core.forms import apply_service_error
from config.core.roles import Role
from config.core.ui import UNPROCESSABLE, public_page, role_required, wants_fragment

from . import queries, services
from .forms import PasswordChangeForm, TokenCreateForm
from .models import API_TOKEN_PREFIX
from .oidc import providers
from .oidc import services as oidc
from .oidc.adapter import PENDING_LINK, refusal


def _render_account(
    request: HttpRequest,
    *,
    fragment: str,
    token_form: TokenCreateForm | None = None,
    password_form: PasswordChangeForm | None = None,
    status: int = 200,
    **context,
) -> HttpResponse:
    """One section of the account page (``fragment``) for htmx, the whole page otherwise."""
    context |= {
        "form": token_form or TokenCreateForm(),
        "password_form": password_form or PasswordChangeForm(),
        "tokens": queries.live_tokens(request.user),
        "sign_in_methods": queries.auth_methods(request.user),
        "providers": providers.configured(),
        "token_prefix": API_TOKEN_PREFIX,
    }
    template = fragment if wants_fragment(request) else "accounts/account.html"
    return render(request, template, context, status=status)


def _render_tokens(
    request: HttpRequest,
    *,
    form: TokenCreateForm,
    secret: str | None = None,
    new_label: str = "",
    notice: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The token section alone for htmx, the whole account page otherwise."""
    return _render_account(
        request,
        fragment="accounts/_tokens.html",
        token_form=form,
        status=status,
        secret=secret,
        new_label=new_label,
        notice=notice,
    )


@require_GET
@role_required(Role.VIEWER)
def account(request: HttpRequest) -> HttpResponse:
    return _render_tokens(request, form=TokenCreateForm())


# sensitive_post_parameters: an error report of this request must not carry the passwords.
@sensitive_post_parameters("old_password", "new_password", "new_password_again")
@require_POST
@role_required(Role.VIEWER)
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=Actor.for_user(request.user),
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
    if form.errors:
        return _render_account(
            request,
            fragment="accounts/_password.html",
            password_form=form,
            status=UNPROCESSABLE,
        )
    # The session was signed with the old password's hash: re-sign it, so this browser stays
    # signed in while every other session of this user ends.
    update_session_auth_hash(request, request.user)
    text = "Your password was changed. Other browsers signed in as you were signed out."
    if wants_fragment(request):
        return _render_account(
            request, fragment="accounts/_password.html", password_notice=("success", text)
        )
    messages.success(request, text)
    return redirect("account")


# never_cache: the response may carry the token's secret, which no cache may keep. The secret is
# rendered into this one response and stored nowhere (not in the session, not in a redirect).
@never_cache
@require_POST
@role_required(Role.VIEWER)
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _render_tokens(request, form=form, status=UNPROCESSABLE)
    try:
        token, secret = services.api_token_create(
            actor=Actor.for_user(request.user), user=request.user, **form.cleaned_data
        )
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _render_tokens(request, form=form, status=UNPROCESSABLE)
    return _render_tokens(request, form=TokenCreateForm(), secret=secret, new_label=token.label)


@require_POST
@role_required(Role.VIEWER)
def token_revoke(request: HttpRequest, label: str) -> HttpResponse:
    try:
        services.api_token_revoke(
            actor=Actor.for_user(request.user), user=request.user, label=label
        )
    except ServiceError as exc:
        level, text, status = "danger", exc.detail, UNPROCESSABLE
    else:
        level, text, status = "success", f"Token “{label}” revoked.", 200
    if wants_fragment(request):
        return _render_tokens(request, form=TokenCreateForm(), notice=(level, text), status=status)
    # Without htmx: Post/Redirect/Get, so a reload does not repeat the POST.
    messages.add_message(request, messages.SUCCESS if status == 200 else messages.ERROR, text)
    return redirect("account")


def _through_allauth(view, request: HttpRequest, provider_id: str) -> HttpResponse:
    """django-allauth's view, with a provider that does not answer shown as a page saying so
    (allauth lets the network error through, which would be a 500)."""
    try:
        return view(request, provider_id)
    except (requests.RequestException, ServiceError) as exc:
        detail = getattr(exc, "detail", None) or "The provider did not answer; try again later."
        return refusal(request, provider_id, detail, 502)


@public_page
def oidc_browser_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Start the browser's sign-in at a provider (allauth; PKCE, state in the session)."""
    return _through_allauth(allauth_oidc.login, request, provider_id)


@public_page
def oidc_browser_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Where the provider sends the browser back; ``oidc.adapter`` takes over from allauth."""
    return _through_allauth(allauth_oidc.callback, request, provider_id)


def login_providers():
    """The login page's provider buttons (a callable, so settings are read per request)."""
    return providers.configured()


# Linked identities ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.VIEWER)
def identity_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm linking the identity this person just signed in with at a provider (the
    provider's login was started from the account page; ``oidc.adapter`` parked it here)."""
    pending = request.session.get(PENDING_LINK)
    if not pending:
        messages.info(request, "There is no identity waiting to be linked.")
        return redirect("account")
    try:
        provider = providers.get(pending["provider"])
    except ServiceError as exc:
        request.session.pop(PENDING_LINK, None)
        messages.error(request, exc.detail)
        return redirect("account")
    if request.method == "POST":
        request.session.pop(PENDING_LINK, None)
        if "confirm" not in request.POST:
            messages.info(request, "Nothing was linked.")
            return redirect("account")
        try:
            oidc.identity_link(
                actor=Actor.for_user(request.user),
                user=request.user,
                provider=provider,
                subject=pending["subject"],
                email=pending["email"],
            )
        except ServiceError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"Your {provider.name} account is linked.")
        return redirect("account")
    return render(
        request, "accounts/identity_confirm.html", {"provider": provider, "pending": pending}
    )


@require_POST
@role_required(Role.VIEWER)
def identity_unlink(request: HttpRequest, method_id: str) -> HttpResponse:
    try:
        oidc.identity_unlink(
            actor=Actor.for_user(request.user), user=request.user, method_id=method_id
        )
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Unlinked. You can no longer sign in that way.")
    return redirect("account")
