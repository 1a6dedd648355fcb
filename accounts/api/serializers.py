from rest_framework import serializers

from config.core.api_fields import RequestSerializer
from config.core.roles import Role

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


class UserCreateSerializer(RequestSerializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": "Letters, digits and @/./+/-/_ only."},
    )
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
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
    old_password = serializers.CharField(
        required=False, write_only=True, help_text="Required when changing your own password."
    )
    new_password = serializers.CharField(write_only=True)


class RoleAssignSerializer(RequestSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


class AuthMethodSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["password", "oidc"])
    provider = serializers.CharField(allow_null=True)
    identifier = serializers.CharField(allow_null=True)
    enabled = serializers.BooleanField()


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
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, max_length=4096)


class LoginResponseSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


class AuthMethodsSerializer(serializers.Serializer):
    password = serializers.BooleanField()
    oidc = serializers.ListField(child=serializers.DictField(), help_text="OIDC providers.")
