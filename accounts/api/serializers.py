from rest_framework import serializers

from config.core.api_fields import RequestSerializer, not_blank_field
from config.core.roles import Role
from config.core.schema import ErrorSerializer

from ..models import ApiToken, User


class UserSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices, source="effective_role", read_only=True)
    # Text, not an email format: an account may have no address (an empty string).
    email = serializers.CharField(read_only=True, help_text="Email address, or empty.")

    class Meta:
        model = User
        fields = [
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "is_active",
            "is_superuser",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields


def password_field(**kwargs) -> serializers.CharField:
    """A password as typed: spaces at either end are part of it, as on the UI's forms (DRF
    trims text by default, which made a password set on a page fail at the API)."""
    return serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}, **kwargs
    )


class UserCreateSerializer(RequestSerializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": "Letters, digits and @/./+/-/_ only."},
    )
    password = password_field()
    email = serializers.EmailField(required=False, default="")
    first_name = serializers.CharField(required=False, default="", max_length=150)
    last_name = serializers.CharField(required=False, default="", max_length=150)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)
    is_active = serializers.BooleanField(default=True)


class UserUpdateSerializer(RequestSerializer):
    """Fields left out keep their values."""

    email = serializers.EmailField(required=False, allow_blank=True)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    is_active = serializers.BooleanField(required=False, help_text="Admins only.")


class PasswordChangeSerializer(RequestSerializer):
    old_password = password_field(
        required=False, help_text="Required when changing your own password."
    )
    new_password = password_field()


class RoleAssignSerializer(RequestSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


class AuthMethodSerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text='"password", or the linked identity\'s id (for DELETE …/auth-methods/{id}).'
    )
    kind = serializers.ChoiceField(choices=["password", "oidc"])
    provider = serializers.CharField(allow_null=True, help_text="The OpenID provider's id.")
    identifier = serializers.CharField(
        allow_null=True, help_text="The username, or the identity's email (else its subject)."
    )
    issuer = serializers.CharField(allow_null=True)
    subject = serializers.CharField(allow_null=True, help_text="The provider's account id.")
    linked_at = serializers.DateTimeField(allow_null=True)
    last_login_at = serializers.DateTimeField(allow_null=True)
    enabled = serializers.BooleanField()


class AuthMethodLinkSerializer(RequestSerializer):
    provider = serializers.RegexField(
        r"^[a-z0-9][a-z0-9-]{0,31}\Z",
        error_messages={"invalid": "A provider id of OIDC_PROVIDERS."},
    )
    subject = serializers.CharField(
        max_length=255, trim_whitespace=False, help_text="The provider's account id (`sub`)."
    )
    email = serializers.EmailField(required=False, default="", help_text="For people to read.")


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    hint = serializers.SerializerMethodField(help_text="The token's first characters.")

    class Meta:
        model = ApiToken
        fields = ["label", "user", "hint", "created_at", "expires_at", "last_used_at"]
        read_only_fields = fields

    def get_hint(self, token: ApiToken) -> str:
        return f"wc_{token.hint}…"


class ApiTokenCreateSerializer(RequestSerializer):
    label = serializers.RegexField(
        r"^[\w.-]{1,64}\Z", error_messages={"invalid": "1 to 64 letters, digits, '.', '-' or '_'."}
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The secret. Shown only in this response; store it now."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class LoginSerializer(RequestSerializer):
    username = not_blank_field(max_length=150)
    password = password_field(max_length=4096)


class LoginResponseSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


class OidcProviderSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField(help_text="What a login button says.")
    issuer = serializers.CharField()
    login_url = serializers.CharField(help_text="The browser login (POST, from a page).")
    api_login_url = serializers.CharField(help_text="GET /auth/oidc/{provider}/login.")
    device_flow = serializers.ChoiceField(
        choices=["provider", "warecache"],
        allow_null=True,
        help_text="Who serves the device flow: the provider, Warecache itself, or nobody (null).",
    )


class AuthMethodsSerializer(serializers.Serializer):
    password = serializers.BooleanField()
    oidc = OidcProviderSerializer(many=True, help_text="The OpenID providers, in order.")


class OidcLoginParamsSerializer(RequestSerializer):
    redirect_uri = serializers.CharField(max_length=2000)


class OidcLoginStartSerializer(serializers.Serializer):
    authorization_url = serializers.CharField()
    state = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the callback will accept it.")


class OidcCallbackSerializer(RequestSerializer):
    code = serializers.CharField(max_length=4096, help_text="`code` from the redirect.")
    state = serializers.CharField(max_length=512, help_text="`state` from the redirect.")
    session = serializers.BooleanField(
        default=False, help_text="Also sign this browser session in."
    )


class DeviceAuthorizationSerializer(serializers.Serializer):
    device_code = serializers.CharField(
        help_text="The device's secret: send it to …/device/token to poll. Keep it private."
    )
    user_code = serializers.CharField(help_text="What the person types on the verification page.")
    verification_uri = serializers.CharField(help_text="Where the person enters the user code.")
    verification_uri_complete = serializers.CharField(
        allow_null=True,
        help_text="The same page with the user code filled in (null when the provider has none).",
    )
    verification_uri_qr_svg = serializers.CharField(
        help_text="An SVG QR code of verification_uri_complete (else of verification_uri)."
    )
    expires_in = serializers.IntegerField(help_text="Seconds until the device code expires.")
    interval = serializers.IntegerField(help_text="Seconds to wait between polls.")
    served_by = serializers.ChoiceField(
        choices=["provider", "warecache"],
        help_text="Who serves this device flow: the OpenID provider, or Warecache itself.",
    )


class DeviceTokenRequestSerializer(RequestSerializer):
    device_code = serializers.CharField(
        max_length=2048, trim_whitespace=False, help_text="From POST …/device."
    )


class DeviceTokenErrorSerializer(ErrorSerializer):
    """A refusal of a poll: ``code`` is RFC 8628's (authorization_pending, slow_down,
    expired_token, access_denied, invalid_grant) or the API's ``invalid``."""

    interval = serializers.IntegerField(
        required=False, help_text="slow_down: the new number of seconds to wait between polls."
    )
