from .models import ApiToken, User


def users():
    return User.objects.order_by("username")


def live_tokens(user: User):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_related("user")


def auth_methods(user: User) -> list[dict]:
    """The ways this user can log in. OIDC identities join this list with the OIDC issue."""
    return [
        {
            "id": "password",
            "kind": "password",
            "provider": None,
            "identifier": user.username,
            "enabled": user.has_usable_password(),
        }
    ]
