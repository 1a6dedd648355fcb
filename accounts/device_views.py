"""Warecache's device page (``/device``): a person signed in through an OpenID provider enters
the code a device shows and approves or denies its sign-in (the device flow Warecache serves
itself, ``oidc.device``). Thin over that module's services."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from config.core.errors import ServiceError
from config.core.forms import BootstrapFormMixin, apply_service_error
from config.core.roles import Role
from config.core.ui import UNPROCESSABLE, role_required

from .authentication import client_address
from .oidc import device as flow
from .oidc import providers
from .oidc import services as oidc


class DeviceCodeForm(BootstrapFormMixin, forms.Form):
    """The code a device shows; the page's only form, so it lives beside its view."""

    user_code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The code your device shows, e.g. BCDF-GHJK.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def _status_of(exc: ServiceError) -> int:
    # Too many wrong codes and "sign in there first" keep their statuses; a wrong code is a
    # refused form, shown in place.
    return exc.status_code if exc.status_code in (403, 429) else UNPROCESSABLE


@require_http_methods(["GET", "POST"])
@role_required(Role.VIEWER)
def device(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    form = DeviceCodeForm(data if "user_code" in data or request.method == "POST" else None)
    context: dict = {"form": form}
    status = 200
    if form.is_bound and not form.is_valid():
        status = UNPROCESSABLE
    elif request.method == "POST" and not {"approve", "deny"} & set(request.POST):
        form.add_error(None, "Choose Approve or Deny.")
        status = UNPROCESSABLE
    elif request.method == "POST":
        try:
            decided = flow.device_authorization_decide(
                user=request.user,
                user_code=form.cleaned_data["user_code"],
                approve="approve" in request.POST,
                session_provider=request.session.get(oidc.SESSION_PROVIDER),
                address=client_address(request),
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = _status_of(exc)
        else:
            if decided.status == decided.Status.APPROVED:
                messages.success(request, "Device approved: it is signing in now.")
            else:
                messages.info(request, "Device denied: it will not sign in.")
            return redirect("device")
    elif form.is_bound:
        try:
            found = flow.device_authorization_find(
                user=request.user,
                user_code=form.cleaned_data["user_code"],
                address=client_address(request),
            )
            provider = providers.get(found.provider)
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = _status_of(exc)
        else:
            shown = flow.format_user_code(found.user_code)
            context |= {
                "found": found,
                "provider": provider,
                "user_code": shown,
                "signed_in_there": flow.signed_in_through(
                    request.session.get(oidc.SESSION_PROVIDER), request.user, provider
                ),
                "come_back_to": f"{reverse('device')}?{urlencode({'user_code': shown})}",
            }
    return render(request, "accounts/device.html", context, status=status)
