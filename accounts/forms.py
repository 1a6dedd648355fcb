"""Forms of the clerk UI. They check the shape of input; the rules live in the services."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from config.core.errors import Throttled
from config.core.forms import BootstrapFormMixin

from . import services
from .authentication import client_address


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    """Django's login form, checked by the same throttled service as ``POST /auth/login``, so
    the browser is not a way around the limit on failed logins."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        try:
            self.user_cache = services.login_with_password(
                username=username, password=password, address=client_address(self.request)
            )
        except Throttled as exc:
            raise ValidationError(exc.detail, code="throttled") from exc
        except services.AuthenticationFailedError:
            raise self.get_invalid_login_error() from None
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class TokenCreateForm(BootstrapFormMixin, forms.Form):
    # \Z, not $: `$` also matches before a trailing newline.
    label = forms.CharField(
        max_length=64,
        validators=[
            RegexValidator(
                r"^[\w.-]{1,64}\Z",
                "Use up to 64 letters, digits, underscores, dots or hyphens.",
                code="invalid_label",
            )
        ],
        help_text="A name for where the token is used, e.g. ci-runner or label-printer.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # A date picker; a full ISO date-time is accepted too. Naive values are in TIME_ZONE.
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires",
        help_text=(
            f"The token stops working at 00:00 ({settings.TIME_ZONE}) on this date. "
            "Leave empty for a token that does not expire."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _password(label: str, autocomplete: str, **kwargs) -> forms.CharField:
    # strip=False: spaces are part of a password. The widget never renders the value back.
    return forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


class PasswordChangeForm(BootstrapFormMixin, forms.Form):
    """One's own new password, typed twice. Whether the current password is right and the new
    one acceptable (Django's validators) is the service's to say: its errors carry these
    field names."""

    old_password = _password("Current password", "current-password")
    new_password = _password(
        "New password",
        "new-password",
        help_text=password_validators_help_text_html(),
    )
    new_password_again = _password("New password, again", "new-password")

    def clean(self):
        cleaned = super().clean()
        new, again = cleaned.get("new_password"), cleaned.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", "The two new passwords differ.")
        return cleaned
